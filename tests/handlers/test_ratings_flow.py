"""The rating flow through the real pipeline and database: stars,
aspects, comment, thank-you; and every refusal leaves everything as it was."""

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


async def _stored(bench: Bench, th: Thread):  # type: ignore[no-untyped-def]
    async with bench.uow_factory() as uow:
        rating = await uow.ratings.for_order(th.order_id)
        history = await uow.ratings.history(rating.id) if rating else []
        request = await uow.requests.get(th.request_id)
    return rating, history, request


async def test_full_flow_stars_aspects_comment_thank_you(bench: Bench) -> None:
    th = await requested(bench)
    effects = await bench.send(bench.tap(th.group, th.client, Stars(th.request_id, 4),
                                         th.request_message))
    shown = [e for e in effects if isinstance(e, EditMessage) and
             e.message_id == th.request_message]
    assert shown and "Luis rated: ★★★★☆" in shown[0].text and shown[0].keyboard is None
    assert "Rating: ★★★★☆ (4/5)" in card_of(effects).text
    assert any("On time" in text for text in texts(effects))
    # on time 5, quality skipped, communication 3
    effects = await bench.send(bench.tap(th.group, th.client, AspectValue(th.request_id,
                                                                 "on_time", 5), 501))
    assert "Quality of the work" in texts(effects)[0]
    await bench.send(bench.tap(th.group, th.client, AspectValue(th.request_id, "quality", 0), 501))
    effects = await bench.send(bench.tap(th.group, th.client,
                                         AspectValue(th.request_id, "communication", 3), 501))
    assert "written comment" in texts(effects)[0]
    effects = await bench.send(bench.tap(th.group, th.client, CommentChoice(th.request_id, "write"),
                                         501))
    prompt = prompt_of(effects)
    assert prompt.text.startswith("@luis ") and "at most 1,000 characters" in prompt.text
    prompt_id = await bench.message_id_of(prompt.ref or Ref("x", 0))
    markup = "<b>Great</b> *work* [x](http://e.x)"
    effects = await bench.send(bench.text(th.group, th.client, markup, prompt_id))
    thanks = [e for e in effects if isinstance(e, SendMessage) and "Thank you, Luis" in e.text]
    assert thanks, effects
    text = thanks[0].text
    assert "★★★★☆ (4/5)" in text and "On time: ★★★★★" in text
    assert "Quality of the work: not rated" in text and "Communication: ★★★☆☆" in text
    assert "Comment: " + markup in text  # stored and shown as it was typed: plain text
    assert [b.data for b in (thanks[0].keyboard or ((),))[0]] == [
        EditRating(1).pack(), ReplyToReview(1).pack()]
    rating, history, request = await _stored(bench, th)
    assert (rating.stars, rating.on_time, rating.quality, rating.communication) == (4, 5, None, 3)
    assert rating.comment == markup and history == []
    assert request.state == "rated" and request.next_reminder_at is None


async def test_skipping_everything_still_thanks(bench: Bench) -> None:
    th = await requested(bench)
    effects = await rate(bench, th, 5)
    assert any("Thank you, Luis" in t and "not rated" in t for t in texts(effects))
    rating, _history, _request = await _stored(bench, th)
    assert rating.stars == 5 and rating.comment is None and rating.on_time is None


async def _assert_refused(bench: Bench, th: Thread, effects: list, words: str) -> None:  # type: ignore[type-arg]
    assert any(words in alert for alert in alerts(effects)), effects
    assert not [e for e in effects if isinstance(e, SendMessage | EditMessage)]
    rating, _history, _request = await _stored(bench, th)
    assert rating is None


async def test_pro_cannot_rate_own_order(bench: Bench) -> None:
    th = await requested(bench)
    effects = await bench.send(bench.tap(th.group, th.pro, Stars(th.request_id, 5),
                                         th.request_message))
    await _assert_refused(bench, th, effects, "not for you")


async def test_stranger_cannot_rate(bench: Bench) -> None:
    th = await requested(bench)
    stranger = bench.person(9, "Eve", "en")
    effects = await bench.send(bench.tap(th.group, stranger, Stars(th.request_id, 1),
                                         th.request_message))
    await _assert_refused(bench, th, effects, "not for you")


async def test_rating_after_the_window_is_refused(bench: Bench) -> None:
    th = await requested(bench)
    bench.advance(timedelta(days=91))
    effects = await bench.send(bench.tap(th.group, th.client, Stars(th.request_id, 5),
                                         th.request_message))
    await _assert_refused(bench, th, effects, "rating window for this order has closed")


@pytest.mark.parametrize("data", ["star:{rid}:9", "star:{rid}:0", "star:{rid}:-1",
                                  "star:{rid}:5:1", "star:{rid}:five", "star:{rid}"])
async def test_forged_star_value_is_refused(bench: Bench, data: str) -> None:
    th = await requested(bench)
    effects = await bench.send(bench.tap(th.group, th.client, data.format(rid=th.request_id),
                                         th.request_message))
    await _assert_refused(bench, th, effects, "This button is not valid.")


