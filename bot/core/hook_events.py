"""What the hook's event store and its sender tell each other: an event to post, and what
became of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class HookEvent:
    id: int
    event_id: str
    event: str
    order_id: int
    payload: str
    created_at: datetime
    attempts: int


@dataclass(frozen=True)
class HookFate:
    """An event posted: delivered (forget it), to be retried at `retry_at` (with `error`),
    or neither: given up (kept, with `error`)."""

    id: int
    delivered: bool = False
    error: str = ""
    retry_at: datetime | None = None


@dataclass(frozen=True)
class HookBacklog:
    """When the next event is due (None: none waits) and how many are pending."""

    next_due: datetime | None
    pending: int
