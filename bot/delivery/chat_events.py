"""What a lost chat (403, bot removed) and a migrated chat (group -> supergroup) change.

Shared by the sender (which learns of them from a failed send) and the pipeline (which sees
the service updates). Both functions are idempotent and run inside the caller's unit of work.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from sqlalchemy import Table, update

from bot.clock import Clock
from bot.core.events import Ref
from bot.delivery import store
from bot.delivery.store import Claimed, QueuedEffect
from bot.delivery.transport import (
    BadRequest,
    ChatMigrated,
    DeliveryError,
    Forbidden,
    NotModified,
    RetryAfter,
)
from bot.metrics import Metrics
from bot.storage.models import OrderRow

if TYPE_CHECKING:
    from bot.delivery.sender import DeliveryConfig
    from bot.storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("orderbot.delivery")

ChatLost = Callable[[int, str], Awaitable[None]]


def _ids(row: Claimed, chat_id: int | None = None) -> dict[str, int | None]:
    """The log extras of an outbox row (`chat_id`: where it went, if not its queued chat)."""
    return {"outbox_id": row.id, "chat_id": row.chat_id if chat_id is None else chat_id,
            "order_id": row.order_id}


def _orders() -> Table:
    return cast(Table, OrderRow.__table__)


async def migrate_chat(uow: UnitOfWork, old_id: int, new_id: int, now: datetime) -> bool:
    """Move the orders, the open outbox rows and the message refs of `old_id` to `new_id`.

    Returns False (and changes nothing) if this migration was already recorded.
    """
    if old_id == new_id:
        return False
    state = await store.chat_state(uow.conn, old_id)
    if state.migrated_to == new_id:
        return False
    orders = _orders()
    await uow.conn.execute(update(orders).where(orders.c.chat_id == old_id)
                           .values(chat_id=new_id))
    await store.move_chat(uow.conn, old_id, new_id)
    await uow.refs.move_chat(old_id, new_id)
    await uow.chats.mark_migrated(old_id, new_id, now)
    return True


async def lose_chat(uow: UnitOfWork, chat_id: int, reason: str, now: datetime) -> bool:
    """Mark the chat inactive, its orders' chat inactive, and give up its open outbox rows.

    Returns True the first time (tell the moderators then), False if it was already inactive.
    """
    if not await uow.chats.is_active(chat_id):
        await store.give_up_chat(uow.conn, chat_id, reason, now)
        return False
    await uow.chats.set_active(chat_id, False, reason, now)
    orders = _orders()
    await uow.conn.execute(update(orders).where(orders.c.chat_id == chat_id)
                           .values(chat_active=False))
    await store.give_up_chat(uow.conn, chat_id, reason, now)
    return True


class Outcomes:
    """Records what became of a claimed row, each in its own short unit of work."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, cfg: DeliveryConfig,
                 metrics: Metrics, on_chat_lost: ChatLost | None, rng: random.Random) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._cfg = cfg
        self._metrics = metrics
        self._on_chat_lost = on_chat_lost
        self._rng = rng

    async def sent(self, row: Claimed, effect: QueuedEffect, message_id: int | None) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            await store.mark_sent(uow.conn, row.id, message_id, now)
            if message_id is not None and row.ref_kind and row.ref_id is not None \
                    and row.kind in ("send", "document"):
                await uow.refs.record(effect.chat_id, message_id,
                                      Ref(row.ref_kind, row.ref_id), now)
            await uow.commit()
        self._metrics.messages_sent.inc()
        log.debug("outbox row %s sent to chat %s (%s)", row.id, effect.chat_id, row.kind,
                  extra=_ids(row, effect.chat_id))

    async def give_up(self, row: Claimed, reason: str) -> None:
        async with self._uow() as uow:
            await store.mark_failed(uow.conn, row.id, reason, self._clock.now())
            await uow.commit()
        self._metrics.messages_failed.inc()
        log.warning("outbox row %s to chat %s given up: %s", row.id, row.chat_id, reason,
                    extra=_ids(row))

    async def defer(self, row: Claimed, seconds: float, reason: str) -> None:
        """Back to pending for `seconds`, without counting an attempt (429, rate limits)."""
        at = self._clock.now() + timedelta(seconds=seconds)
        async with self._uow() as uow:
            await store.retry_later(uow.conn, row.id, at, reason, count_attempt=False)
            await uow.commit()

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
        async with self._uow() as uow:
            await store.retry_later(uow.conn, row.id, at, reason, count_attempt=True)
            await uow.commit()
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
        now = self._clock.now()
        async with self._uow() as uow:
            await migrate_chat(uow, row.chat_id, new_id, now)
            await store.move_chat(uow.conn, row.chat_id, new_id)
            await store.retry_later(uow.conn, row.id, now, f"chat migrated to {new_id}",
                                    count_attempt=False)
            await uow.commit()
        log.info("chat %s migrated to %s; its rows follow", row.chat_id, new_id,
                 extra=_ids(row))

    async def lost(self, chat_id: int, reason: str, order_id: int | None = None) -> None:
        async with self._uow() as uow:
            first = await lose_chat(uow, chat_id, reason, self._clock.now())
            await uow.commit()
        self._metrics.messages_failed.inc()
        ids = {"chat_id": chat_id, "order_id": order_id}
        log.warning("chat %s lost: %s", chat_id, reason, extra=ids)
        if first and self._on_chat_lost is not None:
            try:
                await self._on_chat_lost(chat_id, reason)
            except Exception:
                log.exception("on_chat_lost failed for chat %s", chat_id, extra=ids)
