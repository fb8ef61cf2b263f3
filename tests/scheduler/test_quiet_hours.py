"""The scheduler holds notes and reminders that fall due in the quiet hours of the order's
time zone, posts them when the hours end, and never after the rating window's close."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import FakeClock
from bot.domain.policy import Policy
from tests.scheduler.conftest import Db, MakeScheduler
from tests.scheduler.fakes import add_note, add_order, add_posted, get_request, texts

NIGHT = "21:00-08:00"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


async def test_a_note_due_at_night_waits_for_the_morning(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=utc(2027, 1, 10, 12, 0))
    request = await add_note(uow, order, utc(2027, 1, 12, 22, 30))  # 23:30 in Madrid
    scheduler = make_scheduler(quiet_hours=NIGHT)
    clock.set(utc(2027, 1, 12, 22, 30))
    assert await scheduler.run_due() == 1
    assert await texts(uow) == [f"card {order.id} no check-in held to 2027-01-13 07:00"]
    assert (await get_request(uow, request.id)).due_at == utc(2027, 1, 13, 7, 0)  # 08:00 CET
    clock.set(utc(2027, 1, 13, 6, 59))
    assert await scheduler.run_due() == 0
    clock.set(utc(2027, 1, 13, 7, 0))
    assert await scheduler.run_due() == 1
    assert (await texts(uow))[-1] == f"note {request.id} es"


async def test_a_reminder_due_in_the_spring_forward_night_goes_at_eight(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    # Posted at 01:30 UTC on 2027-03-27; the 24 h reminder falls at 03:30 CEST on 2027-03-28,
    # the night the clocks skip 02:00-03:00. It goes at 08:00 CEST, 06:00 UTC.
    uow = db.uow_factory()
    posted = utc(2027, 3, 27, 1, 30)
    order = await add_order(uow, done_at=posted)
    request = await add_posted(uow, order, posted, Policy())
    scheduler = make_scheduler(quiet_hours=NIGHT)
    clock.set(posted + timedelta(hours=24))
    assert await scheduler.run_due() == 1
    assert await texts(uow) == [f"card {order.id} no check-in held to 2027-03-28 06:00"]
    clock.set(utc(2027, 3, 28, 6, 0))
    assert await scheduler.run_due() == 1
    assert (await texts(uow))[-1] == f"reminder {request.id} #1"


async def test_a_reminder_due_in_the_autumn_overlap_goes_at_eight_winter_time(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    # 2027-10-31: 02:30 happens twice in Madrid; the second time (01:30 UTC) is held to
    # 08:00 CET, 07:00 UTC.
    uow = db.uow_factory()
    posted = utc(2027, 10, 30, 1, 30)
    order = await add_order(uow, done_at=posted)
    await add_posted(uow, order, posted, Policy())
    scheduler = make_scheduler(quiet_hours=NIGHT)
    clock.set(posted + timedelta(hours=24))
    assert await scheduler.run_due() == 1
    assert await texts(uow) == [f"card {order.id} no check-in held to 2027-10-31 07:00"]


async def test_cairo_orders_follow_cairo_nights(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    # 2027-04-30 in Cairo: clocks go from 00:00 to 01:00. A reminder due at 22:00 UTC (01:00
    # EEST) goes at 08:00 EEST, 05:00 UTC.
    uow = db.uow_factory()
    posted = utc(2027, 4, 28, 22, 0)
    order = await add_order(uow, done_at=posted, tz="Africa/Cairo", language="ar")
    await add_posted(uow, order, posted, Policy())
    scheduler = make_scheduler(quiet_hours=NIGHT)
    clock.set(posted + timedelta(hours=24))
    assert await scheduler.run_due() == 1
    assert await texts(uow) == [f"card {order.id} no check-in held to 2027-04-30 05:00"]


async def test_without_quiet_hours_the_night_is_like_the_day(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=utc(2027, 1, 10, 12, 0))
    request = await add_note(uow, order, utc(2027, 1, 12, 22, 30))
    scheduler = make_scheduler(quiet_hours="")
    clock.set(utc(2027, 1, 12, 22, 30))
    assert await scheduler.run_due() == 1
    assert await texts(uow) == [f"note {request.id} es"]


async def test_a_reminder_held_past_the_windows_close_is_never_sent(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    # The rating window (90 days from done) closes at 03:00 UTC (05:00 CEST); the next
    # reminder falls due at midnight before. Held to 08:00 it would come after the close: it
    # is dropped, and the window closes with no reminder.
    uow = db.uow_factory()
    done = utc(2027, 1, 12, 3, 0)
    closes = done + timedelta(days=90)
    order = await add_order(uow, done_at=done)
    request = await add_posted(uow, order, done, Policy())
    async with uow() as work:  # the next reminder: late in the last evening
        stored = await work.requests.get(request.id or 0)
        assert stored is not None
        stored.next_reminder_at = closes - timedelta(hours=5)
        await work.requests.save(stored)
        await work.commit()
    scheduler = make_scheduler(quiet_hours=NIGHT)
    clock.set(closes - timedelta(hours=5))
    assert await scheduler.run_due() == 1
    held = await get_request(uow, request.id)
    assert held.next_reminder_at is None
    assert await texts(uow) == [f"card {order.id} no check-in no reminder"]
    clock.set(closes + timedelta(hours=6))  # the morning after: nothing but the close
    await scheduler.run_due()
    assert not any(text.startswith("reminder") for text in await texts(uow))
