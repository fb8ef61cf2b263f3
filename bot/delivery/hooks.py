"""Post the marketplace hook's events (`hook_events`) to `ORDERBOT_HOOK_URL`.

Outside Telegram's limits and apart from the outbox: one HTTPS endpoint of the marketplace's,
a few events an hour. Each event is a POST of its JSON body, with its id and name in headers
and, when `ORDERBOT_HOOK_SECRET` is set, an HMAC-SHA256 of the body:

    X-Orderbot-Event: refund.eligible
    X-Orderbot-Event-Id: 3f0c...        (also the body's "id": the same on every retry)
    X-Orderbot-Signature: sha256=<hex>

A 2xx answer delivers it (the row is deleted). Anything else (another status, a redirect, a
timeout, a refused connection) is retried with exponential backoff, or after the answer's
`Retry-After`, until the event is `hook_max_age_hours` old; then it is kept as `failed`,
logged and counted. Delivery is at least once: a process killed while posting posts the event
again after its claim runs out. An order's events go in the order they happened; events of
different orders do not wait for each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp

from bot.clock import Clock
from bot.config import Settings
from bot.core.hook_events import HookEvent, HookFate
from bot.delivery.doorbell import Doorbell
from bot.delivery.ports import HookEvents
from bot.metrics import Metrics

log = logging.getLogger("orderbot.hooks")
BATCH = 8  # events posted at once (each of a different order)
CLAIM_MARGIN_S = 30.0  # a claim outlives the request's timeout by this much
DELIVERED, RETRY, GIVEN_UP = "delivered", "retry", "given up"


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    error: str = ""
    retry_after: float | None = None


class HookSender:
    def __init__(self, events: HookEvents, clock: Clock, settings: Settings,
                 metrics: Metrics | None = None, doorbell: Doorbell | None = None) -> None:
        if not settings.hook_url:
            raise ValueError("the hook sender needs ORDERBOT_HOOK_URL")
        self._events = events
        self._clock = clock
        self._url = settings.hook_url
        self._secret = (settings.hook_secret or "").encode()
        self._timeout = settings.hook_timeout_seconds
        self._backoff = (settings.hook_backoff_base_seconds, settings.hook_backoff_max_seconds)
        self._max_age = timedelta(hours=settings.hook_max_age_hours)
        self._poll = settings.hook_poll_seconds
        self._metrics = metrics
        self._wake = doorbell or Doorbell()  # rung once an event is committed
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def wake(self) -> None:
        """A new event was committed: post it now rather than at the next poll."""
        self._wake.ring()

    async def start(self) -> None:
        if self._task is not None:
            return
        if not self._secret:
            log.warning("ORDERBOT_HOOK_SECRET is not set: hook events go unsigned")
        self._stop.clear()
        self._task = asyncio.create_task(self._run(), name="hook-sender")

    async def stop(self) -> None:
        """Stop posting (an event in flight is finished) and close the connections."""
        self._stop.set()
        self._wake.ring()
        task, self._task = self._task, None
        if task is not None:
            await task
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def run_once(self) -> int:
        """Post the events that are due; return how many were tried."""
        claimed = await self._claim()
        if not claimed:
            return 0
        outcomes = await asyncio.gather(*(self._post(event) for event in claimed))
        await self._record(list(zip(claimed, outcomes, strict=True)))
        return len(claimed)

    async def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.answer()
            try:
                if await self.run_once():
                    continue
                pause = await self._pause()
            except Exception:
                log.exception("posting hook events failed; trying again later")
                pause = self._poll
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), pause)

    async def _pause(self) -> float:
        """Until the next event is due, at most the poll interval (a new one wakes us)."""
        backlog = await self._events.backlog()
        if self._metrics is not None:
            self._metrics.hook_events_pending.set(backlog.pending)
        due = backlog.next_due
        if due is None:
            return self._poll
        return min(self._poll, max(0.0, (due - self._clock.now()).total_seconds()))

    async def _claim(self) -> list[HookEvent]:
        now = self._clock.now()
        until = now + timedelta(seconds=self._timeout + CLAIM_MARGIN_S)
        return await self._events.claim(now, until, BATCH)

    async def _post(self, event: HookEvent) -> Outcome:
        body = event.payload.encode()
        headers = {"Content-Type": "application/json", "User-Agent": "orderbot",
                   "X-Orderbot-Event": event.event, "X-Orderbot-Event-Id": event.event_id}
        if self._secret:
            headers["X-Orderbot-Signature"] = "sha256=" + signature(self._secret, body)
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout))
        try:
            async with self._session.post(self._url, data=body, headers=headers,
                                          allow_redirects=False) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return Outcome(True)
                return Outcome(False, f"HTTP {response.status}", _retry_after(response))
        except (aiohttp.ClientError, TimeoutError) as error:
            return Outcome(False, f"{type(error).__name__}: {error}".rstrip(": "))

    async def _record(self, results: list[tuple[HookEvent, Outcome]]) -> None:
        now = self._clock.now()
        fates = [self._fate(event, outcome, now) for event, outcome in results]
        await self._events.record([self._recorded(event, outcome, fate, now) for
                                   (event, outcome), fate in zip(results, fates, strict=True)])
        for (event, outcome), fate in zip(results, fates, strict=True):
            self._report(event, outcome, fate)

    def _fate(self, event: HookEvent, outcome: Outcome, now: datetime) -> str:
        if outcome.delivered:
            return DELIVERED
        return GIVEN_UP if now - event.created_at >= self._max_age else RETRY

    def _recorded(self, event: HookEvent, outcome: Outcome, fate: str,
                  now: datetime) -> HookFate:
        if fate == DELIVERED:
            return HookFate(event.id, delivered=True)
        if fate == GIVEN_UP:
            return HookFate(event.id, error=outcome.error)
        return HookFate(event.id, error=outcome.error, retry_at=now + self._delay(event, outcome))

    def _delay(self, event: HookEvent, outcome: Outcome) -> timedelta:
        base, cap = self._backoff
        seconds = outcome.retry_after or base * 2 ** max(0, event.attempts - 1)
        return timedelta(seconds=min(cap, seconds))

    def _report(self, event: HookEvent, outcome: Outcome, fate: str) -> None:
        what = f"hook event {event.event_id} ({event.event}, order {event.order_id})"
        if fate == DELIVERED:
            log.info("%s delivered", what)
            self._count("hook_events_sent")
        elif fate == GIVEN_UP:
            log.error("%s given up after %d attempts: %s", what, event.attempts, outcome.error)
            self._count("hook_events_failed")
        else:
            log.warning("%s not taken (%s); retrying", what, outcome.error)
            self._count("hook_events_retried")

    def _count(self, name: str) -> None:
        if self._metrics is not None:
            getattr(self._metrics, name).inc()


def signature(secret: bytes, body: bytes) -> str:
    """The hex HMAC-SHA256 of the body, as `X-Orderbot-Signature` carries it after `sha256=`."""
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def _retry_after(response: Any) -> float | None:
    """`Retry-After` in seconds (the date form is rare for an API and is ignored)."""
    value = response.headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds > 0 else None
