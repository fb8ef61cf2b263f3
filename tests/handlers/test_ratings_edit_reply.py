"""Changing the rating (history kept) and the professional's one reply."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.callback_data import AspectValue, CommentChoice, EditRating, ReplyToReview, Stars
from bot.core.events import EditMessage, Ref, SendMessage
from tests.bench import Bench, make_bench
from tests.handlers.test_ratings_support import (
    Thread,
    alerts,
    card_of,
    prompt_of,
    rate,
    requested,
    texts,
)


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en")
    yield bench
    await bench.uow_factory.engine.dispose()


async def _rating(bench: Bench, th: Thread):  # type: ignore[no-untyped-def]
    async with bench.uow_factory() as uow:
        rating = await uow.ratings.for_order(th.order_id)
        assert rating is not None
        return rating, await uow.ratings.history(rating.id)


async def _edit_row(bench: Bench, th: Thread, rating_id: int) -> int:
    effects = await bench.send(bench.tap(th.group, th.client, EditRating(rating_id), 600))
    rows = [e for e in effects if isinstance(e, SendMessage) and e.keyboard]
    assert len(rows) == 1 and "Choose the stars again" in rows[0].text
    assert [b.data for b in rows[0].keyboard[0]] == [Stars(th.request_id, n).pack()
                                                     for n in range(1, 6)]
    return 700  # the message id of the fresh row (the bench does not track it)


async def test_client_changes_stars_aspects_and_comment(bench: Bench) -> None:
    th = await requested(bench)
    await rate(bench, th, 2, (2, 3, 0), "Slow")
    rating, history = await _rating(bench, th)
    row = await _edit_row(bench, th, rating.id)
    effects = await bench.send(bench.tap(th.group, th.client, Stars(th.request_id, 5), row))
    assert "Rating: ★★★★★ (5/5)" in card_of(effects).text
    edits = {(e.message_id, e.ref): e.text for e in effects if isinstance(e, EditMessage)}
    assert "Luis changed the rating: ★★★★★" in edits[(row, None)]
    assert "Luis rated: ★★★★★" in edits[(None, Ref("request", th.request_id))]
    for aspect, value in (("on_time", 5), ("quality", 0), ("communication", 4)):
        await bench.send(bench.tap(th.group, th.client, AspectValue(th.request_id, aspect, value),
                                   501))
    effects = await bench.send(bench.tap(th.group, th.client, CommentChoice(th.request_id, "write"),
                                         501))
    prompt_id = await bench.message_id_of(prompt_of(effects).ref or Ref("x", 0))
    effects = await bench.send(bench.text(th.group, th.client, "Sorted in the end", prompt_id))
    thanks = next(t for t in texts(effects) if "Thank you" in t)
    assert "(5/5)" in thanks and "Comment: Sorted in the end" in thanks
    rating, history = await _rating(bench, th)
    assert (rating.stars, rating.on_time, rating.quality, rating.communication) == (5, 5, 3, 4)
    assert rating.comment == "Sorted in the end"
    # one entry for the whole session: the rating as it was when "Change my rating" began
    assert [h.content() for h in history] == [(2, 2, 3, None, "Slow")]
    assert history[0].by_user_id == th.client.id


async def test_changing_only_an_aspect_is_kept_in_the_history(bench: Bench) -> None:
    th = await requested(bench)
    await rate(bench, th, 4, (4, 4, 4))
    rating, _ = await _rating(bench, th)
    row = await _edit_row(bench, th, rating.id)
    await rate(bench, th, 4, (0, 2, 0), message=row)
    rating, history = await _rating(bench, th)
    assert rating.content() == (4, 4, 2, 4, None)
    assert [h.content() for h in history] == [(4, 4, 4, 4, None)]


async def test_edit_with_same_stars_only_changes_comment(bench: Bench) -> None:
    th = await requested(bench)
    await rate(bench, th, 4, (4, 4, 4), "Good")
    rating, _ = await _rating(bench, th)
    row = await _edit_row(bench, th, rating.id)
    await rate(bench, th, 4, (0, 0, 0), "Very good", message=row)
    rating, history = await _rating(bench, th)
    assert (rating.stars, rating.on_time, rating.comment) == (4, 4, "Very good")
    assert [(h.stars, h.comment) for h in history] == [(4, "Good")]


async def test_only_the_client_edits_and_only_while_the_window_is_open(bench: Bench) -> None:
    th = await requested(bench)
    await rate(bench, th, 3)
    rating, _ = await _rating(bench, th)
    for person in (th.pro, bench.person(9, "Eve", "en")):
        effects = await bench.send(bench.tap(th.group, person, EditRating(rating.id)))
        assert alerts(effects) == ["This button is not for you."] and not texts(effects)
    bench.advance(timedelta(days=91))
    effects = await bench.send(bench.tap(th.group, th.client, EditRating(rating.id)))
    assert alerts(effects) == ["The rating window for this order has closed."]
    effects = await bench.send(bench.tap(th.group, th.client, Stars(th.request_id, 5), 700))
    assert alerts(effects) == ["The rating window for this order has closed."]
    rating, history = await _rating(bench, th)
    assert rating.stars == 3 and history == []


async def _reply_prompt(bench: Bench, th: Thread, rating_id: int, review_message: int) -> int:
    effects = await bench.send(bench.tap(th.group, th.pro, ReplyToReview(rating_id),
                                         review_message))
    prompt = prompt_of(effects)
    assert prompt.text.startswith("@ana ") and "only once" in prompt.text
    return await bench.message_id_of(prompt.ref or Ref("x", 0))


async def test_pro_replies_once_and_the_reply_is_shown_under_the_review(bench: Bench) -> None:
    th = await requested(bench)
    await rate(bench, th, 4, comment="Good work")
    review_message = await bench.message_id_of(Ref("review", 1))
    prompt_id = await _reply_prompt(bench, th, 1, review_message)
    effects = await bench.send(bench.text(th.group, th.pro, "Thank you, Luis!", prompt_id))
    posted = [e for e in effects if isinstance(e, SendMessage)]
    assert posted and "Ana replied to the review" in posted[0].text
    assert "Thank you, Luis!" in posted[0].text
    review = [e for e in effects if isinstance(e, EditMessage) and e.ref == Ref("review", 1)]
    assert review and "Comment: Good work\nReply from Ana: Thank you, Luis!" in review[0].text
    assert [b.data for b in (review[0].keyboard or ((),))[0]] == [EditRating(1).pack()]
    rating, _ = await _rating(bench, th)
    assert rating.reply == "Thank you, Luis!" and rating.reply_at == bench.clock.now()
    # a second reply is refused, by the button and by an old prompt alike
    effects = await bench.send(bench.tap(th.group, th.pro, ReplyToReview(1), review_message))
    assert alerts(effects) == ["That was already done."] and not texts(effects)
    effects = await bench.send(bench.text(th.group, th.pro, "Again", prompt_id))
    assert texts(effects) == ["That question was already answered."]
    rating, _ = await _rating(bench, th)
    assert rating.reply == "Thank you, Luis!"


async def test_second_prompt_answered_after_the_first_is_refused(bench: Bench) -> None:
    th = await requested(bench)
    await rate(bench, th, 2)  # Skip: the thank-you is an edit of the question message 501
    first = await _reply_prompt(bench, th, 1, 501)
    second = await _reply_prompt(bench, th, 1, 501)
    effects = await bench.send(bench.text(th.group, th.pro, "Sorry about that", first))
    assert any(isinstance(e, EditMessage) and e.ref == Ref("review", 1) for e in effects)
    effects = await bench.send(bench.text(th.group, th.pro, "Second try", second))
    assert texts(effects) == ["That was already done."]
    rating, _ = await _rating(bench, th)
    assert rating.reply == "Sorry about that"


async def test_reply_from_client_or_stranger_is_refused(bench: Bench) -> None:
    th = await requested(bench)
    await rate(bench, th, 1, comment="Bad")
    for person in (th.client, bench.person(9, "Eve", "en")):
        effects = await bench.send(bench.tap(th.group, person, ReplyToReview(1), 501))
        assert alerts(effects) == ["This button is not for you."] and not texts(effects)
    rating, _ = await _rating(bench, th)
    assert rating.reply is None


async def test_reply_too_long_is_refused(bench: Bench) -> None:
    th = await requested(bench)
    await rate(bench, th, 5)
    prompt_id = await _reply_prompt(bench, th, 1, 501)
    effects = await bench.send(bench.text(th.group, th.pro, "y" * 1001, prompt_id))
    assert texts(effects) == ["That text is too long: at most 1,000 characters."]
    rating, _ = await _rating(bench, th)
    assert rating.reply is None
