"""Neutral effects -> python-telegram-bot calls; its exceptions -> the neutral delivery errors."""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    ReplyParameters,
)
from telegram import error as tg
from telegram.warnings import PTBDeprecationWarning

from bot.core.events import (
    Effect,
    Keyboard,
    SendMessage,
)
from bot.delivery.transport import (
    BadRequest,
    ChatMigrated,
    DeliveryError,
    Forbidden,
    RetryAfter,
    TransientError,
    bound_chat,
)
from bot.frameworks.base import bad_request
from bot.frameworks.perform import Builders, perform

Markup = InlineKeyboardMarkup | ForceReply


def retry_seconds(error: tg.RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that it will be a timedelta; both are read
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        raw = error.retry_after
    return raw.total_seconds() if isinstance(raw, timedelta) else float(raw)


def neutral_error(error: Exception, chat_id: int | None = None) -> DeliveryError:
    """The neutral error; `chat_id` is the chat the failed call was bound to (for a 429)."""
    if isinstance(error, tg.RetryAfter):
        return RetryAfter(retry_seconds(error), chat_id)
    if isinstance(error, tg.ChatMigrated):
        return ChatMigrated(error.new_chat_id)
    if isinstance(error, tg.Forbidden):
        return Forbidden(error.message)
    if isinstance(error, tg.BadRequest):
        return bad_request(error.message)
    if isinstance(error, tg.NetworkError):  # TimedOut included; 5xx arrive as NetworkError
        return TransientError(str(error))
    if isinstance(error, tg.TelegramError):  # InvalidToken, Conflict, EndPointNotFound
        return BadRequest(error.message)
    return TransientError(f"{type(error).__name__}: {error}")


def inline_keyboard(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    if keyboard is None:
        return None
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(b.text, callback_data=b.data, url=b.url) for b in row]
        for row in keyboard
    ])


def send_markup(effect: SendMessage) -> Markup | None:
    if effect.force_reply is not None:
        return ForceReply(selective=effect.force_reply.selective,
                          input_field_placeholder=effect.force_reply.placeholder or None)
    return inline_keyboard(effect.keyboard)


def reply_to(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)


class PtbTransport:
    """The outbox sender's Transport, performed with a python-telegram-bot Bot."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def perform(self, effect: Effect) -> int | None:
        try:
            return await self._perform(effect)
        except (tg.TelegramError, TimeoutError, OSError) as error:
            raise neutral_error(error, bound_chat(effect)) from error

    async def _perform(self, effect: Effect) -> int | None:
        return await perform(self.bot, effect, BUILDERS)


def _document(content: bytes, filename: str) -> object:
    return InputFile(content, filename=filename)


def _commands(commands: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [BotCommand(name, text) for name, text in commands]


def _chat_scope(chat_id: int) -> BotCommandScopeChat:
    return BotCommandScopeChat(chat_id)


BUILDERS = Builders(send_markup, inline_keyboard, reply_to, _document, _commands, _chat_scope)
