"""The reminder cadence at its exact edges, the window's close, and local dates across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.domain.policy import Policy
from bot.domain.reviews import RequestState
from tests.scheduler.conftest import Db, MakeScheduler
from tests.scheduler.fakes import T0, add_note, add_order, add_posted, get_request, outbox, texts

POLICY = Policy()
SECOND = timedelta(seconds=1)


async def test_reminders_at_24_48_72_hours_one_week_then_weekly_exact_edges(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    request = await add_posted(uow, order, T0, POLICY)
    scheduler = make_scheduler()
    hours = [24, 48, 72, 168, 336, 504]
    for number, h in enumerate(hours, start=1):
        clock.set(T0 + timedelta(hours=h) - SECOND)  # 23:59:59 after the request
        assert await scheduler.run_due() == 0, f"early at {h} h"
        clock.set(T0 + timedelta(hours=h))  # 24:00:00
        assert await scheduler.run_due() == 1, f"missing at {h} h"
        assert (await texts(uow))[-1] == f"reminder {request.id} #{number}"
    assert len(await outbox(uow)) == len(hours)


async def test_no_reminder_at_or_after_the_window_close_and_the_close_is_queued(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    # done 76 days before the request: the window closes 14 days after it, exactly when
    # the second weekly reminder (168 h + 168 h) would fall due.
    done = T0 - timedelta(days=76)
    order = await add_order(uow, done_at=done)
    request = await add_posted(uow, order, T0, POLICY)
    closes = POLICY.rating_closes_at(done)
    assert closes == T0 + timedelta(days=14)
    scheduler = make_scheduler()
    clock.set(closes - SECOND)
    assert await scheduler.run_due() == 1  # the one-week reminder, late: only one
    assert await texts(uow) == [f"reminder {request.id} #1"]
    stored = await get_request(uow, request.id)
    assert stored.next_reminder_at is None  # the next would fall at the close: none
    assert stored.state == RequestState.POSTED

    clock.set(closes)
    assert await scheduler.run_due() == 1
    stored = await get_request(uow, request.id)
    assert stored.state == RequestState.CLOSED
    last = (await outbox(uow))[-1]
    assert last.kind == "edit_keyboard"
    clock.set(closes + timedelta(days=30))
    assert await scheduler.run_due() == 0
    assert len(await outbox(uow)) == 2


async def test_a_reminder_due_before_the_close_but_run_after_it_closes_instead(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    done = T0 - timedelta(days=89)
    order = await add_order(uow, done_at=done)
    request = await add_posted(uow, order, T0, POLICY)  # reminder at T0 + 24 h = close - 0
    clock.set(T0 + timedelta(days=5))
    assert await make_scheduler().run_due() == 1
    assert (await get_request(uow, request.id)).state == RequestState.CLOSED
    assert [s.kind for s in await outbox(uow)] == ["edit_keyboard"]


@pytest.mark.parametrize(("tz", "before", "after", "utc_before", "utc_after"), [
    # Madrid: CET (+1) until 28 Mar 2027 02:00, then CEST (+2)
    ("Europe/Madrid", date(2027, 3, 27), date(2027, 3, 28), 9, 8),
    # Sao Paulo: -3 until 4 Nov 2018 00:00, then -2 (its last DST start)
    ("America/Sao_Paulo", date(2018, 11, 3), date(2018, 11, 4), 13, 12),
])
async def test_the_note_for_a_local_date_posts_at_10_local_across_dst(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler, tz: str, before: date,
        after: date, utc_before: int, utc_after: int) -> None:
    uow = db.uow_factory()
    done = datetime.combine(before, datetime.min.time(), tzinfo=UTC) - timedelta(days=2)
    order = await add_order(uow, done_at=done, tz=tz)
    notes = []
    for day, utc_hour in ((before, utc_before), (after, utc_after)):
        due = POLICY.review_due_at(day, tz)
        assert due.astimezone(UTC).hour == utc_hour
        notes.append(await add_note(uow, order, due))
    scheduler = make_scheduler()
    for note in notes:
        note_due = (await get_request(uow, note.id)).due_at
        assert note_due is not None
        clock.set(note_due - SECOND)
        assert await scheduler.run_due() == 0
        clock.set(note_due)
        assert await scheduler.run_due() == 1
    # the reminder of the first note is 24 real hours later: 11:00 local after the change
    first = await get_request(uow, notes[0].id)
    assert first.next_reminder_at == first.posted_at + timedelta(hours=24)  # type: ignore[operator]
    clock.set(first.next_reminder_at)  # type: ignore[arg-type]
    assert await scheduler.run_due() == 1
    assert await texts(uow) == [f"note {notes[0].id} es", f"note {notes[1].id} es",
                                f"reminder {notes[0].id} #1"]
