"""A stand-in Bot: records each method call's keyword arguments, or raises what it is told."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any


@dataclass
class RecordingBot:
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    raises: BaseException | None = None
    next_message_id: int = 77

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)

        async def call(**kwargs: Any) -> Any:
            self.calls.append((name, kwargs))
            if self.raises is not None:
                raise self.raises
            return SimpleNamespace(message_id=self.next_message_id)

        return call
