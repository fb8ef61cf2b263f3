"""Domain errors. Each adapter maps them, in one place, to a localized alert."""

from __future__ import annotations


class DomainError(Exception):
    """Base class; `code` picks the localized message."""

    code = "error"

    def __init__(self, detail: str = "", **context: object) -> None:
        super().__init__(detail or self.code)
        self.context = context


class NotAllowed(DomainError):
    code = "not_allowed"


class InvalidTransition(DomainError):
    code = "invalid_transition"


class WindowClosed(DomainError):
    code = "window_closed"


class AlreadyDone(DomainError):
    """A repeated action: a double tap, a second rating request, a used check-in."""

    code = "already_done"


class Exhausted(DomainError):
    code = "exhausted"


class InvalidInput(DomainError):
    code = "invalid_input"


class NotFound(DomainError):
    code = "not_found"


class Frozen(DomainError):
    """Reviews are frozen while a dispute is open or after a cancellation."""

    code = "frozen"


class Conflict(DomainError):
    """Someone else changed the row first (a concurrent or repeated tap)."""

    code = "conflict"
