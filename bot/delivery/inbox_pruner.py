"""Forget old update ids, so the inbox stays small.

Every update id is kept for `inbox_retention_hours` (72 by default, never under 48: Telegram
re-sends an unanswered webhook update for about a day, and a restart may replay older ones),
then deleted by this task, at start and every `inbox_prune_interval_seconds`. An id that comes
back after that is handled as new. Updates stored by the webhook but not handled are kept.

The cut-off is read on the injected clock; the interval is real time (the event loop's).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.ports import Inbox

log = logging.getLogger("orderbot.inbox")
BATCH = 5000  # ids deleted per transaction


class InboxPruner:
    def __init__(self, inbox: Inbox, clock: Clock, retention: timedelta,
                 interval: float) -> None:
        self._inbox = inbox
        self._clock = clock
        self._retention = retention
        self._interval = interval
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.runs = 0  # finished runs, so a caller can wait for the next one
        self._ran = asyncio.Condition()

    @classmethod
    def from_settings(cls, inbox: Inbox, clock: Clock, settings: Settings) -> InboxPruner:
        return cls(inbox, clock, timedelta(hours=settings.inbox_retention_hours),
                   settings.inbox_prune_interval_seconds)

    async def prune_once(self) -> int:
        """Delete the handled ids older than the retention; return how many."""
        before = self._clock.now() - self._retention
        total = 0
        while True:
            count = await self._inbox.prune(before, BATCH)
            total += count
            if count < BATCH:
                break
        if total:
            log.info("forgot %d update ids received before %s", total, before.isoformat())
        return total

    async def start(self) -> None:
        if self._task is None:
            self._stop.clear()
            self._task = asyncio.create_task(self._run(), name="inbox-pruner")

    async def stop(self) -> None:
        self._stop.set()
        task, self._task = self._task, None
        if task is not None:
            await task

    async def wait_runs(self, count: int) -> None:
        """Wait until `count` runs have finished (a run that began before a change of the
        clock may not have seen it: wait for one more)."""
        async with self._ran:
            await self._ran.wait_for(lambda: self.runs >= count)

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.prune_once()
            except Exception:
                log.exception("pruning the inbox failed; trying again later")
            async with self._ran:
                self.runs += 1
                self._ran.notify_all()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._interval)
