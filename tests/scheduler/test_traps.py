"""APScheduler 3's traps, defused in ours (each is APScheduler's documented behaviour: the
default grace time, no retry of a failed one-off job, jobs stored by their function's name):

1. the default misfire_grace_time of 1 s drops a one-off job that is late after a restart;
2. a crash during a run loses a one-off job;
3. a job whose function was renamed is silently removed from a persistent job store;
4. the SQLAlchemy job store is synchronous and blocks the event loop (test_traps_stores.py);
5. a job store must not be shared by two schedulers (test_traps_stores.py).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_EXECUTED, JobEvent

from bot.clock import FakeClock
from bot.domain.reviews import RequestState
from scheduler import reconcile
from tests.scheduler.conftest import Db, MakeScheduler
from tests.scheduler.fakes import (
    T0,
    FakeRenderer,
    add_note,
    add_order,
    get_request,
    outbox,
    started_and_planned,
    texts,
)

OUR_JOBS = {reconcile.LEADER_JOB, reconcile.SWEEP_JOB, reconcile.WAKE_JOB}


def _close_to(moment: datetime | None, expected: datetime) -> bool:
    return moment is not None and abs(moment - expected) < timedelta(seconds=30)


async def test_trap1_ours_posts_after_a_restart_later_than_any_grace_time(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    note = await add_note(uow, order, T0 + timedelta(hours=1))
    clock.set(T0 + timedelta(days=3))  # restarted three days late
    scheduler = make_scheduler()
    woken = asyncio.Event()
    replanned = asyncio.Event()
    scheduler.wake_sender = woken.set

    def on_executed(event: JobEvent) -> None:
        if event.job_id == reconcile.WAKE_JOB:
            replanned.set()

    scheduler.aps.add_listener(on_executed, EVENT_JOB_EXECUTED)
    await scheduler.start()
    await asyncio.wait_for(woken.wait(), 10)  # APScheduler ran the sweep: nothing is waited for
    await asyncio.wait_for(replanned.wait(), 10)
    assert await texts(uow) == [f"note {note.id} es"]
    for job in scheduler.aps.get_jobs():
        assert job.misfire_grace_time is None and job.coalesce and job.max_instances == 1
    wake = scheduler.aps.get_job(reconcile.WAKE_JOB)  # next: the 24 h reminder
    assert wake is not None
    assert _close_to(wake.next_run_time, datetime.now(UTC) + timedelta(hours=24))


async def test_trap2_ours_a_crash_during_a_run_leaves_the_row_due(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    """The run crashed half-way (before its commit): the row still says it is due."""
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    note = await add_note(uow, order, T0 + timedelta(hours=1))
    clock.set(T0 + timedelta(hours=2))
    scheduler = make_scheduler(renderer=FakeRenderer(fail_times=1))

    assert await scheduler.run_due() == 0  # the run crashed half-way: nothing committed
    assert await outbox(uow) == []
    assert (await get_request(uow, note.id)).state == RequestState.SCHEDULED
    assert await scheduler.run_due() == 1  # the next sweep does it
    assert await texts(uow) == [f"note {note.id} es"]


async def test_trap3_ours_rebuilds_the_jobs_from_the_tables_at_every_start(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    await add_note(uow, order, T0 + timedelta(days=2))
    for _restart in range(2):
        scheduler = make_scheduler()
        assert scheduler.aps.get_jobs() == []  # nothing carried over, nothing unpickled
        await started_and_planned(scheduler)
        assert {job.id for job in scheduler.aps.get_jobs()} == OUR_JOBS
        wake = scheduler.aps.get_job(reconcile.WAKE_JOB)
        assert wake is not None
        assert _close_to(wake.next_run_time, datetime.now(UTC) + timedelta(days=2))
        await scheduler.stop()
