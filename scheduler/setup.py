"""The review scheduler: APScheduler 3 wakes things up, the domain tables are the record.

Why the job store is APScheduler's MemoryJobStore and not its SQLAlchemyJobStore:
- the SQLAlchemy job store is synchronous: every add, update and lookup blocks the event loop
  (and it cannot use our async engines);
- a job store must not be shared by two schedulers (APScheduler 3 says so: both would run the
  jobs); we run one scheduler per process and elect one active scheduler per database instead;
- it pickles job references: a renamed or moved job function makes it log "Unable to restore
  job" and delete the job, silently losing the work.
None of that matters here because nothing is kept in the job store: the tables hold every due
time, and the jobs (one wake-up date job at the earliest due time, one periodic sweep, one
leadership check) are rebuilt from the tables at every start. A lost job loses nothing.

APScheduler 3's traps, defused: no `misfire_grace_time` (None: a late wake-up still runs after
a restart), `coalesce` and `max_instances=1`; a crash during a run leaves the row due and the
next sweep does it; the work is idempotent (the row is re-checked and saved version-checked).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import cast

from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translations
from bot.metrics import Metrics
from bot.services.due import DueContext, Renderer
from bot.storage.uow import UnitOfWork
from handlers import render
from scheduler import reconcile
from scheduler.jobs import sweep
from scheduler.leader import Leadership, leadership_for
from scheduler.queries import DueItem

log = logging.getLogger("orderbot.scheduler")


def default_renderer() -> Renderer:
    """The handlers' renderer: the scheduler is an entry point, above the handlers."""
    return cast(Renderer, render)


