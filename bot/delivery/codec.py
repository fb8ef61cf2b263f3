"""Effects to JSON and back, for the outbox table."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict
from typing import Any

from handlers.events import (
    Button,
    DeleteCommands,
    DeleteMessage,
    EditKeyboard,
    EditMessage,
    Effect,
    ForceReply,
    Keyboard,
    Ref,
    SendDocument,
    SendMessage,
    SetCommands,
)

KINDS: dict[str, type] = {
    "send": SendMessage,
    "edit": EditMessage,
    "edit_keyboard": EditKeyboard,
    "delete": DeleteMessage,
    "document": SendDocument,
    "set_commands": SetCommands,
    "delete_commands": DeleteCommands,
}
KIND_OF = {cls: kind for kind, cls in KINDS.items()}


def kind_of(effect: Effect) -> str:
    try:
        return KIND_OF[type(effect)]
    except KeyError:
        raise TypeError(f"{type(effect).__name__} is not queued") from None


def dumps(effect: Effect) -> str:
    data = asdict(effect)
    if isinstance(effect, SendDocument):
        data["content"] = base64.b64encode(effect.content).decode("ascii")
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def loads(kind: str, payload: str) -> Effect:
    data: dict[str, Any] = json.loads(payload)
    cls = KINDS[kind]
    if "keyboard" in data:
        data["keyboard"] = _keyboard(data["keyboard"])
    if data.get("force_reply"):
        data["force_reply"] = ForceReply(**data["force_reply"])
    if data.get("ref"):
        data["ref"] = Ref(**data["ref"])
    if cls is SendDocument:
        data["content"] = base64.b64decode(data["content"])
    if cls is SetCommands:
        data["commands"] = tuple((name, text) for name, text in data["commands"])
    effect: Effect = cls(**data)
    return effect


def _keyboard(rows: list[list[dict[str, Any]]] | None) -> Keyboard | None:
    if rows is None:
        return None
    return tuple(tuple(Button(**button) for button in row) for row in rows)
