"""One effect, one Bot API call. aiogram's and python-telegram-bot's Bots share the method
names and keywords, so the call is written once; each framework supplies its own builders
for keyboards, reply parameters, files, command lists and command scopes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.core.events import (
    AnswerCallback,
    DeleteCommands,
    DeleteMessage,
    EditKeyboard,
    EditMessage,
    Effect,
    Keyboard,
    SendDocument,
    SendMessage,
    SetCommands,
)
from bot.delivery.transport import BadRequest


@dataclass(frozen=True)
class Builders:
    send_markup: Callable[[SendMessage], Any]
    inline_keyboard: Callable[[Keyboard | None], Any]
    reply_to: Callable[[int | None], Any]
    document: Callable[[bytes, str], Any]
    commands: Callable[[tuple[tuple[str, str], ...]], Any]
    chat_scope: Callable[[int], Any]


async def perform(bot: Any, effect: Effect, build: Builders) -> int | None:
    """Perform `effect` with `bot`; the id of a sent message, else None."""
    if isinstance(effect, SendMessage):
        sent = await bot.send_message(
            chat_id=effect.chat_id, text=effect.text, reply_markup=build.send_markup(effect),
            reply_parameters=build.reply_to(effect.reply_to_message_id),
            message_thread_id=effect.thread_id, parse_mode=None)
        return int(sent.message_id)
    if isinstance(effect, EditMessage):
        await bot.edit_message_text(
            chat_id=effect.chat_id, message_id=known(effect.message_id), text=effect.text,
            reply_markup=build.inline_keyboard(effect.keyboard), parse_mode=None)
        return None
    if isinstance(effect, EditKeyboard):
        await bot.edit_message_reply_markup(
            chat_id=effect.chat_id, message_id=known(effect.message_id),
            reply_markup=build.inline_keyboard(effect.keyboard))
        return None
    if isinstance(effect, DeleteMessage):
        await bot.delete_message(chat_id=effect.chat_id, message_id=effect.message_id)
        return None
    if isinstance(effect, SendDocument):
        sent = await bot.send_document(
            chat_id=effect.chat_id, document=build.document(effect.content, effect.filename),
            caption=effect.caption, parse_mode=None)
        return int(sent.message_id)
    if isinstance(effect, AnswerCallback):
        await bot.answer_callback_query(callback_query_id=effect.callback_id,
                                        text=effect.text, show_alert=effect.alert)
        return None
    if isinstance(effect, SetCommands | DeleteCommands):
        await _menu(bot, effect, build)
        return None
    raise TypeError(f"not an effect: {effect!r}")


async def _menu(bot: Any, effect: SetCommands | DeleteCommands, build: Builders) -> None:
    """setMyCommands / deleteMyCommands for one chat's scope and one language."""
    scope = build.chat_scope(effect.chat_id)
    if isinstance(effect, SetCommands):
        await bot.set_my_commands(commands=build.commands(effect.commands), scope=scope,
                                  language_code=effect.language_code)
    else:
        await bot.delete_my_commands(scope=scope, language_code=effect.language_code)


def known(message_id: int | None) -> int:
    if message_id is None:
        raise BadRequest("the message to edit has no id yet (unresolved ref)")
    return message_id
