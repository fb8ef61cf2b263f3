"""What a handler gets besides the event: the unit of work, the time, texts and rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.config import Settings
from bot.core.events import ChatEvent
from bot.domain.note_check import NoteChecker
from bot.domain.order import Order, Role
from bot.domain.policy import Policy
from bot.i18n import Translations, Translator, resolve_locale
from bot.services.ports import UnitOfWork


@dataclass
class Context:
    uow: UnitOfWork
    now: datetime
    settings: Settings
    policy: Policy
    translations: Translations
    checker: NoteChecker
    moderators: frozenset[int]
    bot_username: str = ""
    bot_reads_all: bool = False
    chosen_language: str | None = None
    notes: list[str] = field(default_factory=list)

    def is_moderator(self, user_id: int) -> bool:
        return user_id in self.moderators

    def role(self, order: Order, user_id: int) -> Role:
        return order.role_of(user_id, moderator=self.is_moderator(user_id))

    def t_order(self, order: Order | None) -> Translator:
        """Texts for the whole chat: the order's language and territory."""
        if order is None:
            return self.translations.get(self.settings.default_language)
        return self.translations.get(order.language, order.region)

    def t_person(self, event: ChatEvent, order: Order | None = None) -> Translator:
        """Texts for one person (alerts, private messages): their own language first, in
        the territory their Telegram language names ("pt-br"), else the order's."""
        order_locale = f"{order.language}_{order.region}" if order and order.region else (
            order.language if order else None)
        return self.translations.get(resolve_locale(
            self.chosen_language, event.user.language, order_locale,
            self.settings.default_language))
