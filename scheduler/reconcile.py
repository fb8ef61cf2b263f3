"""From the tables to APScheduler: the jobs are rebuilt at every start, never pickled.

The tables say when the next thing is due; one stable-id date job wakes the sweep then
(`replace_existing`), and a periodic sweep catches anything else (a row written by another
process, a failed item). APScheduler runs on the wall clock, the due work reads the injected
clock: a due time is turned into a wall-clock date by its distance from `clock.now()`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.domain.policy import Policy
from bot.storage.uow import UnitOfWork
from scheduler.queries import earliest_due

WAKE_JOB = "orderbot-scheduler-wake"
SWEEP_JOB = "orderbot-scheduler-sweep"
LEADER_JOB = "orderbot-scheduler-leader"

# No grace limit: a late wake-up still runs (APScheduler 3's default of 1 s would drop it);
# missed runs collapse into one; never two sweeps of one job at once.
JOB_DEFAULTS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}

Job = Callable[[], Awaitable[None]]


def wall_time(due: datetime, clock: Clock) -> datetime:
    """The wall-clock moment at which `due` (on the injected clock) arrives."""
    return datetime.now(UTC) + max(due - clock.now(), timedelta(0))


async def next_due(uow_factory: Callable[[], UnitOfWork], policy: Policy,
                   after: datetime | None) -> datetime | None:
    """The earliest due time in the tables after `after` (None: from the beginning)."""
    since = after or datetime(1970, 1, 1, tzinfo=UTC)
    async with uow_factory() as uow:
        return await earliest_due(uow.conn, policy, since)


def set_wake(aps: AsyncIOScheduler, job: Job, due: datetime | None, clock: Clock) -> None:
    """One date job at the next due time, replacing the previous one; none if nothing is due."""
    if due is None:
        remove(aps, WAKE_JOB)
        return
    aps.add_job(job, DateTrigger(run_date=wall_time(due, clock)), id=WAKE_JOB,
                replace_existing=True, **JOB_DEFAULTS)


def run_soon(aps: AsyncIOScheduler, job: Job, job_id: str) -> None:
    aps.add_job(job, DateTrigger(run_date=datetime.now(UTC)), id=job_id,
                replace_existing=True, **JOB_DEFAULTS)


def every(aps: AsyncIOScheduler, job: Job, job_id: str, seconds: float) -> None:
    aps.add_job(job, IntervalTrigger(seconds=seconds), id=job_id, replace_existing=True,
                **JOB_DEFAULTS)


def remove(aps: AsyncIOScheduler, job_id: str) -> None:
    with contextlib.suppress(JobLookupError):
        aps.remove_job(job_id)
