"""What the outbox's store and its sender tell each other: a claimed row, the pace the claim
ranks chats by, what to do with a row, and how much is still open."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.events import (
    DeleteCommands,
    DeleteMessage,
    EditKeyboard,
    EditMessage,
    SendDocument,
    SendMessage,
    SetCommands,
)

QueuedEffect = (SendMessage | EditMessage | EditKeyboard | DeleteMessage | SendDocument
                | SetCommands | DeleteCommands)


@dataclass(frozen=True)
class Claimed:
    id: int
    chat_id: int
    kind: str
    payload: str
    ref_kind: str | None
    ref_id: int | None
    attempts: int
    created_at: datetime
    order_id: int | None = None  # the order the message is about (for the logs)
    backlog: int = 1  # the chat's open rows when claimed, this one included
    work_left: float = 0.0  # the least seconds the chat's limits allow for its backlog


@dataclass(frozen=True)
class Pace:
    """A chat's limits as the claim ranks chats by: `spacing` s between two messages, at most
    `group_limit` a `group_window` in a group (a negative chat id)."""

    spacing: float = 1.0
    group_limit: int = 20
    group_window: float = 60.0


@dataclass(frozen=True)
class Claim:
    """The rows claimed; and, when none came, which of the chats left out have a row
    waiting (their limits then say when to look again)."""

    rows: list[Claimed]
    held_back: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Verdict:
    """What to do with a claimed row: perform `effect`, give up, or put it back for `wait` s."""

    effect: QueuedEffect | None = None
    give_up: str | None = None
    wait: float | None = None
    reason: str = ""


@dataclass(frozen=True)
class Backlog:
    """The open rows: how many, when the next becomes claimable (a retry falls due or a lease
    runs out; the chats left out not counted), which of those chats have a row waiting, and
    when the oldest open row was queued."""

    count: int
    next_due: datetime | None
    held_back: set[int]
    oldest: datetime | None = None


@dataclass(frozen=True)
class Depth:
    """The gauges' view: how many rows are open and when the oldest was queued."""

    count: int
    oldest: datetime | None
