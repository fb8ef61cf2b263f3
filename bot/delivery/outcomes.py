"""What became of a claimed outbox row, recorded each in its own short transaction: sent,
given up, put back for later, retried with backoff, or its chat migrated or lost."""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.core.outbox import Claimed, QueuedEffect
from bot.delivery.ports import Outbox
from bot.delivery.transport import (
    BadRequest,
    ChatMigrated,
    DeliveryError,
    Forbidden,
    NotModified,
    RetryAfter,
)
from bot.metrics import Metrics

if TYPE_CHECKING:
    from bot.delivery.config import DeliveryConfig

log = logging.getLogger("orderbot.delivery")

ChatLost = Callable[[int, str], Awaitable[None]]


def _ids(row: Claimed, chat_id: int | None = None) -> dict[str, int | None]:
    """The log extras of an outbox row (`chat_id`: where it went, if not its queued chat)."""
    return {"outbox_id": row.id, "chat_id": row.chat_id if chat_id is None else chat_id,
            "order_id": row.order_id}


class Outcomes:
    """Records what became of a claimed row, each in its own short unit of work."""

    def __init__(self, outbox: Outbox, clock: Clock, cfg: DeliveryConfig,
                 metrics: Metrics, on_chat_lost: ChatLost | None, rng: random.Random) -> None:
        self._outbox = outbox
        self._clock = clock
        self._cfg = cfg
        self._metrics = metrics
        self._on_chat_lost = on_chat_lost
        self._rng = rng

    async def sent(self, row: Claimed, effect: QueuedEffect, message_id: int | None) -> None:
        await self._outbox.sent(row, effect.chat_id, message_id, self._clock.now())
        self._metrics.messages_sent.inc()
        log.debug("outbox row %s sent to chat %s (%s)", row.id, effect.chat_id, row.kind,
                  extra=_ids(row, effect.chat_id))

    async def give_up(self, row: Claimed, reason: str) -> None:
        await self._outbox.failed(row.id, reason, self._clock.now())
        self._metrics.messages_failed.inc()
        log.warning("outbox row %s to chat %s given up: %s", row.id, row.chat_id, reason,
                    extra=_ids(row))

    async def defer(self, row: Claimed, seconds: float, reason: str) -> None:
        """Back to pending for `seconds`, without counting an attempt (429, rate limits)."""
        at = self._clock.now() + timedelta(seconds=seconds)
        await self._outbox.retry_later(row.id, at, reason, count_attempt=False)

    async def transient(self, row: Claimed, reason: str) -> None:
        """5xx or network: retry with capped exponential backoff and jitter, then give up."""
        attempts = row.attempts + 1
        age = (self._clock.now() - row.created_at).total_seconds()
        if attempts >= self._cfg.max_attempts or age >= self._cfg.max_age:
            await self.give_up(row, f"gave up after {attempts} attempts: {reason}")
            return
        delay = min(self._cfg.backoff_max, self._cfg.backoff_base * 2 ** (attempts - 1))
        delay *= self._rng.uniform(0.8, 1.2)
        at = self._clock.now() + timedelta(seconds=delay)
        await self._outbox.retry_later(row.id, at, reason, count_attempt=True)
        self._metrics.messages_retried.inc()
        log.info("outbox row %s to chat %s retried in %.1f s (attempt %d): %s", row.id,
                 row.chat_id, delay, attempts, reason, extra=_ids(row))

    async def failure(self, row: Claimed, effect: QueuedEffect, exc: DeliveryError) -> None:
        """Record a failed perform (the sender itself pauses on a bot-wide 429)."""
        if isinstance(exc, NotModified):
            await self.sent(row, effect, getattr(effect, "message_id", None))
        elif isinstance(exc, RetryAfter):
            self._metrics.responses_429.inc()
            log.info("429 for outbox row %s to chat %s: retry after %s s", row.id, row.chat_id,
                     exc.seconds, extra=_ids(row))
            await self.defer(row, exc.seconds, f"429: retry after {exc.seconds} s")
        elif isinstance(exc, ChatMigrated):
            await self.migrated(row, exc.new_chat_id)
        elif isinstance(exc, Forbidden):
            await self.lost(row.chat_id, f"forbidden: {exc}", row.order_id)
        elif isinstance(exc, BadRequest):
            await self.give_up(row, f"bad request: {exc}")
        else:
            await self.transient(row, f"{type(exc).__name__}: {exc}")

    async def migrated(self, row: Claimed, new_id: int) -> None:
        await self._outbox.migrated(row, new_id, self._clock.now())
        log.info("chat %s migrated to %s; its rows follow", row.chat_id, new_id,
                 extra=_ids(row))

    async def lost(self, chat_id: int, reason: str, order_id: int | None = None) -> None:
        first = await self._outbox.lose_chat(chat_id, reason, self._clock.now())
        self._metrics.messages_failed.inc()
        ids = {"chat_id": chat_id, "order_id": order_id}
        log.warning("chat %s lost: %s", chat_id, reason, extra=ids)
        if first and self._on_chat_lost is not None:
            try:
                await self._on_chat_lost(chat_id, reason)
            except Exception:
                log.exception("on_chat_lost failed for chat %s", chat_id, extra=ids)
