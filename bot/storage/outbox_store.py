"""The outbox sender's transactions: each a short unit of work of its own, never across a
network call. Implements `bot.delivery.ports.Outbox`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core import codec
from bot.core.events import EditKeyboard, EditMessage, Ref
from bot.core.outbox import Backlog, Claim, Claimed, Depth, Pace, QueuedEffect, Verdict
from bot.storage import outbox
from bot.storage.chat_fate import lose_chat, migrate_chat
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory


class SqlOutbox:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow = uow_factory

    async def claim(self, now: datetime, lease: timedelta, limit: int, *,
                    skip: Collection[int], pace: Pace) -> Claim:
        async with self._uow() as uow:
            rows = await outbox.claim(uow.conn, now, lease, limit, skip=skip, pace=pace)
            held = await outbox.pending_chats(uow.conn, skip) if not rows and skip else set()
            await uow.commit()
        return Claim(rows, held)

    async def renew(self, ids: Collection[int], until: datetime) -> int:
        async with self._uow() as uow:
            count = await outbox.renew(uow.conn, ids, until)
            await uow.commit()
        return count

    async def prepare(self, row: Claimed, ref_wait: float) -> Verdict:
        async with self._uow() as uow:
            verdict = await _prepare(uow, row, ref_wait)
            await uow.commit()
        return verdict

    async def sent(self, row: Claimed, chat_id: int, message_id: int | None,
                   now: datetime) -> None:
        """Mark the row sent; a send that carries a ref records where its message went."""
        async with self._uow() as uow:
            await outbox.mark_sent(uow.conn, row.id, message_id, now)
            if message_id is not None and row.ref_kind and row.ref_id is not None \
                    and row.kind in ("send", "document"):
                await uow.refs.record(chat_id, message_id, Ref(row.ref_kind, row.ref_id), now)
            await uow.commit()

    async def failed(self, row_id: int, reason: str, now: datetime) -> None:
        async with self._uow() as uow:
            await outbox.mark_failed(uow.conn, row_id, reason, now)
            await uow.commit()

    async def retry_later(self, row_id: int, at: datetime, reason: str,
                          count_attempt: bool) -> None:
        async with self._uow() as uow:
            await outbox.retry_later(uow.conn, row_id, at, reason, count_attempt)
            await uow.commit()

    async def migrated(self, row: Claimed, new_id: int, now: datetime) -> None:
        """The chat moved: its orders, rows and refs follow, and the row is ready again."""
        async with self._uow() as uow:
            await migrate_chat(uow, row.chat_id, new_id, now)
            await outbox.move_chat(uow.conn, row.chat_id, new_id)
            await outbox.retry_later(uow.conn, row.id, now, f"chat migrated to {new_id}",
                                     count_attempt=False)
            await uow.commit()

    async def lose_chat(self, chat_id: int, reason: str, now: datetime) -> bool:
        async with self._uow() as uow:
            first = await lose_chat(uow, chat_id, reason, now)
            await uow.commit()
        return first

    async def backlog(self, skip: Collection[int]) -> Backlog:
        async with self._uow() as uow:
            count = await outbox.open_count(uow.conn)
            due = await outbox.next_due(uow.conn, skip=skip)
            held = await outbox.pending_chats(uow.conn, skip) if count and skip else set()
        return Backlog(count, due, held)

    async def depth(self) -> Depth:
        async with self._uow() as uow:
            return Depth(await outbox.open_count(uow.conn), await outbox.oldest_open(uow.conn))


async def _prepare(uow: UnitOfWork, row: Claimed, ref_wait: float) -> Verdict:
    """Check the chat, follow a recorded migration, and resolve an edit's ref to a message id."""
    state = await outbox.chat_state(uow.conn, row.chat_id)
    if state.migrated_to is not None:
        await outbox.move_chat(uow.conn, row.chat_id, state.migrated_to)
        return Verdict(wait=0.0, reason=f"chat migrated to {state.migrated_to}")
    if not state.active:
        return Verdict(give_up=f"chat inactive: {state.reason or 'unknown'}")
    effect = codec.loads(row.kind, row.payload)
    if not isinstance(effect, QueuedEffect):
        return Verdict(give_up=f"{row.kind} is not deliverable")
    effect = replace(effect, chat_id=row.chat_id)
    if not isinstance(effect, EditMessage | EditKeyboard) or effect.message_id is not None:
        return Verdict(effect=effect)
    if effect.ref is None:
        return Verdict(give_up="edit without a message id or a ref")
    return await _resolve(uow, row, effect, effect.ref, ref_wait)


async def _resolve(uow: UnitOfWork, row: Claimed, effect: EditMessage | EditKeyboard, ref: Ref,
                   ref_wait: float) -> Verdict:
    found = await uow.refs.latest(ref)
    if found is not None:
        return Verdict(effect=replace(effect, chat_id=found[0], message_id=found[1]))
    if await outbox.ref_pending(uow.conn, ref.kind, ref.id, row.id):
        return Verdict(wait=ref_wait, reason=f"waiting for the message {ref.kind}:{ref.id}")
    return Verdict(give_up=f"no message for {ref.kind}:{ref.id} (never sent or given up)")
