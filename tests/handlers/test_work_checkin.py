"""The one check-in: the window, once, only while the client is silent, no rating asked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.callback_data import BackToCard, SendCheckin, Stars
from bot.core.events import EditMessage
from scheduler.setup import ReviewScheduler
from tests.bench import Bench, make_bench
from tests.handlers.test_work_support import (
    Work,
    alert,
    alerts,
    cards,
    order_of,
    prompt_of,
    reply,
    requested,
    sent,
    working,
)


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en")
    yield bench
    await bench.uow_factory.engine.dispose()


SECOND, DAY, WEEK = timedelta(seconds=1), timedelta(days=1), timedelta(days=7)


async def _tap(bench: Bench, w: Work):  # type: ignore[no-untyped-def]
    return await bench.send(bench.tap(w.group, w.pro, SendCheckin(w.order_id)))


def _scheduler(bench: Bench) -> ReviewScheduler:
    return ReviewScheduler(bench.uow_factory, bench.clock, bench.settings,
                           bench.pipeline.translations)


def _offers(card: EditMessage) -> bool:
    return any(b.text == "Check in with the client" for row in card.keyboard or () for b in row)


async def _refreshed(bench: Bench, scheduler: ReviewScheduler, at) -> list[EditMessage]:  # type: ignore[no-untyped-def]
    """Set the clock, run what the scheduler finds due: the card refreshes it queued."""
    bench.clock.set(at)
    await scheduler.run_due()
    return cards(await bench.new_effects())


async def _card_now(bench: Bench, w: Work) -> EditMessage:
    """The card as it is drawn now (someone taps to refresh it)."""
    found = cards(await bench.send(bench.tap(w.group, w.stranger, BackToCard(w.order_id))))
    assert len(found) == 1
    return found[0]


async def _last_pro_message(bench: Bench, w: Work):  # type: ignore[no-untyped-def]
    last = (await order_of(bench, w.order_id)).last_pro_message_at
    assert last is not None
    return last


async def test_checkin_in_the_window_is_posted_once(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(hours=25))
    effects = await _tap(bench, w)
    assert "must not ask for a rating" in prompt_of(effects).text
    effects = await reply(bench, w.group, w.pro, effects, "How did it go? Need anything else?")
    posted = [m for m in sent(effects) if not m.force_reply]
    assert [m.text for m in posted] == ["Message from Ana:\nHow did it go? Need anything else?"]
    assert posted[0].keyboard is None
    assert "Check-in: used" in cards(effects)[0].text
    assert (await order_of(bench, w.order_id)).checkin_used_at == bench.clock.now()
    effects = await _tap(bench, w)
    assert alert(effects).startswith("You already sent your check-in for this order")


async def test_checkin_refused_before_24_hours_and_after_7_days(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(hours=23))
    assert alert(await _tap(bench, w)).startswith("The check-in opens on ")
    bench.advance(timedelta(days=7))
    assert alert(await _tap(bench, w)).startswith("The check-in window has closed")
    assert (await order_of(bench, w.order_id)).checkin_used_at is None


async def test_checkin_refused_after_the_client_answered(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(hours=2))
    await bench.send(bench.text(w.group, w.client, "Thanks, all good"))
    bench.advance(timedelta(hours=30))
    assert alert(await _tap(bench, w)).startswith("The client has written since your last")


async def test_client_writing_while_the_prompt_is_open_cancels_it(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(hours=25))
    effects = await _tap(bench, w)
    bench.advance(timedelta(minutes=5))
    await bench.send(bench.text(w.group, w.client, "Hello!"))
    effects = await reply(bench, w.group, w.pro, effects, "How did it go?")
    assert [m.text for m in sent(effects)] == [
        "The client has written since your last message: answer them directly, no check-in "
        "is needed.\nYour check-in was not sent."]
    assert (await order_of(bench, w.order_id)).checkin_used_at is None


async def test_checkin_refused_after_a_rating(bench: Bench) -> None:
    w = await working(bench, "done")
    request_id = await requested(bench, w)
    await bench.send(bench.tap(w.group, w.client, Stars(request_id, 4)))
    bench.advance(timedelta(hours=30))
    assert alert(await _tap(bench, w)) == "The client has already rated: no check-in is needed."


async def test_checkin_asking_for_stars_is_refused_and_asked_again(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(hours=25))
    effects = await reply(bench, w.group, w.pro, await _tap(bench, w), "Give me 5 stars please")
    refusal = [m for m in sent(effects) if not m.force_reply]
    assert len(refusal) == 1 and "given rating" in refusal[0].text
    assert "A check-in must not ask for a rating." in refusal[0].text
    assert (await order_of(bench, w.order_id)).checkin_used_at is None
    effects = await reply(bench, w.group, w.pro, effects, "Is the tap working well?")
    assert any(m.text.startswith("Message from Ana:") for m in sent(effects))


async def test_only_the_pro_checks_in(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(hours=25))
    for person in (w.client, w.stranger):
        effects = await bench.send(bench.tap(w.group, person, SendCheckin(w.order_id)))
        assert alert(effects) == "This button is not for you."
    assert not alerts(await _tap(bench, w))


async def test_answer_after_the_window_closed_is_not_sent(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(days=6))
    effects = await _tap(bench, w)
    bench.advance(timedelta(days=2))
    effects = await reply(bench, w.group, w.pro, effects, "How did it go?")
    assert next(m.text for m in sent(effects)).startswith("The check-in window has closed")
    assert (await order_of(bench, w.order_id)).checkin_used_at is None


async def test_the_card_offers_the_check_in_from_exactly_24_hours_to_exactly_7_days(
        bench: Bench) -> None:
    w = await working(bench)
    last, scheduler = await _last_pro_message(bench, w), _scheduler(bench)
    assert not _offers(await _card_now(bench, w))
    assert await _refreshed(bench, scheduler, last + DAY - SECOND) == []
    opened = await _refreshed(bench, scheduler, last + DAY)
    assert len(opened) == 1 and _offers(opened[0]) and "Check-in: not used" in opened[0].text
    assert await _refreshed(bench, scheduler, last + WEEK) == []  # still open at 7 days
    assert _offers(await _card_now(bench, w))
    assert "must not ask for a rating" in prompt_of(await _tap(bench, w)).text
    closed = await _refreshed(bench, scheduler, last + WEEK + SECOND)
    assert len(closed) == 1 and not _offers(closed[0])
    assert not _offers(await _card_now(bench, w))
    assert await _refreshed(bench, scheduler, last + 30 * DAY) == []


async def test_the_pro_writing_again_starts_the_window_over(bench: Bench) -> None:
    w = await working(bench)
    last, scheduler = await _last_pro_message(bench, w), _scheduler(bench)
    assert _offers((await _refreshed(bench, scheduler, last + DAY))[0])
    bench.advance(timedelta(hours=2))
    await bench.send(bench.text(w.group, w.pro, "I will pass by on Monday to check the tap"))
    again = await _last_pro_message(bench, w)
    assert again == last + DAY + timedelta(hours=2)
    ended = await _refreshed(bench, scheduler, again)
    assert len(ended) == 1 and not _offers(ended[0])
    assert await _refreshed(bench, scheduler, again + DAY - SECOND) == []
    reopened = await _refreshed(bench, scheduler, again + DAY)
    assert len(reopened) == 1 and _offers(reopened[0])


async def test_the_client_answering_ends_the_offer_for_good(bench: Bench) -> None:
    w = await working(bench)
    last, scheduler = await _last_pro_message(bench, w), _scheduler(bench)
    assert _offers((await _refreshed(bench, scheduler, last + 2 * DAY))[0])
    await bench.send(bench.text(w.group, w.client, "All good, thanks!"))
    ended = await _refreshed(bench, scheduler, last + 2 * DAY)
    assert len(ended) == 1 and not _offers(ended[0])
    assert await _refreshed(bench, scheduler, last + WEEK + SECOND) == []
    assert not _offers(await _card_now(bench, w))


async def test_the_card_stops_offering_the_check_in_once_it_is_sent(bench: Bench) -> None:
    w = await working(bench)
    last, scheduler = await _last_pro_message(bench, w), _scheduler(bench)
    await _refreshed(bench, scheduler, last + DAY + timedelta(hours=1))
    effects = await reply(bench, w.group, w.pro, await _tap(bench, w), "How did it go?")
    used = cards(effects)
    assert used and not _offers(used[-1]) and "Check-in: used" in used[-1].text
    later = await _refreshed(bench, scheduler, last + 8 * DAY)
    assert len(later) == 1 and not _offers(later[0])  # the window's close: still not offered


async def test_a_tap_on_a_card_drawn_before_the_close_is_refused_and_redraws_it(
        bench: Bench) -> None:
    w = await working(bench)
    last, scheduler = await _last_pro_message(bench, w), _scheduler(bench)
    assert _offers((await _refreshed(bench, scheduler, last + DAY))[0])
    bench.clock.set(last + WEEK + SECOND)  # closed, but the scheduler has not run yet
    effects = await _tap(bench, w)
    assert alert(effects).startswith("The check-in window has closed")
    redrawn = cards(effects)
    assert len(redrawn) == 1 and not _offers(redrawn[0])
