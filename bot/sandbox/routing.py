"""Which bot receives what: privacy mode, admin rights, addressed commands, service messages."""

from __future__ import annotations

from typing import Any

from bot.sandbox.models import BotAccount, Chat, Message
from bot.sandbox.serialize import bot_user_dict, chat_dict, member_dict, message_dict, user_dict
from bot.sandbox.state import SandboxState

PRESENT = ("member", "administrator", "creator")


def command_target(text: str) -> str | None:
    """'/cmd@name args' -> 'name'; '/cmd args' -> ''; not a command -> None."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head = text.split(maxsplit=1)[0]
    _, _, target = head.partition("@")
    return target


def command_entity(text: str) -> dict[str, Any] | None:
    if command_target(text) is None:
        return None
    head = text.split(maxsplit=1)[0]
    return {"type": "bot_command", "offset": 0, "length": len(head.encode("utf-16-le")) // 2}


def sees_message(bot: BotAccount, chat: Chat, message: Message) -> bool:
    """Whether Telegram would deliver this message to this bot."""
    if message.from_bot and message.from_id == bot.id:
        return False
    if chat.type == "private":
        return True
    if chat.bot_status(bot.id) not in PRESENT:
        return False
    if message.service:
        return True
    if not bot.privacy or chat.bot_status(bot.id) == "administrator":
        return True
    return _privacy_allows(bot, chat, message)


def _privacy_allows(bot: BotAccount, chat: Chat, message: Message) -> bool:
    target = command_target(message.text or "")
    if target is not None:
        return target == "" or target.lower() == bot.username.lower()
    if message.reply_to is None:
        return False
    original = chat.messages.get(message.reply_to)
    return original is not None and original.from_bot and original.from_id == bot.id


def bots_of(state: SandboxState, chat: Chat, bot_id: int | None = None) -> list[BotAccount]:
    """The bots taking part in a chat (a private chat talks to one bot)."""
    if chat.type == "private":
        return [state.primary_bot(bot_id)] if state.bots else []
    return [b for b in state.bots.values() if chat.bots.get(b.id) in PRESENT]


def deliver_message(state: SandboxState, message: Message, bot_id: int | None = None) -> None:
    chat = state.chats[message.chat_id]
    for bot in bots_of(state, chat, bot_id):
        if chat.type == "private" and bot.id in state.users[chat.id].blocked_bots:
            continue
        if sees_message(bot, chat, message):
            bot.updates.push("message", message_dict(state, message))


def deliver_member_change(
    state: SandboxState, bot: BotAccount, chat: Chat, actor_id: int, old: str, new: str
) -> None:
    """A `my_chat_member` update: the bot's own status changed in a chat."""
    payload = {
        "chat": chat_dict(state, chat),
        "from": user_dict(state.users[actor_id]),
        "date": int(state.wall_clock()),
        "old_chat_member": member_dict(bot_user_dict(bot), old),
        "new_chat_member": member_dict(bot_user_dict(bot), new),
    }
    bot.updates.push("my_chat_member", payload)
