"""Telegram-shaped dicts (Bot API objects) and transcript-shaped dicts of the sandbox records."""

from __future__ import annotations

from typing import Any

from bot.sandbox.models import BotAccount, Button, Chat, Message, User
from bot.sandbox.state import SandboxState

ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_send_welcome_messages",
)


def user_dict(user: User) -> dict[str, Any]:
    out: dict[str, Any] = {"id": user.id, "is_bot": user.is_bot, "first_name": user.name}
    if user.username:
        out["username"] = user.username
    if user.language:
        out["language_code"] = user.language
    return out


def bot_user_dict(bot: BotAccount) -> dict[str, Any]:
    return {"id": bot.id, "is_bot": True, "first_name": bot.first_name, "username": bot.username}


def get_me_dict(bot: BotAccount) -> dict[str, Any]:
    return bot_user_dict(bot) | {
        "can_join_groups": True,
        "can_read_all_group_messages": not bot.privacy,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def sender_dict(state: SandboxState, sender_id: int, is_bot: bool) -> dict[str, Any]:
    if is_bot:
        return bot_user_dict(state.bots[sender_id])
    return user_dict(state.users[sender_id])


def chat_dict(state: SandboxState, chat: Chat) -> dict[str, Any]:
    if chat.type == "private":
        user = state.users[chat.id]
        out: dict[str, Any] = {"id": chat.id, "type": "private", "first_name": user.name}
        if user.username:
            out["username"] = user.username
        return out
    out = {"id": chat.id, "type": chat.type, "title": chat.title}
    if chat.is_forum:
        out["is_forum"] = True
    return out


def chat_full_info(state: SandboxState, chat: Chat) -> dict[str, Any]:
    gifts = dict.fromkeys(
        (
            "unlimited_gifts",
            "limited_gifts",
            "unique_gifts",
            "premium_subscription",
            "gifts_from_channels",
        ),
        False,
    )
    return chat_dict(state, chat) | {
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": gifts,
    }


def member_dict(who: dict[str, Any], status: str) -> dict[str, Any]:
    out: dict[str, Any] = {"status": status, "user": who}
    if status == "administrator":
        out |= {"can_be_edited": False, "is_anonymous": False} | dict.fromkeys(ADMIN_RIGHTS, True)
    elif status == "creator":
        out["is_anonymous"] = False
    elif status == "kicked":
        out["until_date"] = 0
    return out


def markup_dict(message: Message) -> dict[str, Any] | None:
    if message.buttons is None:
        return None
    return {"inline_keyboard": [[button_dict(b) for b in row] for row in message.buttons]}


def button_dict(button: Button) -> dict[str, Any]:
    out: dict[str, Any] = {"text": button.text}
    if button.url is not None:
        out["url"] = button.url
    else:
        out["callback_data"] = button.data
    return out


def message_dict(state: SandboxState, message: Message, nested: bool = False) -> dict[str, Any]:
    chat = state.chats[message.chat_id]
    out: dict[str, Any] = {
        "message_id": message.message_id,
        "from": sender_dict(state, message.from_id, message.from_bot),
        "chat": chat_dict(state, chat),
        "date": int(message.date),
    }
    if message.thread_id is not None:
        out["message_thread_id"] = message.thread_id
        out["is_topic_message"] = chat.is_forum
    if message.edit_date is not None:
        out["edit_date"] = int(message.edit_date)
    _add_content(state, message, out)
    if message.reply_to is not None and not nested:
        original = chat.messages.get(message.reply_to)
        if original is not None:
            out["reply_to_message"] = message_dict(state, original, nested=True)
    markup = markup_dict(message)
    if markup is not None:
        out["reply_markup"] = markup
    return out


def _add_content(state: SandboxState, message: Message, out: dict[str, Any]) -> None:
    if message.text is not None:
        out["text"] = message.text
        if message.entities:
            out["entities"] = message.entities
    if message.document is not None:
        doc = message.document
        out["document"] = (
            {
                "file_id": doc.file_id,
                "file_unique_id": doc.file_unique_id,
                "file_size": len(doc.content),
            }
            | ({"file_name": doc.file_name} if doc.file_name else {})
            | ({"mime_type": doc.mime_type} if doc.mime_type else {})
        )
        if message.caption is not None:
            out["caption"] = message.caption
    for key, value in message.service.items():
        out[key] = _service_value(state, key, value)


def _service_value(state: SandboxState, key: str, value: Any) -> Any:
    if key == "new_chat_members":
        return [_person(state, pid) for pid in value]
    if key == "left_chat_member":
        return _person(state, value)
    return value


def _person(state: SandboxState, person_id: int) -> dict[str, Any]:
    if person_id in state.bots:
        return bot_user_dict(state.bots[person_id])
    return user_dict(state.users[person_id])


# --- the transcript's view ----------------------------------------------------
def who(state: SandboxState, sender_id: int, is_bot: bool) -> dict[str, Any]:
    if is_bot:
        return {"id": sender_id, "name": state.bots[sender_id].username, "is_bot": True}
    return {"id": sender_id, "name": state.users[sender_id].name, "is_bot": False}


def buttons_view(message: Message) -> list[list[dict[str, Any]]]:
    rows = message.buttons or []
    return [[{"text": b.text, "data": b.data} for b in row] for row in rows]


def message_view(state: SandboxState, message: Message) -> dict[str, Any]:
    """A message as a person sees it: the transcript and `messages()` shape."""
    view: dict[str, Any] = {
        "chat_id": message.chat_id,
        "message_id": message.message_id,
        "from": who(state, message.from_id, message.from_bot),
        "text": message.text if message.text is not None else message.caption,
        "buttons": buttons_view(message),
        "force_reply": message.force_reply,
        "reply_to_message_id": message.reply_to,
        "message_thread_id": message.thread_id,
    }
    if message.entities:
        view["entities"] = message.entities
    if message.service:
        view["service"] = {
            k: v for k, v in message.service.items() if k not in ("group_chat_created",)
        }
    if message.document is not None:
        view["document"] = {
            "file_name": message.document.file_name,
            "size": len(message.document.content),
        }
    return view
