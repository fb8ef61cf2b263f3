"""Every update until it is done: never acknowledged to Telegram as done while it is not.

A fault of the database (unavailable, locked past the wait, read-only, disk full) stops intake:
the same update is tried again with a capped exponential backoff on the injected timer, and
the adapter takes nothing new meanwhile (it is still waiting for this update; with updates
handled at once, `bot.grouping`'s chat lanes, each update in flight waits the fault out in its
own lane, and the next getUpdates waits for all of them); /healthz fails
and /metrics shows it, and the log says so once when it starts and once when it ends. A tap
gets its answer at once ("temporarily unavailable"): answering needs no database. An update
that fails on its own is retried, then parked (`bot.domain.parking`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.core.events import AnswerCallback, ChatEvent, EventKind
from bot.delivery.timer import LoopTimer, Timer
from bot.domain import parking
from bot.grouping import Reply
from bot.metrics import Metrics
from bot.storage.faults import is_database_fault

log = logging.getLogger("orderbot.intake")

Handle = Callable[[ChatEvent, bool], Awaitable[list[AnswerCallback]]]
Park = Callable[[ChatEvent, BaseException, int], Awaitable[list[AnswerCallback]]]
OutageAnswer = Callable[[ChatEvent], AnswerCallback]


class Outage:
    """Whether intake is stopped by a database fault, since when (monotonic), and why; it
    says so in the log and in /metrics once when it starts and once when it ends."""

    def __init__(self, metrics: Metrics | None = None, timer: Timer | None = None) -> None:
        self.metrics = metrics
        self.timer = timer or LoopTimer()
        self.since: float | None = None
        self.reason = ""

    @property
    def stopped(self) -> bool:
        return self.since is not None

    def fault(self, error: BaseException) -> None:
        if self.since is not None:
            return
        self.since = self.timer.monotonic()
        self.reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        log.error("the database failed: intake stopped until it works again (%s)", self.reason)
        if self.metrics is not None:
            self.metrics.intake_stopped.set(1)

    def cleared(self) -> None:
        if self.since is None:
            return
        stopped_for = self.timer.monotonic() - self.since
        self.since, self.reason = None, ""
        log.warning("the database works again: intake resumed after %.1f s", stopped_for)
        if self.metrics is not None:
            self.metrics.intake_stopped.set(0)


class OnceReply:
    """The adapter's reply, answering each tap once: after the outage answer, the tap's own
    answer (when its update is finally handled) would be refused by Telegram."""

    def __init__(self, reply: Reply) -> None:
        self._reply = reply
        self.answered = False

    def __call__(self, answers: list[AnswerCallback]) -> None:
        if self.answered:
            answers = []
        self.answered = self.answered or bool(answers)
        self._reply(answers)


@dataclass
class Intake:
    handle: Handle  # one update in a transaction of its own (again: it was parked)
    park: Park  # set it aside with its error, its chat told; its answers
    outage_answer: OutageAnswer
    timer: Timer
    backoff_max_s: float = 30.0
    metrics: Metrics | None = None
    outage: Outage = field(default_factory=Outage)

    async def until_done(self, event: ChatEvent, reply: Reply,
                         failed: BaseException | None = None, again: bool = False) -> None:
        """Handle `event` (which may have `failed` once already; `again`: it was parked)
        until it is handled or parked; `reply` gets its answers."""
        once = reply if isinstance(reply, OnceReply) else OnceReply(reply)
        failures = faults = 0
        while True:
            if failed is None:
                try:
                    once(await self.handle(event, again))
                    self.outage.cleared()
                    return
                except Exception as error:  # each is sorted below: nothing is swallowed
                    failed = error
            if is_database_fault(failed):
                faults += 1
                await self._wait_out(event, once, failed, faults)
            else:
                failures += 1
                if parking.to_park(failures):
                    await self._park(event, once, failed, failures)
                    return
                log.warning("update %s failed (attempt %d), trying again: %s",
                            event.update_id, failures, failed, exc_info=failed,
                            extra={"update_id": event.update_id, "chat_id": event.chat_id})
            failed = None

    async def _wait_out(self, event: ChatEvent | None, once: OnceReply | None,
                        error: BaseException, faults: int) -> None:
        self.outage.fault(error)
        if event is not None and once is not None and not once.answered \
                and event.kind == EventKind.CALLBACK and event.callback_id:
            once([self.outage_answer(event)])
        await self.timer.sleep(parking.backoff_seconds(faults, self.backoff_max_s))

    async def set_aside(self, update_id: int, error: BaseException,
                        park: Callable[[], Awaitable[None]]) -> None:
        """Run `park` (it keeps an update that cannot be handled), through database faults."""
        log.error("update %s could not be read: set aside (orderbot updates --failed)",
                  update_id, exc_info=error, extra={"update_id": update_id})
        await self._parked(park)

    async def _park(self, event: ChatEvent, once: OnceReply, error: BaseException,
                    failures: int) -> None:
        log.error("update %s failed %d times: set aside (orderbot updates --failed)",
                  event.update_id, failures, exc_info=error,
                  extra={"update_id": event.update_id, "chat_id": event.chat_id})

        async def park() -> None:
            once(await self.park(event, error, failures))

        await self._parked(park, event, once)

    async def _parked(self, park: Callable[[], Awaitable[None]], event: ChatEvent | None = None,
                      once: OnceReply | None = None) -> None:
        """`park`, tried again through database faults (a tap is answered meanwhile)."""
        faults = 0
        while True:
            try:
                await park()
                break
            except Exception as fault:  # the database failed while parking: wait it out
                faults += 1
                await self._wait_out(event, once, fault, faults)
        self.outage.cleared()
        if self.metrics is not None:
            self.metrics.updates_parked.inc()
