"""A ChatEvent as JSON and back: a parked update is kept as the core saw it, to run again."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from bot.core.events import ChatEvent, EventKind, Person


def event_to_json(event: ChatEvent) -> str:
    return json.dumps(dataclasses.asdict(event), ensure_ascii=False, sort_keys=True)


def event_from_json(text: str) -> ChatEvent:
    """The event `event_to_json` wrote; ValueError if `text` is not one."""
    try:
        fields: dict[str, Any] = json.loads(text)
        fields["kind"] = EventKind(fields["kind"])
        fields["user"] = Person(**fields["user"])
        fields["members"] = tuple(Person(**member) for member in fields.get("members", ()))
        return ChatEvent(**fields)
    except (TypeError, KeyError, AttributeError) as error:
        raise ValueError(f"not a stored update: {error}") from error


def redacted(event: ChatEvent) -> str:
    """What an operator may read of an update: its kind, command and the size of its text,
    never the text itself (it is a person's message)."""
    shown = f"/{event.command}" if event.command else event.kind.value
    if event.callback_data:
        shown += f" [{event.callback_data.split(':', 1)[0]}]"
    text = event.args if event.command else event.text
    return f"{shown} ({len(text)} characters)" if text else shown
