"""A bot's update queue: ids, offsets, long polling, redelivery."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sandbox.notify import Notifier

DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(frozen=True)
class Update:
    update_id: int
    kind: str
    payload: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: self.payload}


class UpdateQueue:
    """Pending updates in order; everything ever queued is kept for `redeliver`."""

    def __init__(self, first_id: int = 100_001) -> None:
        self.pending: list[Update] = []
        self.history: dict[int, Update] = {}
        self.allowed: list[str] | None = None
        self.changed = Notifier()
        self._next_id = first_id

    def accepts(self, kind: str) -> bool:
        if self.allowed:
            return kind in self.allowed
        return kind not in DEFAULT_EXCLUDED

    def push(self, kind: str, payload: dict[str, Any]) -> Update | None:
        if not self.accepts(kind):
            return None
        update = Update(self._next_id, kind, payload)
        self._next_id += 1
        self.history[update.update_id] = update
        self._append(update)
        return update

    def redeliver(self, update_id: int) -> bool:
        update = self.history.get(update_id)
        if update is None:
            return False
        self._append(update)
        return True

    def confirm(self, offset: int) -> None:
        if offset < 0:
            self.pending = self.pending[offset:]
        elif offset > 0:
            self.pending = [u for u in self.pending if u.update_id >= offset]

    def take(self, limit: int) -> list[Update]:
        return self.pending[:limit]

    def drop(self, update_id: int) -> None:
        self.pending = [u for u in self.pending if u.update_id != update_id]

    def clear(self) -> None:
        self.pending.clear()
        self.changed.notify()

    def _append(self, update: Update) -> None:
        self.pending.append(update)
        self.pending.sort(key=lambda u: u.update_id)
        self.changed.notify()
