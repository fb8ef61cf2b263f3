"""May this bot write to this chat now? Membership, blocks, migration, flood limits."""

from __future__ import annotations

from typing import Any

from bot.sandbox.errors import ApiError, forbidden, migrated, too_many_requests
from bot.sandbox.models import BotAccount, Chat, Message
from bot.sandbox.serialize import message_view
from bot.sandbox.state import SandboxState


def writable_chat(state: SandboxState, bot: BotAccount, chat_id: Any) -> Chat:
    chat = state.find_chat(chat_id)
    if chat.migrated_to is not None:
        raise migrated(chat.migrated_to)
    if chat.type == "private":
        if bot.id in state.users[chat.id].blocked_bots:
            raise forbidden("bot was blocked by the user")
        return chat
    status = chat.bot_status(bot.id)
    if status == "kicked":
        raise forbidden(f"bot was kicked from the {chat.type} chat")
    if status == "left":
        raise forbidden(f"bot is not a member of the {chat.type} chat")
    return chat


def count_send(state: SandboxState, bot: BotAccount, chat: Chat) -> None:
    """Count a send or an edit against the limits (when on); 429 when over."""
    retry_after = state.limits.check(bot.id, chat.id, chat.is_group)
    if retry_after is not None:
        state.too_many_sent += 1
        raise too_many_requests(retry_after)
    state.sent_per_chat[chat.id] += 1


def own_message(chat: Chat, bot: BotAccount, message_id: int | None, missing: str) -> Message:
    message = chat.messages.get(message_id) if message_id is not None else None
    if message is None:
        raise ApiError(400, f"Bad Request: {missing}")
    return message


def record_message(state: SandboxState, kind: str, message: Message) -> dict[str, Any]:
    view = message_view(state, message)
    del view["chat_id"]
    return state.record(kind, message.chat_id, **view)
