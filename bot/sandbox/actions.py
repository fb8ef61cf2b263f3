"""What people do in the sandbox: write, tap, join, leave, rename the group, add or remove the
bot, block it."""

from __future__ import annotations

from typing import Any

from bot.sandbox.access import record_message
from bot.sandbox.errors import ControlError
from bot.sandbox.models import Chat, Message
from bot.sandbox.routing import PRESENT, command_entity, deliver_member_change, deliver_message
from bot.sandbox.serialize import message_dict
from bot.sandbox.state import SandboxState

TITLE_MAX = 128  # Telegram's limit on a group's title


def post(
    state: SandboxState,
    chat_id: int,
    user_id: int,
    text: str,
    reply_to_message_id: int | None = None,
    message_thread_id: int | None = None,
) -> Message:
    chat, _ = _speaker(state, chat_id, user_id)
    if reply_to_message_id is not None and reply_to_message_id not in chat.messages:
        raise ControlError(f"no message {reply_to_message_id} in chat {chat_id}")
    entity = command_entity(text)
    message = Message(
        chat_id=chat.id,
        message_id=chat.next_message_id(),
        from_id=user_id,
        from_bot=False,
        date=state.wall_clock(),
        text=text,
        entities=[entity] if entity else [],
        reply_to=reply_to_message_id,
        thread_id=message_thread_id,
    )
    chat.messages[message.message_id] = message
    record_message(state, "message", message)
    deliver_message(state, message)
    return message


def _speaker(state: SandboxState, chat_id: int, user_id: int) -> tuple[Chat, Any]:
    chat, user = state.chat(chat_id), state.user(user_id)
    if chat.migrated_to is not None:
        raise ControlError(f"chat {chat_id} was upgraded to {chat.migrated_to}")
    if chat.type == "private" and chat.id != user_id:
        raise ControlError(f"user {user_id} is not in private chat {chat_id}")
    if chat.is_group and chat.members.get(user_id) not in PRESENT:
        raise ControlError(f"user {user_id} is not a member of chat {chat_id}")
    return chat, user


def service(state: SandboxState, chat: Chat, actor_id: int, content: dict[str, Any]) -> Message:
    """A service message (joins, leaves, title, migration), recorded and delivered like
    Telegram."""
    message = Message(
        chat_id=chat.id,
        message_id=chat.next_message_id(),
        from_id=actor_id,
        from_bot=False,
        date=state.wall_clock(),
        service=content,
    )
    chat.messages[message.message_id] = message
    record_message(state, "service", message)
    deliver_message(state, message)
    return message


def actor_of(chat: Chat, by: int | None) -> int:
    if by is not None:
        return by
    for user_id, status in chat.members.items():
        if status in PRESENT:
            return user_id
    raise ControlError(f"chat {chat.id} has no member to act")


def add_member(state: SandboxState, chat_id: int, user_id: int) -> None:
    chat = state.chat(chat_id)
    state.user(user_id)
    chat.members[user_id] = "member"
    service(state, chat, user_id, {"new_chat_members": [user_id]})


def remove_member(state: SandboxState, chat_id: int, user_id: int) -> None:
    chat = state.chat(chat_id)
    if chat.members.get(user_id) not in PRESENT:
        raise ControlError(f"user {user_id} is not a member of chat {chat_id}")
    chat.members[user_id] = "left"
    service(state, chat, user_id, {"left_chat_member": user_id})


def set_title(state: SandboxState, chat_id: int, title: str, by: int | None = None) -> None:
    """A member renames the group: Telegram's `new_chat_title` service message."""
    chat = state.chat(chat_id)
    if not chat.is_group or chat.migrated_to is not None:
        raise ControlError(f"chat {chat_id} is not a group that can be renamed")
    if not 1 <= len(title) <= TITLE_MAX:
        raise ControlError(f"a chat title has 1 to {TITLE_MAX} characters")
    actor = actor_of(chat, by)
    chat.title = title
    service(state, chat, actor, {"new_chat_title": title})


def set_bot_status(
    state: SandboxState, chat_id: int, status: str, by: int | None = None, bot_id: int | None = None
) -> None:
    """Add (member/administrator), promote, demote or remove (kicked/left) the bot."""
    chat, bot = state.chat(chat_id), state.primary_bot(bot_id)
    actor = actor_of(chat, by)
    old = chat.bot_status(bot.id)
    if old == status:
        return
    chat.bots[bot.id] = status
    deliver_member_change(state, bot, chat, actor, old, status)
    if old not in PRESENT and status in PRESENT:
        service(state, chat, actor, {"new_chat_members": [bot.id]})
    elif old in PRESENT and status not in PRESENT:
        gone = service_without_delivery(state, chat, actor, {"left_chat_member": bot.id})
        bot.updates.push("message", message_dict(state, gone))


def service_without_delivery(
    state: SandboxState, chat: Chat, actor_id: int, content: dict[str, Any]
) -> Message:
    message = Message(chat.id, chat.next_message_id(), actor_id, False, state.wall_clock())
    message.service = content
    chat.messages[message.message_id] = message
    record_message(state, "service", message)
    return message


def set_blocked(
    state: SandboxState, user_id: int, blocked: bool, bot_id: int | None = None
) -> None:
    user, bot = state.user(user_id), state.primary_bot(bot_id)
    if blocked == (bot.id in user.blocked_bots):
        return
    chat = state.chats[user_id]
    if blocked:
        user.blocked_bots.add(bot.id)
        deliver_member_change(state, bot, chat, user_id, "member", "kicked")
    else:
        user.blocked_bots.discard(bot.id)
        deliver_member_change(state, bot, chat, user_id, "kicked", "member")


def upgrade(state: SandboxState, chat_id: int, by: int | None = None) -> int:
    old = state.chat(chat_id)
    if old.type != "group" or old.migrated_to is not None:
        raise ControlError(f"chat {chat_id} is not a basic group")
    actor = actor_of(old, by)
    new = state.new_chat("supergroup", old.title or "")
    new.members, new.bots = dict(old.members), dict(old.bots)
    service(state, old, actor, {"migrate_to_chat_id": new.id})
    old.migrated_to = new.id
    service(state, new, actor, {"migrate_from_chat_id": old.id})
    return new.id
