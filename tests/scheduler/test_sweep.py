"""The sweep: after a downtime everything overdue is posted once, in due order."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.clock import FakeClock
from bot.domain.policy import Policy
from bot.domain.reviews import RequestState
from tests.scheduler.conftest import Db, MakeScheduler
from tests.scheduler.fakes import (
    T0,
    add_note,
    add_order,
    add_posted,
    get_request,
    outbox,
    texts,
)

POLICY = Policy()


async def test_restart_after_downtime_posts_every_overdue_item_once_in_due_order(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0 - timedelta(days=5))
    late_note = await add_note(uow, order, T0 + timedelta(hours=5))
    early_note = await add_note(uow, order, T0 + timedelta(hours=1))
    posted = await add_posted(uow, order, T0 - timedelta(hours=20), POLICY)  # reminder at T0+4h
    future = await add_note(uow, order, T0 + timedelta(days=30))
    clock.set(T0 + timedelta(days=3))  # the bot was down for three days

    scheduler = make_scheduler()
    assert await scheduler.run_due() == 3
    assert await texts(uow) == [f"note {early_note.id} es", f"reminder {posted.id} #1",
                                f"note {late_note.id} es"]
    assert await scheduler.run_due() == 0  # a second sweep finds nothing more
    assert len(await outbox(uow)) == 3
    assert (await get_request(uow, future.id)).state == RequestState.SCHEDULED


async def test_one_reminder_after_a_long_downtime_then_the_cadence_continues(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    request = await add_posted(uow, order, T0, POLICY)
    clock.set(T0 + timedelta(days=4))  # the 24 h, 48 h and 72 h reminders were all missed
    scheduler = make_scheduler()
    assert await scheduler.run_due() == 1
    assert await texts(uow) == [f"reminder {request.id} #1"]
    stored = await get_request(uow, request.id)
    assert stored.reminders_sent == 1
    assert stored.next_reminder_at == clock.now() + timedelta(hours=24)


async def test_a_job_that_fires_twice_posts_once(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0 - timedelta(days=2))
    notes = [await add_note(uow, order, T0 + timedelta(minutes=i)) for i in range(20)]
    posted = [await add_posted(uow, order, T0 - timedelta(hours=23, minutes=i), POLICY)
              for i in range(10)]
    clock.set(T0 + timedelta(hours=2))
    first, second = (make_scheduler(scheduler_batch_size=3),
                     make_scheduler(scheduler_batch_size=4))

    done = await asyncio.gather(first.run_due(), second.run_due(), first.run_due())

    assert sum(done) == 30
    sent = await texts(uow)
    assert sorted(sent) == sorted([f"note {n.id} es" for n in notes]
                                  + [f"reminder {p.id} #1" for p in posted])
    assert len(sent) == len(set(sent)) == 30


async def test_the_sweep_is_paced_in_pages(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    notes = [await add_note(uow, order, T0 + timedelta(seconds=i)) for i in range(7)]
    clock.set(T0 + timedelta(hours=1))
    scheduler = make_scheduler(scheduler_batch_size=2)
    assert await scheduler.run_due(limit=3) == 3
    assert await scheduler.run_due(limit=3) == 3
    assert await scheduler.run_due() == 1
    assert await texts(uow) == [f"note {n.id} es" for n in notes]
