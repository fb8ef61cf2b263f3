"""What happened to an aggregate, recorded by its own methods.

Storage takes the events when it saves the aggregate; after the use case the pipeline (or the
scheduler's job) publishes them: the scheduler wakes up when a due date may have moved, and
the marketplace's hook is told about refunds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class StatusChanged:
    """The order's status changed (a refund wait or the review's dates may move with it)."""

    order_id: int
    status: str
    at: datetime


@dataclass(frozen=True)
class ReviewScheduled:
    """A review request's note was set (to post now or on its date), or its dates moved on
    resuming after a dispute."""

    order_id: int


@dataclass(frozen=True)
class RefundBecameEligible:
    """The wait for a client who did not answer ran out."""

    order_id: int
    at: datetime


@dataclass(frozen=True)
class RefundDecided:
    """A moderator recorded the refund decision."""

    order_id: int
    by: int
    at: datetime


@dataclass(frozen=True)
class RefundWithdrawn:
    """The professional rectified the status: the order is no longer eligible."""

    order_id: int
    by: int
    at: datetime


DomainEvent = StatusChanged | ReviewScheduled | RefundBecameEligible | RefundDecided \
    | RefundWithdrawn


def moves_schedule(event: DomainEvent) -> bool:
    """Whether something the scheduler waits for may now be due at another time."""
    return isinstance(event, StatusChanged | ReviewScheduled)


class RecordsEvents:
    """Mixed into an aggregate: its methods `record` what happened, and storage takes the
    events (`pull_events`) when it saves the aggregate. Not a dataclass field, so equality,
    copies and the stored columns ignore them."""

    def record(self, event: DomainEvent) -> None:
        self.__dict__.setdefault("recorded_events", []).append(event)

    def pull_events(self) -> list[DomainEvent]:
        events: list[DomainEvent] = self.__dict__.pop("recorded_events", [])
        return events
