"""Why an update is refused, as the pipeline sees it: the domain's rules, a forged button, a
concurrent write. Each carries a `code` that `handlers.errors` turns into a localized answer."""

from __future__ import annotations


class Refused(Exception):
    """Base class; `code` picks the localized message, `context` its details."""

    code = "error"

    def __init__(self, detail: str = "", **context: object) -> None:
        super().__init__(detail or self.code)
        self.context = context


class BadCallback(Refused):
    """Callback data that no button of ours produces: unknown, malformed or forged."""

    code = "bad_callback"


class ConcurrentChange(Refused):
    """Another process saved the same row first; the update is run again on the new rows."""

    code = "conflict"
