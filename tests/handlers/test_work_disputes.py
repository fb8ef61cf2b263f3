"""Disputes: reviews pause, moderators are told and resolve."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.callback_data import OpenDispute, ResolveDispute, SetStatus, Stars
from bot.core.events import EditMessage, Effect, SendMessage
from bot.domain.order import Status
from bot.domain.reviews import RequestState
from scheduler.setup import ReviewScheduler
from tests.bench import Bench, make_bench
from tests.handlers.test_work_support import (
    MODERATOR,
    Work,
    alert,
    alerts,
    audit_actions,
    cards,
    keyboards_of,
    order_of,
    reply,
    request_of,
    requested,
    sent,
    working,
)


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en", moderator_ids=str(MODERATOR))
    yield bench
    await bench.uow_factory.engine.dispose()


REMINDER = "a friendly reminder"


async def _dispute(bench: Bench, w: Work, by_client: bool = True) -> list[Effect]:
    person = w.client if by_client else w.pro
    effects = await bench.send(bench.tap(w.group, person, OpenDispute(w.order_id)))
    assert not alerts(effects), alerts(effects)
    return await reply(bench, w.group, person, effects, "The tap still leaks")


async def _reminders_after(bench: Bench, scheduler: ReviewScheduler,
                           delta: timedelta) -> list[str]:
    """Move the clock, run what the scheduler finds due; the reminders it posted."""
    bench.advance(delta)
    await scheduler.run_due()
    return [m.text for m in sent(await bench.new_effects()) if REMINDER in m.text]


def _scheduler(bench: Bench) -> ReviewScheduler:
    return ReviewScheduler(bench.uow_factory, bench.clock, bench.settings,
                           bench.pipeline.translations)


def _to_moderator(effects: list[Effect]) -> SendMessage:
    notes = [m for m in sent(effects) if m.chat_id == MODERATOR]
    assert len(notes) == 1, effects
    return notes[0]


async def test_dispute_freezes_reviews_and_tells_moderators(bench: Bench) -> None:
    moderator = bench.person(MODERATOR, "Mod", "es")
    await bench.send(bench.command(MODERATOR, moderator, "/help"))  # known, speaks Spanish
    w = await working(bench, "done")
    request_id = await requested(bench, w)
    effects = await _dispute(bench, w)
    said = [m.text for m in sent(effects) if m.chat_id == w.group]
    assert any("Luis opened a dispute about" in t and "The tap still leaks" in t for t in said)
    paused = keyboards_of(effects, "request")
    assert paused and paused[0].keyboard is not None
    assert paused[0].keyboard[0][0].text == "Rating paused: the order is in dispute"
    assert "In dispute" in cards(effects)[0].text
    note = _to_moderator(effects)
    es = bench.pipeline.translations.get("es")
    assert es._("History:") in note.text and "The tap still leaks" in note.text
    assert note.keyboard is not None
    assert {b.data for row in note.keyboard for b in row} == {
        ResolveDispute(w.order_id, "done").pack(), ResolveDispute(w.order_id, "in_progress").pack(),
        ResolveDispute(w.order_id, "cancel").pack()}
    order = await order_of(bench, w.order_id)
    assert order.status == Status.DISPUTED and order.status_before_dispute == Status.DONE
    assert (await request_of(bench, request_id)).frozen_at == bench.clock.now()
    effects = await bench.send(bench.tap(w.group, w.client, Stars(request_id, 5)))
    assert alert(effects).startswith("Reviews are paused while this order is disputed")
    assert "dispute_opened" in await audit_actions(bench, w.order_id)


async def test_moderator_resolves_and_reminders_resume_from_then(bench: Bench) -> None:
    w = await working(bench, "done")
    request_id = await requested(bench, w)
    before = (await request_of(bench, request_id)).next_reminder_at
    assert before is not None
    await _dispute(bench, w)
    bench.advance(timedelta(hours=30))
    moderator = bench.person(MODERATOR, "Mod", "en")
    resolve = ResolveDispute(w.order_id, "done")
    effects = await bench.send(bench.tap(MODERATOR, moderator, resolve, 5))
    done = [e for e in effects if isinstance(e, EditMessage) and e.chat_id == MODERATOR]
    assert done and done[0].message_id == 5 and "resolved by you: Done" in done[0].text
    assert any("A moderator closed the dispute: the order is Done." in m.text
               for m in sent(effects))
    stars = keyboards_of(effects, "request")
    assert stars and stars[0].keyboard is not None and len(stars[0].keyboard[0]) == 5
    assert keyboards_of(effects, "dispute")  # the withdraw button goes
    request = await request_of(bench, request_id)
    assert request.frozen_at is None and request.next_reminder_at == before + timedelta(hours=30)
    assert (await order_of(bench, w.order_id)).status == Status.DONE
    assert "dispute_resolved" in await audit_actions(bench, w.order_id)
    cancel = ResolveDispute(w.order_id, "cancel")
    effects = await bench.send(bench.tap(MODERATOR, moderator, cancel))
    assert alert(effects) == "This dispute is already closed: the order is now Done."


async def test_cancellation_ends_the_reviews(bench: Bench) -> None:
    w = await working(bench, "done")
    request_id = await requested(bench, w)
    await _dispute(bench, w, by_client=False)
    moderator = bench.person(MODERATOR, "Mod", "en")
    cancel = ResolveDispute(w.order_id, "cancel")
    effects = await bench.send(bench.tap(MODERATOR, moderator, cancel))
    closed = keyboards_of(effects, "request")
    assert closed and closed[0].keyboard is not None
    assert closed[0].keyboard[0][0].text == "Rating closed: the order was cancelled"
    assert cards(effects)[0].keyboard == ()
    assert (await order_of(bench, w.order_id)).status == Status.CANCELLED
    assert (await request_of(bench, request_id)).state == RequestState.CANCELLED
    assert "order_cancelled" in await audit_actions(bench, w.order_id)


async def test_opener_withdraws_back_to_the_previous_status(bench: Bench) -> None:
    w = await working(bench)
    await _dispute(bench, w)
    effects = await bench.send(bench.tap(w.group, w.pro, ResolveDispute(w.order_id, "withdraw")))
    assert alert(effects) == "This button is not for you."
    effects = await bench.send(bench.tap(w.group, w.client, ResolveDispute(w.order_id, "withdraw")))
    assert any("Luis withdrew the dispute: the order is In progress again." in m.text
               for m in sent(effects))
    assert (await order_of(bench, w.order_id)).status == Status.IN_PROGRESS
    assert "dispute_withdrawn" in await audit_actions(bench, w.order_id)


async def test_who_may_open_and_resolve(bench: Bench) -> None:
    w = await working(bench)
    effects = await bench.send(bench.tap(w.group, w.stranger, OpenDispute(w.order_id)))
    assert alert(effects) == "This button is not for you."
    await _dispute(bench, w)
    effects = await bench.send(bench.tap(w.group, w.pro, OpenDispute(w.order_id)))
    assert alert(effects).startswith("A dispute is already open")
    for person in (w.pro, w.client, w.stranger):
        effects = await bench.send(bench.tap(w.group, person, ResolveDispute(w.order_id, "done")))
        assert alert(effects) == "This button is not for you."
    effects = await bench.send(bench.tap(5, w.stranger, ResolveDispute(w.order_id, "done")))
    assert alert(effects) == "This button is not for you."
    effects = await bench.send(bench.tap(MODERATOR, bench.person(MODERATOR, "Mod", "en"),
                                         "dsr:1:refund"))
    assert alerts(effects)
    assert (await order_of(bench, w.order_id)).status == Status.DISPUTED


async def test_no_dispute_before_the_work_starts(bench: Bench) -> None:
    w = await working(bench)
    await bench.send(bench.tap(w.group, w.pro, SetStatus(w.order_id, "not_hired"), 77))
    effects = await bench.send(bench.tap(w.group, w.client, OpenDispute(w.order_id)))
    assert "it is now: Not hired yet" in alert(effects)


async def test_a_dispute_ending_in_progress_keeps_the_reminders_stopped_until_done(
        bench: Bench) -> None:
    w = await working(bench, "done")
    request_id = await requested(bench, w)
    first_reminder = (await request_of(bench, request_id)).next_reminder_at
    assert first_reminder is not None
    await _dispute(bench, w)
    frozen_at = bench.clock.now()
    bench.advance(timedelta(hours=2))
    moderator = bench.person(MODERATOR, "Mod", "en")
    effects = await bench.send(bench.tap(MODERATOR, moderator,
                                         ResolveDispute(w.order_id, "in_progress").pack()))
    assert any("the order is In progress. The review reminders continue once the job is "
               "done." in m.text for m in sent(effects))
    stars = keyboards_of(effects, "request")  # the client may still rate the work so far
    assert stars and stars[0].keyboard is not None and len(stars[0].keyboard[0]) == 5
    request = await request_of(bench, request_id)
    assert (request.frozen_at, request.next_reminder_at) == (frozen_at, first_reminder)

    scheduler = _scheduler(bench)
    assert await _reminders_after(bench, scheduler, timedelta(days=3)) == []
    await bench.send(bench.tap(w.group, w.pro, SetStatus(w.order_id, "done"), 77))
    paused = bench.clock.now() - frozen_at
    resumed = await request_of(bench, request_id)
    assert resumed.frozen_at is None and resumed.next_reminder_at == first_reminder + paused
    left = resumed.next_reminder_at - bench.clock.now()
    assert await _reminders_after(bench, scheduler, left - timedelta(seconds=1)) == []
    reminders = await _reminders_after(bench, scheduler, timedelta(seconds=1))
    assert len(reminders) == 1 and reminders[0].startswith("Luis, a friendly reminder")


@pytest.mark.parametrize(("before", "resumes"), [("done", True), ("in_progress", False)])
async def test_a_withdrawn_dispute_resumes_the_reminders_only_back_to_done(
        bench: Bench, before: str, resumes: bool) -> None:
    w = await working(bench, before)
    request_id = await requested(bench, w)
    await _dispute(bench, w)
    frozen_at = bench.clock.now()
    bench.advance(timedelta(hours=5))
    await bench.send(bench.tap(w.group, w.client, ResolveDispute(w.order_id, "withdraw")))
    request = await request_of(bench, request_id)
    assert request.frozen_at == (None if resumes else frozen_at)
    reminders = await _reminders_after(bench, _scheduler(bench), timedelta(hours=30))
    assert len(reminders) == (1 if resumes else 0)


async def test_a_cancelled_order_gets_no_reminder_ever(bench: Bench) -> None:
    w = await working(bench, "done")
    request_id = await requested(bench, w)
    await _dispute(bench, w)
    moderator = bench.person(MODERATOR, "Mod", "en")
    await bench.send(bench.tap(MODERATOR, moderator, ResolveDispute(w.order_id, "cancel")))
    assert await _reminders_after(bench, _scheduler(bench), timedelta(days=30)) == []
    assert (await request_of(bench, request_id)).state == RequestState.CANCELLED
