"""Private notices to moderators, each in the moderator's own language."""

from __future__ import annotations

from datetime import datetime

from bot.core.events import SendMessage
from bot.domain.order import Order
from bot.i18n import Translations, Translator, resolve_locale
from bot.services.ports import UnitOfWork


async def moderator_ids(uow: UnitOfWork, configured: tuple[int, ...]) -> list[int]:
    return sorted(set(configured) | await uow.moderators.ids())


async def translator_for(uow: UnitOfWork, translations: Translations, user_id: int,
                         default: str) -> Translator:
    person = await uow.people.get(user_id)
    chosen = person.chosen_language if person else None
    telegram = person.telegram_language if person else None
    return translations.get(resolve_locale(chosen, telegram, None, default))


async def chat_lost(uow: UnitOfWork, order: Order, moderators: list[int],
                    translations: Translations, default: str, now: datetime) -> None:
    """The bot was removed from an order's chat (or blocked): moderators are told."""
    for moderator in moderators:
        t = await translator_for(uow, translations, moderator, default)
        text = t._("I was removed from the chat of {order}: nothing more is delivered there "
                   "until I am added again.").format(order=t.order_ref(order.id, order.title))
        await uow.outbox.add(SendMessage(moderator, text), now)
