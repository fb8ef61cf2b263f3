"""Neutral effects -> aiogram Bot calls; aiogram's exceptions -> the neutral delivery errors."""

from __future__ import annotations

import aiohttp
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)

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


def neutral_error(error: Exception, chat_id: int | None = None) -> DeliveryError:
    """The neutral error; `chat_id` is the chat the failed call was bound to (for a 429)."""
    if isinstance(error, TelegramRetryAfter):
        return RetryAfter(float(error.retry_after), chat_id)
    if isinstance(error, TelegramMigrateToChat):
        return ChatMigrated(error.migrate_to_chat_id)
    if isinstance(error, TelegramForbiddenError):
        return Forbidden(error.message)
    if isinstance(error, TelegramBadRequest):
        return bad_request(error.message)
    if isinstance(error, TelegramEntityTooLarge):
        return BadRequest(error.message)
    if isinstance(error, TelegramServerError | TelegramNetworkError):
        return TransientError(str(error))
    if isinstance(error, TelegramAPIError):  # 401, 404, 409: nothing a retry mends
        return BadRequest(error.message)
    return TransientError(f"{type(error).__name__}: {error}")


def inline_keyboard(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    if keyboard is None:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=b.text, callback_data=b.data, url=b.url) for b in row]
        for row in keyboard
    ])


def send_markup(effect: SendMessage) -> Markup | None:
    if effect.force_reply is not None:
        return ForceReply(force_reply=True, selective=effect.force_reply.selective,
                          input_field_placeholder=effect.force_reply.placeholder or None)
    return inline_keyboard(effect.keyboard)


def reply_to(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)


class AiogramTransport:
    """The outbox sender's Transport, performed with an aiogram Bot."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def perform(self, effect: Effect) -> int | None:
        try:
            return await self._perform(effect)
        except (TimeoutError, TelegramAPIError, aiohttp.ClientError, OSError) as error:
            raise neutral_error(error, bound_chat(effect)) from error

    async def _perform(self, effect: Effect) -> int | None:
        return await perform(self.bot, effect, BUILDERS)


def _document(content: bytes, filename: str) -> object:
    return BufferedInputFile(content, filename=filename)


def _commands(commands: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [BotCommand(command=name, description=text) for name, text in commands]


def _chat_scope(chat_id: int) -> BotCommandScopeChat:
    return BotCommandScopeChat(chat_id=chat_id)


BUILDERS = Builders(send_markup, inline_keyboard, reply_to, _document, _commands, _chat_scope)
