"""The chat as a person reads it, in the demo's language: text lines, or JSON lines with --json.

Headers name the chat, the time (in the order's time zone, formatted for the language) and
who wrote; the people's names are theirs and the bot's name is a name, the rest is gettext.
JSON lines keep machine values (`role`, `chat`, an ISO `time`) for programs that read them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.i18n import N_, Translator

ICONS = {"edit": "✎ ", "callback_answer": "↳ ", "document": "📎 ", "delete": "✖ "}
BOT_NAME = "orderbot"
# TRANSLATORS: the demo transcript's headers: a person's name and their role in the order.
ROLES = {
    "pro": N_("{name} (professional)"),
    "client": N_("{name} (client)"),
    "moderator": N_("{name} (moderator)"),
    "member": N_("{name} (group member)"),
}


class Printer:
    def __init__(self, roles: dict[int, str], names: dict[int, str], as_json: bool,
                 t: Translator, timezone: str, write: Callable[[str], None] = print) -> None:
        self.roles, self.names, self.as_json, self.write = roles, names, as_json, write
        self.t, self.timezone = t, timezone

    def entry(self, entry: dict[str, Any], when: datetime, chat: str) -> None:
        kind = entry.get("kind", "")
        if kind in ("tap", "service"):
            return
        sender_id = (entry.get("from") or {}).get("id") or entry.get("user_id")
        role = "bot" if (entry.get("from") or {}).get("is_bot") else self.roles.get(
            sender_id or 0, "member")
        if kind == "callback_answer":
            role, sender_id = "bot", None
        if self.as_json:
            self.write(json.dumps({
                "chat": chat, "kind": kind, "sender": self._plain_name(sender_id, role),
                "role": role, "text": entry.get("text") or "", "buttons": _labels(entry),
                "time": when.isoformat()}, ensure_ascii=False))
            return
        self._human(entry, kind, role, sender_id, when, chat)

    def _human(self, entry: dict[str, Any], kind: str, role: str, sender_id: int | None,
               when: datetime, chat: str) -> None:
        text = entry.get("text") or ""
        if kind == "callback_answer" and not text:
            return
        stamp = self.t.datetime(when, self.timezone, "short")
        head = f"[{stamp}] {self.t._(chat)} · {ICONS.get(kind, '')}{self._name(sender_id, role)}"
        self.write(f"{head}:")
        for line in text.splitlines() or [""]:
            self.write(f"    {line}")
        for row in _labels(entry):
            self.write("    " + "  ".join(f"[ {label} ]" for label in row))
        if entry.get("force_reply"):
            self.write(f"    (✍ {entry['force_reply'].get('placeholder') or ''})")

    def _plain_name(self, sender_id: int | None, role: str) -> str:
        return BOT_NAME if role == "bot" else self.names.get(sender_id or 0, "?")

    def _name(self, sender_id: int | None, role: str) -> str:
        name = self._plain_name(sender_id, role)
        if role == "bot":
            return name
        return self.t._(ROLES.get(role, ROLES["member"])).format(name=self.t.isolate(name))


def _labels(entry: dict[str, Any]) -> list[list[str]]:
    return [[button.get("text", "") for button in row] for row in entry.get("buttons") or []]
