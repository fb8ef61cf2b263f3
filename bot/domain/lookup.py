"""What a use case loaded must exist: a missing order, request or rating is refused here."""

from __future__ import annotations

from typing import TypeVar

from bot.domain.errors import NotFound

T = TypeVar("T")


def found(value: T | None, what: str, **context: object) -> T:
    """`value`, or NotFound naming `what` (an id the button or command gave, gone or forged)."""
    if value is None:
        raise NotFound(f"no such {what}", **context)
    return value
