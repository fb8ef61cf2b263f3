"""A chat's fate, as its service updates tell it: upgraded to a supergroup, or lost (the bot
removed or blocked). Both run in the caller's unit of work and are idempotent."""

from __future__ import annotations

from datetime import datetime

from bot.storage import chat_fate
from bot.storage.uow import UnitOfWork


async def chat_migrated(uow: UnitOfWork, old_id: int, new_id: int, now: datetime) -> bool:
    """The chat's orders, queued messages and message refs follow it to `new_id`; False if
    this migration was already recorded."""
    return await chat_fate.migrate_chat(uow, old_id, new_id, now)


async def chat_lost(uow: UnitOfWork, chat_id: int, reason: str, now: datetime) -> bool:
    """Deliveries to the chat stop, its queued messages are given up; True the first time."""
    return await chat_fate.lose_chat(uow, chat_id, reason, now)
