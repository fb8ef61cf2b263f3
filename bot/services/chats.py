"""The order's chat itself: a group upgraded to a supergroup, the bot added, promoted,
removed or blocked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.order import Order
from bot.i18n import Translations
from bot.services import notices
from bot.services.blocked import BLOCKED_REASON, person_blocked
from bot.services.ports import UnitOfWork


async def migrate(uow: UnitOfWork, old: int, new: int, now: datetime) -> Order | None:
    """Everything of the old chat follows it (once); the order now in the new chat."""
    await uow.chats.migrate(old, new, now)
    return await uow.orders.by_chat(new)


@dataclass(frozen=True)
class Rejoined:
    order: Order
    was_active: bool  # False: the bot had been removed, and the card must be posted again


async def bot_is_back(uow: UnitOfWork, chat_id: int, admin: bool, bot_reads_all: bool,
                      now: datetime) -> Rejoined | None:
    """The bot added, promoted or unblocked: deliveries resume; the chat's order, if any."""
    await uow.chats.set_admin(chat_id, admin, now)
    await uow.chats.resume(chat_id, now)
    order = await uow.orders.by_chat(chat_id)
    if order is None:
        return None
    was_active = order.chat_active
    order.chat_active, order.can_read_all = True, bot_reads_all or admin
    await uow.orders.save(order)
    return Rejoined(order, was_active)


async def bot_is_gone(uow: UnitOfWork, chat_id: int, private: bool, status: str,
                      moderators: list[int], translations: Translations, default: str,
                      now: datetime, name: str | None) -> None:
    """Deliveries to the chat stop with a reason; moderators are told the first time."""
    reason = BLOCKED_REASON if private else f"bot {status}"
    if not await uow.chats.lose(chat_id, reason, now):
        return
    if private:  # the person blocked the bot: no order lives in a private chat
        await person_blocked(uow, chat_id, moderators, translations, default, now, name)
        return
    order = await uow.orders.by_chat(chat_id)
    if order is not None:
        await notices.chat_lost(uow, order, moderators, translations, default, now)
