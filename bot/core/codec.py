"""Effects to JSON and back, for the outbox table."""

from __future__ import annotations

import base64
import json
from dataclasses import fields, is_dataclass
from typing import Any

from bot.core.events import (
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
    data = _fields(effect)
    if isinstance(effect, SendDocument):
        data["content"] = base64.b64encode(effect.content).decode("ascii")
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_fields)


def _fields(value: Any) -> dict[str, Any]:
    """A dataclass's fields, one level (json.dumps calls it again for nested buttons and refs):
    what `dataclasses.asdict` gives, without its deep copy of every value."""
    try:
        names = _FIELD_NAMES[type(value)]
    except KeyError:
        if not is_dataclass(value):
            raise TypeError(f"{type(value).__name__} is not JSON serializable") from None
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
    return {name: getattr(value, name) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


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
