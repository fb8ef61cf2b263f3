"""Domain errors. Each adapter maps them, in one place, to a localized alert."""

from __future__ import annotations

from bot.core.errors import Refused


class DomainError(Refused):
    """A rule of the domain refused the action; `code` picks the localized message."""

    code = "error"


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
