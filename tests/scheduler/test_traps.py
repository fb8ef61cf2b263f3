"""APScheduler 3's traps, shown on APScheduler itself, and defused in ours:

1. the default misfire_grace_time of 1 s drops a one-off job that is late after a restart;
2. a crash during a run loses a one-off job;
3. a job whose function was renamed is silently removed from a persistent job store;
4. the SQLAlchemy job store is synchronous and blocks the event loop (test_traps_stores.py);
5. a job store must not be shared by two schedulers (test_traps_stores.py).
"""

from __future__ import annotations

import asyncio
import importlib
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger

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


async def test_trap1_default_grace_time_drops_a_late_one_off_job() -> None:
    ran: list[int] = []
    missed = asyncio.Event()
    aps = AsyncIOScheduler()  # APScheduler's defaults: misfire_grace_time=1
    aps.add_listener(lambda _event: missed.set(), EVENT_JOB_MISSED)
    late = datetime.now(UTC) - timedelta(seconds=5)  # due while the process was down
    aps.add_job(ran.append, DateTrigger(run_date=late), args=[1], id="note-1")
    aps.start()
    try:
        await asyncio.wait_for(missed.wait(), 10)
        assert ran == []
        assert aps.get_job("note-1") is None  # dropped and deleted: the note is lost
    finally:
        aps.shutdown(wait=False)


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


async def test_trap2_a_one_off_job_that_crashes_is_gone() -> None:
    failed = asyncio.Event()
    aps = AsyncIOScheduler()
    aps.add_listener(lambda _event: failed.set(), EVENT_JOB_ERROR)

    async def post_note() -> None:
        raise ConnectionError("the database went away half-way")

    aps.add_job(post_note, DateTrigger(run_date=datetime.now(UTC)), id="note-1")
    aps.start()
    try:
        await asyncio.wait_for(failed.wait(), 10)
        assert aps.get_job("note-1") is None  # no retry: the note is lost
    finally:
        aps.shutdown(wait=False)


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


def _write_module(folder: Path, name: str, function: str) -> None:
    (folder / f"{name}.py").write_text(f"def {function}():\n    return None\n")
    sys.modules.pop(name, None)
    importlib.invalidate_caches()


def test_trap3_sqlalchemy_store_silently_drops_a_job_whose_function_was_renamed(
        tmp_path: Path) -> None:
    module = f"renamed_jobs_{tmp_path.name.replace('-', '_')}"
    _write_module(tmp_path, module, "post_note")
    sys.path.insert(0, str(tmp_path))
    url = f"sqlite:///{tmp_path / 'jobs.sqlite'}"
    try:
        before = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)})
        before.start(paused=True)
        before.add_job(f"{module}:post_note", DateTrigger(datetime.now(UTC) + timedelta(days=1)),
                       id="note-1")
        before.shutdown(wait=False)
        _write_module(tmp_path, module, "post_rating_note")  # a refactoring renames it

        after = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)})
        after.start(paused=True)
        assert after.get_jobs() == []
        after.shutdown(wait=False)
        with sqlite3.connect(tmp_path / "jobs.sqlite") as conn:
            assert conn.execute("SELECT count(*) FROM apscheduler_jobs").fetchone() == (0,)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(module, None)


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