async def test_forged_aspect_value_is_refused(bench: Bench) -> None:
    th = await requested(bench)
    await rate(bench, th, 3)
    for data in (f"asp:{th.request_id}:quality:6", f"asp:{th.request_id}:price:4"):
        effects = await bench.send(bench.tap(th.group, th.client, data, 501))
        assert alerts(effects) == ["This button is not valid."]
    rating, _history, _request = await _stored(bench, th)
    assert rating.quality is None


async def test_star_button_from_another_chat_is_refused(bench: Bench) -> None:
    th = await requested(bench)
    effects = await bench.send(bench.tap(-999, th.client, Stars(th.request_id, 5)))
    await _assert_refused(bench, th, effects, "not for you")


async def test_comment_too_long_is_refused_and_can_be_retried(bench: Bench) -> None:
    th = await requested(bench)
    await rate(bench, th, 4, (0, 0, 0))
    effects = await bench.send(bench.tap(th.group, th.client, CommentChoice(th.request_id, "write"),
                                         501))
    prompt = prompt_of(effects)
    prompt_id = await bench.message_id_of(prompt.ref or Ref("x", 0))
    long_one = bench.text(th.group, th.client, "x" * 1001, prompt_id)
    effects = await bench.send(long_one)
    again = prompt_of(effects)
    assert texts(effects) == ["@luis Your comment is too long: at most 1,000 characters. Please "
                              "shorten it and send it again as a reply to this message."]
    assert again.reply_to_message_id == long_one.message_id and again.ref == prompt.ref
    assert again.force_reply is not None and again.force_reply.placeholder == "Your comment"
    rating, history, _request = await _stored(bench, th)
    assert rating.comment is None and history == []
    retry_id = await bench.message_id_of(again.ref or Ref("x", 0))
    assert retry_id != prompt_id
    effects = await bench.send(bench.text(th.group, th.client, "Fine job", retry_id))
    assert any("Comment: Fine job" in t for t in texts(effects))
    effects = await bench.send(bench.text(th.group, th.client, "Fine job!", prompt_id))
    assert texts(effects) == ["That question was already answered."]
    rating, history, _request = await _stored(bench, th)
    assert rating.comment == "Fine job" and history == []


async def test_comment_too_long_is_said_in_the_orders_language(bench: Bench) -> None:
    th = await requested(bench, language="es")
    await rate(bench, th, 4, (0, 0, 0))
    effects = await bench.send(bench.tap(th.group, th.client, CommentChoice(th.request_id, "write"),
                                         501))
    prompt_id = await bench.message_id_of(prompt_of(effects).ref or Ref("x", 0))
    effects = await bench.send(bench.text(th.group, th.client, "x" * 1001, prompt_id))
    again = prompt_of(effects)
    assert again.text == ("@luis Tu comentario es demasiado largo: máximo 1.000 caracteres. "
                          "Acórtalo y vuelve a enviarlo respondiendo a este mensaje.")
    assert again.force_reply is not None and again.force_reply.placeholder == "Tu comentario"


async def test_the_first_question_still_takes_the_comment_after_a_refusal(bench: Bench) -> None:
    th = await requested(bench)
    await rate(bench, th, 4, (0, 0, 0))
    effects = await bench.send(bench.tap(th.group, th.client, CommentChoice(th.request_id, "write"),
                                         501))
    prompt_id = await bench.message_id_of(prompt_of(effects).ref or Ref("x", 0))
    await bench.send(bench.text(th.group, th.client, "y" * 1500, prompt_id))
    effects = await bench.send(bench.text(th.group, th.client, "z" * 1000, prompt_id))
    assert any("Comment: " + "z" * 1000 in t for t in texts(effects))
    rating, _history, _request = await _stored(bench, th)
    assert rating.comment == "z" * 1000


async def test_someone_else_answering_the_comment_prompt_is_refused(bench: Bench) -> None:
    th = await requested(bench)
    await rate(bench, th, 4)
    effects = await bench.send(bench.tap(th.group, th.client, CommentChoice(th.request_id, "write"),
                                         501))
    prompt_id = await bench.message_id_of(prompt_of(effects).ref or Ref("x", 0))
    effects = await bench.send(bench.text(th.group, th.pro, "I was great", prompt_id))
    assert texts(effects) == ["That question was for someone else."]
    rating, _history, _request = await _stored(bench, th)
    assert rating.comment is None


async def test_double_tap_on_the_stars_changes_nothing(bench: Bench) -> None:
    th = await requested(bench)
    await bench.send(bench.tap(th.group, th.client, Stars(th.request_id, 4),
                               th.request_message))
    effects = await bench.send(bench.tap(th.group, th.client, Stars(th.request_id, 4),
                                         th.request_message))
    assert alerts(effects) == ["You already rated order #1 «Kitchen tap»: ★★★★☆."]
    shown = [e for e in effects if isinstance(e, EditMessage)]
    assert [(e.message_id, e.keyboard) for e in shown] == [(th.request_message, None)]
    assert shown[0].text.endswith("Luis rated: ★★★★☆")
    assert not [e for e in effects if isinstance(e, SendMessage)]
    rating, history, _request = await _stored(bench, th)
    assert rating.stars == 4 and history == []
