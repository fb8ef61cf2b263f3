"""The wake-up job: what falls due while it runs is posted by it, not left for the sweep.

The periodic sweep is set to an hour in these tests, so anything left for it would time out.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES

from bot.clock import FakeClock
from bot.domain.reviews import ReviewRequest
from scheduler import reconcile
from scheduler.setup import ReviewScheduler
from tests.scheduler.conftest import Db, MakeScheduler
from tests.scheduler.fakes import (
    T0,
    FakeRenderer,
    add_note,
    add_order,
    started_and_planned,
    texts,
)

HOUR = timedelta(hours=1)


def _count_sends(scheduler: ReviewScheduler, expected: int) -> asyncio.Event:
    """Set once `expected` commits have queued messages (the sender is woken after each)."""
    reached = asyncio.Event()
    calls: list[None] = []

    def woken() -> None:
        calls.append(None)
        if len(calls) >= expected:
            reached.set()

    scheduler.wake_sender = woken
    return reached


def _skipped(scheduler: ReviewScheduler) -> list[str]:
    skipped: list[str] = []
    scheduler.aps.add_listener(lambda e: skipped.append(e.job_id), EVENT_JOB_MAX_INSTANCES)
    return skipped


async def test_a_note_falling_due_while_the_wake_up_runs_is_posted_by_it(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    first = await add_note(uow, order, T0 + HOUR)
    second = await add_note(uow, order, T0 + 2 * HOUR)
    clock.set(T0 + HOUR)

    def time_passes(request: ReviewRequest) -> None:
        if request.id == first.id:  # posting the first note takes until after the second's time
            clock.set(T0 + 3 * HOUR)

    scheduler = make_scheduler(renderer=FakeRenderer(on_render=time_passes),
                               scheduler_sweep_seconds=3600)
    both = _count_sends(scheduler, 2)
    skipped = _skipped(scheduler)
    await scheduler.start()
    await asyncio.wait_for(both.wait(), 10)
    assert await texts(uow) == [f"note {first.id} es", f"note {second.id} es"]
    assert skipped == []


async def test_a_backlog_larger_than_a_page_is_posted_page_after_page(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    notes = [await add_note(uow, order, T0 + timedelta(minutes=i)) for i in range(5)]
    clock.set(T0 + HOUR)
    scheduler = make_scheduler(scheduler_batch_size=2, scheduler_sweep_seconds=3600)
    everything = _count_sends(scheduler, 5)
    await scheduler.start()
    await asyncio.wait_for(everything.wait(), 10)
    assert await texts(uow) == [f"note {n.id} es" for n in notes]


async def test_after_the_run_the_next_wake_up_is_set_for_the_next_due_time(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    await add_note(uow, order, T0 + HOUR)
    await add_note(uow, order, T0 + 5 * HOUR)
    clock.set(T0 + 2 * HOUR)
    scheduler = make_scheduler(scheduler_sweep_seconds=3600)
    ran = asyncio.Event()
    scheduler.aps.add_listener(
        lambda e: ran.set() if e.job_id == reconcile.WAKE_JOB else None, EVENT_JOB_EXECUTED)
    await scheduler.start()
    await asyncio.wait_for(ran.wait(), 10)
    wake = scheduler.aps.get_job(reconcile.WAKE_JOB)
    assert wake is not None and wake.next_run_time is not None
    expected = datetime.now(UTC) + 3 * HOUR
    assert abs(wake.next_run_time - expected) < timedelta(seconds=30)


async def test_a_poke_during_a_run_makes_it_look_again(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    first = await add_note(uow, order, T0 + HOUR)
    clock.set(T0 + 2 * HOUR)
    added: list[ReviewRequest] = []
    tasks: list[asyncio.Task[None]] = []

    async def another_process_schedules() -> None:
        added.append(await add_note(uow, order, T0 + 2 * HOUR))
        scheduler.poke()

    def during(request: ReviewRequest) -> None:
        if request.id == first.id:
            tasks.append(asyncio.get_running_loop().create_task(another_process_schedules()))

    scheduler = make_scheduler(renderer=FakeRenderer(on_render=during),
                               scheduler_sweep_seconds=3600)
    both = _count_sends(scheduler, 2)
    await scheduler.start()
    await asyncio.wait_for(both.wait(), 10)
    await asyncio.gather(*tasks)
    assert await texts(uow) == [f"note {first.id} es", f"note {added[0].id} es"]


async def test_poke_moves_the_wake_up_to_a_newly_scheduled_earlier_note(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    await add_note(uow, order, T0 + timedelta(days=5))
    scheduler = make_scheduler()
    await started_and_planned(scheduler)
    replanned = asyncio.Event()
    scheduler.aps.add_listener(
        lambda e: replanned.set() if e.job_id == reconcile.WAKE_JOB else None,
        EVENT_JOB_EXECUTED)
    await add_note(uow, order, T0 + timedelta(hours=3))
    scheduler.poke()
    await asyncio.wait_for(replanned.wait(), 10)
    wake = scheduler.aps.get_job(reconcile.WAKE_JOB)
    assert wake is not None
    assert wake.next_run_time is not None
    assert abs(wake.next_run_time - datetime.now(UTC) - 3 * HOUR) < timedelta(seconds=30)


async def test_stopping_during_a_sweep_lets_it_finish_and_the_database_stays_usable(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    """APScheduler's shutdown cancels running jobs; a sweep cancelled inside a unit of work
    could leave the engine's lock held and every later unit of work waiting."""
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    notes = [await add_note(uow, order, T0 + timedelta(minutes=i)) for i in range(30)]
    clock.set(T0 + HOUR)
    stopping: list[asyncio.Task[None]] = []
    asked = asyncio.Event()

    def stop_midway(request: ReviewRequest) -> None:
        if request.id == notes[3].id:
            stopping.append(asyncio.get_running_loop().create_task(scheduler.stop()))
            asked.set()

    scheduler = make_scheduler(renderer=FakeRenderer(on_render=stop_midway),
                               scheduler_sweep_seconds=3600)
    await scheduler.start()
    await asyncio.wait_for(asked.wait(), 10)
    await asyncio.wait_for(stopping[0], 10)
    async with asyncio.timeout(5), scheduler.uow_factory() as work:
        assert work.conn is not None
    assert await texts(uow) == [f"note {n.id} es" for n in notes]  # the sweep finished
    assert not scheduler.aps.running and not scheduler.active
