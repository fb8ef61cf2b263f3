"""What a lost chat (403, bot removed) and a migrated chat (group -> supergroup) change.

Used by the sender (which learns of them from a failed send) and by the chat handlers (which
see the service updates). Both are idempotent and run inside the caller's unit of work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import outbox
from bot.storage.models import OrderRow, table_of
from bot.storage.support_repos import ChatRepository, MessageRefRepository


class ChatTables(Protocol):
    """What of a unit of work a chat's fate changes (any unit of work has it)."""

    refs: MessageRefRepository
    chats: ChatRepository

    @property
    def conn(self) -> AsyncConnection: ...


async def migrate_chat(uow: ChatTables, old_id: int, new_id: int, now: datetime) -> bool:
    """Move the orders, the open outbox rows and the message refs of `old_id` to `new_id`.

    Returns False (and changes nothing) if this migration was already recorded.
    """
    if old_id == new_id:
        return False
    state = await outbox.chat_state(uow.conn, old_id)
    if state.migrated_to == new_id:
        return False
    orders = table_of(OrderRow)
    await uow.conn.execute(update(orders).where(orders.c.chat_id == old_id)
                           .values(chat_id=new_id))
    await outbox.move_chat(uow.conn, old_id, new_id)
    await uow.refs.move_chat(old_id, new_id)
    await uow.chats.mark_migrated(old_id, new_id, now)
    return True


async def lose_chat(uow: ChatTables, chat_id: int, reason: str, now: datetime) -> bool:
    """Mark the chat inactive, its orders' chat inactive, and give up its open outbox rows.

    Returns True the first time (tell the moderators then), False if it was already inactive.
    """
    if not await uow.chats.is_active(chat_id):
        await outbox.give_up_chat(uow.conn, chat_id, reason, now)
        return False
    await uow.chats.set_active(chat_id, False, reason, now)
    orders = table_of(OrderRow)
    await uow.conn.execute(update(orders).where(orders.c.chat_id == chat_id)
                           .values(chat_active=False))
    await outbox.give_up_chat(uow.conn, chat_id, reason, now)
    return True
