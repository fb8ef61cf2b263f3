"""python-telegram-bot `Update` -> neutral `ChatEvent` (the shared translation)."""

from __future__ import annotations

from telegram import Update

from bot.core.events import ChatEvent
from bot.frameworks import translate


def event_from_update(update: Update, bot_username: str) -> ChatEvent | None:
    """The neutral event for an update, or None for what the core does not take."""
    return translate.event_from_update(update, bot_username)
