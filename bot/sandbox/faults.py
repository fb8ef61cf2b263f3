"""Fault switches: make the next calls fail the ways Telegram (or the network) can fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FAULT_KINDS = ("403", "429", "500", "502", "drop")


@dataclass
class Fault:
    kind: str
    count: int
    method: str | None = None
    chat_id: int | None = None
    retry_after: int = 1
    performed: bool = False

    def matches(self, method: str, chat_id: Any) -> bool:
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or self.chat_id == chat_id


class FaultSwitches:
    """Armed faults, consumed one call at a time in the order they were armed."""

    def __init__(self) -> None:
        self.armed: list[Fault] = []

    def arm(self, fault: Fault) -> None:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}")
        if fault.count > 0:
            self.armed.append(fault)

    def take(self, method: str, chat_id: Any) -> Fault | None:
        for fault in self.armed:
            if fault.matches(method, chat_id):
                fault.count -= 1
                if fault.count <= 0:
                    self.armed.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        self.armed.clear()