class ReviewScheduler:
    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], clock: Clock, settings: Settings,
        translations: Translations, *, renderer: Renderer | None = None,
        leadership: Leadership | None = None, wake_sender: Callable[[], None] | None = None,
        wake_hooks: Callable[[], None] | None = None, metrics: Metrics | None = None,
    ) -> None:
        """`wake_sender`: called once messages are queued; `wake_hooks`: once events for the
        marketplace's hook are (None: no hook is configured); `metrics`: the lag gauge."""
        self.uow_factory, self.clock, self.settings = uow_factory, clock, settings
        self.translations = translations
        self.batch_size = settings.scheduler_batch_size
        self.sweep_interval = settings.scheduler_sweep_seconds
        self.leader_retry = settings.scheduler_leader_retry_seconds
        self.wake_sender = wake_sender
        self.wake_hooks = wake_hooks
        self.metrics = metrics
        self.leadership = leadership or leadership_for(settings.database_url)
        self.job_store = MemoryJobStore()
        self.aps = AsyncIOScheduler(jobstores={"default": self.job_store},
                                    job_defaults=reconcile.JOB_DEFAULTS, timezone="UTC")
        self.active = False
        self._renderer = renderer
        self._policy = settings.policy()
        self._sweep_lock = asyncio.Lock()
        self._swept_until: datetime | None = None
        self._waking = 0  # wake-up or sweep jobs running now
        self._rerun = False  # something was scheduled during a sweep: look again
        self._planned: datetime | None = None  # the next due time the last sweep found
        self._idle = asyncio.Event()  # no wake-up job is running
        self._idle.set()
        self._stopped = False
        self.aps.add_listener(self._after_job, EVENT_JOB_EXECUTED)

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            self._renderer = default_renderer()
        return self._renderer

    def context(self) -> DueContext:
        return DueContext(self.uow_factory, self.clock, self._policy, self.translations,
                          self.renderer, tuple(self.settings.moderator_ids), self.wake_sender,
                          self.wake_hooks)

    async def start(self) -> None:
        """Start APScheduler, then become the active scheduler or stand by."""
        self._stopped = False
        if not self.aps.running:
            self.aps.start()
        reconcile.every(self.aps, self.check_leadership, reconcile.LEADER_JOB, self.leader_retry)
        await self.check_leadership()

    async def stop(self) -> None:
        """Stop waking up; return once no job of ours touches the database any more.

        APScheduler is shut down last: its asyncio executor cancels the jobs still running,
        and a sweep cancelled inside a unit of work would leave the database to chance."""
        self._stopped = True
        async with self._sweep_lock:  # let a running sweep finish
            self.active = False
        await self._idle.wait()  # wake-up jobs find the scheduler inactive and return
        if self.aps.running:
            self.aps.shutdown(wait=False)
        await self.leadership.release()

    async def check_leadership(self) -> None:
        """Standby: try to take over. Active: make sure the lock is still held."""
        if self.active and not await self.leadership.alive():
            self._demote()
        elif not self.active and await self.leadership.acquire():
            if self._stopped:  # stopped while acquiring
                await self.leadership.release()
            else:
                self._promote()

    async def run_due(self, limit: int | None = None) -> int:
        """The sweep: everything due now, in due order, in pages; how many items were done."""
        async with self._sweep_lock:
            return await self._sweep(limit)

    async def _sweep(self, limit: int | None) -> int:
        now = self.clock.now()
        done = await sweep(self.context(), now, limit, self.batch_size, self._observe)
        self._swept_until = now
        return done

    def _observe(self, item: DueItem) -> None:
        """The lag metric: how late the last due item was done (0 when on time)."""
        if self.metrics is not None:
            late = (self.clock.now() - item.due_at).total_seconds()
            self.metrics.scheduler_lag_seconds.set(max(0.0, late))

    def poke(self) -> None:
        """Something was scheduled (committed): sweep soon and plan the next wake-up from the
        tables again; a sweep running now looks again before it plans instead."""
        if not (self.active and self.aps.running):
            return
        if self._waking:
            self._rerun = True
        else:
            reconcile.run_soon(self.aps, self._on_wake, reconcile.WAKE_JOB)

    def _promote(self) -> None:
        log.info("scheduler active: sweeping what is due, then waking at the next due time")
        self.active = True
        self._swept_until = None
        reconcile.every(self.aps, self._on_wake, reconcile.SWEEP_JOB, self.sweep_interval)
        reconcile.run_soon(self.aps, self._on_wake, reconcile.WAKE_JOB)

    def _demote(self) -> None:
        log.warning("scheduler lock lost: standing by")
        self.active = False
        for job_id in (reconcile.SWEEP_JOB, reconcile.WAKE_JOB):
            reconcile.remove(self.aps, job_id)

    async def _on_wake(self) -> None:
        """The job: sweep page after page while something is due, then plan the next wake-up.

        It never adds its own job id while it runs: APScheduler would skip a wake-up that is
        already due (max_instances=1) and drop it, and the item would wait for the periodic
        sweep. The next wake-up is handed to APScheduler once the job has returned
        (`_after_job`); a poke during the run makes the loop look again instead (`poke`)."""
        if not self.active:
            return
        self._waking += 1
        self._idle.clear()
        try:
            self._planned = await self._catch_up()
        finally:
            self._waking -= 1
            if not self._waking:
                self._idle.set()

    async def _catch_up(self) -> datetime | None:
        """Sweep until nothing is due now; the next due time (None: nothing is pending)."""
        while True:
            self._rerun = False
            async with self._sweep_lock:
                if not self.active:  # stopped or demoted while waiting for the sweep
                    return None
                done = await self._sweep(self.batch_size)
            due = await reconcile.next_due(self.uow_factory, self._policy, self._swept_until)
            full_page = done >= self.batch_size
            if not self.active or not (full_page or self._rerun or _is_due(due, self.clock)):
                return due

    def _after_job(self, event: JobExecutionEvent) -> None:
        """A wake-up or sweep job returned (its instance no longer counts): set the next one,
        unless an earlier wake-up was asked for meanwhile (a poke just after the run)."""
        if event.job_id not in (reconcile.WAKE_JOB, reconcile.SWEEP_JOB) or self._waking:
            return
        if not (self.active and self.aps.running):
            return
        pending = self.aps.get_job(reconcile.WAKE_JOB)
        if pending is not None and pending.next_run_time is not None and (
                self._planned is None
                or pending.next_run_time <= reconcile.wall_time(self._planned, self.clock)):
            return
        reconcile.set_wake(self.aps, self._on_wake, self._planned, self.clock)


def _is_due(due: datetime | None, clock: Clock) -> bool:
    return due is not None and due <= clock.now()
