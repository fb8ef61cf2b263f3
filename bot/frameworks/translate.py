"""A framework's `Update` -> neutral `ChatEvent`. Translation only: no decisions, no I/O.

aiogram's and python-telegram-bot's update objects have the same attribute names (they both
mirror the Bot API), so one translation serves both; `aiogram_events` and `ptb_events` give
it each framework's types."""

from __future__ import annotations

from typing import Any

from bot.core.events import ChatEvent, EventKind, Person
from bot.frameworks.base import full_name, split_command


def event_from_update(update: Any, bot_username: str) -> ChatEvent | None:
    """The neutral event for an update, or None for what the core does not take."""
    if update.message is not None:
        return _from_message(update.update_id, update.message, bot_username)
    if update.callback_query is not None:
        return _from_callback(update.update_id, update.callback_query)
    if update.my_chat_member is not None:
        return _from_bot_status(update.update_id, update.my_chat_member)
    return None


def person(user: Any) -> Person:
    return Person(id=user.id, name=full_name(user.first_name, user.last_name),
                  language=user.language_code, is_bot=user.is_bot, username=user.username)


def _value(raw: Any) -> str:
    return str(getattr(raw, "value", raw))


def _chat(chat: Any) -> dict[str, Any]:
    return {"chat_id": chat.id, "chat_type": _value(chat.type), "chat_title": chat.title}


def _thread(message: Any) -> int | None:
    # aiogram's InaccessibleMessage has no topic fields.
    return message.message_thread_id if getattr(message, "is_topic_message", False) else None


def _from_message(update_id: int, message: Any, bot_username: str) -> ChatEvent | None:
    if message.from_user is None:
        return None
    base: dict[str, Any] = {"update_id": update_id, "user": person(message.from_user),
                            "message_id": message.message_id, "thread_id": _thread(message),
                            **_chat(message.chat)}
    if message.new_chat_members:
        members = tuple(person(m) for m in message.new_chat_members)
        return ChatEvent(kind=EventKind.MEMBERS_JOINED, members=members, **base)
    if message.left_chat_member is not None:
        return ChatEvent(kind=EventKind.MEMBER_LEFT,
                         members=(person(message.left_chat_member),), **base)
    if message.new_chat_title is not None:  # a renamed group: nobody wrote anything
        return None
    if message.migrate_to_chat_id is not None or message.migrate_from_chat_id is not None:
        return ChatEvent(kind=EventKind.MIGRATED, migrate_to_chat_id=message.migrate_to_chat_id,
                         migrate_from_chat_id=message.migrate_from_chat_id, **base)
    text = message.text or message.caption or ""
    reply = message.reply_to_message.message_id if message.reply_to_message else None
    command = split_command(text, bot_username) if message.text else None
    if command is not None:
        if command.foreign:
            return None
        return ChatEvent(kind=EventKind.COMMAND, text=text, command=command.name,
                         args=command.args, reply_to_message_id=reply, **base)
    return ChatEvent(kind=EventKind.TEXT, text=text, reply_to_message_id=reply, **base)


def _from_callback(update_id: int, query: Any) -> ChatEvent | None:
    message = query.message
    if message is None:  # a button under an inline-mode message: not ours
        return None
    thread = _thread(message)
    return ChatEvent(update_id=update_id, kind=EventKind.CALLBACK, user=person(query.from_user),
                     message_id=message.message_id, thread_id=thread, callback_id=query.id,
                     callback_data=query.data, **_chat(message.chat))


def _from_bot_status(update_id: int, change: Any) -> ChatEvent:
    return ChatEvent(update_id=update_id, kind=EventKind.BOT_STATUS,
                     user=person(change.from_user),
                     bot_status=_value(change.new_chat_member.status), **_chat(change.chat))
