"""A person who blocked the bot: nothing more is delivered to their private chat, and the
moderators are told, each in their own language."""

from __future__ import annotations

from datetime import datetime

from bot.core.events import SendMessage
from bot.i18n import Translations
from bot.services.notices import translator_for
from bot.services.ports import UnitOfWork

BLOCKED_REASON = "blocked by the user"


async def person_blocked(uow: UnitOfWork, person_id: int, moderators: list[int],
                         translations: Translations, default: str, now: datetime,
                         name: str | None = None) -> None:
    """Tell the other moderators who blocked the bot (the name known, else the id)."""
    known = await uow.people.get(person_id)
    shown = name or (known.name if known else None) or str(person_id)
    for moderator in moderators:
        if moderator == person_id:
            continue
        t = await translator_for(uow, translations, moderator, default)
        text = t._("{person} (user id {id}) blocked me: nothing more is sent to them in "
                   "private until they unblock me.").format(person=t.isolate(shown),
                                                            id=t.isolate(person_id))
        await uow.outbox.add(SendMessage(moderator, text), now)
