"""What happens to an update the bot fails to handle.

A fault of the database is not the update's doing: the update waits, retried with a capped
exponential backoff, and nothing after it is taken meanwhile. An update that fails on its own
(a bug it hits) is retried `RETRIES` times, then parked, so that it blocks nothing; its chat
is told, and the moderators at most once an hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

RETRIES = 3
TELL_MODERATORS_EVERY = timedelta(hours=1)
FIRST_BACKOFF_S = 0.5


def backoff_seconds(faults: int, cap_s: float) -> float:
    """The wait before the next try after `faults` database faults in a row (1, 2, ...)."""
    return float(min(cap_s, FIRST_BACKOFF_S * 2 ** max(0, faults - 1)))


def to_park(failures: int) -> bool:
    """After this many failures of its own, an update is parked instead of tried again."""
    return failures > RETRIES


def tell_moderators(last_told: datetime | None, now: datetime) -> bool:
    return last_told is None or now - last_told >= TELL_MODERATORS_EVERY


@dataclass(frozen=True, slots=True)
class ParkedUpdate:
    update_id: int
    chat_id: int | None
    received_at: datetime
    parked_at: datetime | None
    attempts: int
    error: str
    event: str | None  # the update as the core saw it (JSON), to run it again
