"""Validation of what a bot sends: text, reply markup, replies."""

from __future__ import annotations

from typing import Any

from bot.sandbox.errors import bad_request
from bot.sandbox.models import Button, Chat

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_BYTES = 64


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_text(text: str | None) -> str:
    if text is None or not text.strip():
        raise bad_request("message text is empty")
    if utf16_length(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text


def check_caption(caption: str | None) -> str | None:
    if caption is not None and utf16_length(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return caption


def parse_markup(markup: Any) -> tuple[list[list[Button]] | None, dict[str, Any] | None]:
    """(inline buttons, force reply) from a reply_markup object; other keyboards are ignored."""
    if not markup:
        return None, None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return _inline_keyboard(markup["inline_keyboard"]), None
    if markup.get("force_reply"):
        force = {
            "placeholder": markup.get("input_field_placeholder"),
            "selective": bool(markup.get("selective", False)),
        }
        return None, force
    return None, None


def _inline_keyboard(rows: Any) -> list[list[Button]]:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
        )
    return [[_button(b) for b in row] for row in rows]


def _button(raw: Any) -> Button:
    if not isinstance(raw, dict) or not raw.get("text"):
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    if raw.get("url"):
        return Button(text=str(raw["text"]), url=str(raw["url"]))
    data = raw.get("callback_data")
    if data is None:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = str(data)
    if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise bad_request("BUTTON_DATA_INVALID")
    return Button(text=str(raw["text"]), data=data)


def reply_target(chat: Chat, reply_to: int | None, parameters: Any) -> int | None:
    """The id replied to (reply_to_message_id or reply_parameters), checked to exist."""
    allow_missing = False
    if isinstance(parameters, dict) and parameters.get("message_id") is not None:
        reply_to = int(parameters["message_id"])
        allow_missing = bool(parameters.get("allow_sending_without_reply", False))
    if reply_to is None:
        return None
    if reply_to not in chat.messages:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    return reply_to
