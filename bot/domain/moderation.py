"""What moderators may do, and when an action of theirs has nothing to act on. A refusal here
is a reason word (decided before anything changes) that the moderator is told in words."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.errors import NotAllowed
from bot.domain.order import Order, Status
from bot.domain.policy import Policy
from bot.domain.reviews import Rating, RequestState, ReviewRequest

REMIND_GAP = timedelta(hours=24)  # at most one reminder a day, the automatic ones included
REASON_MAX = 500


def may_moderate(user_id: int, moderators: Collection[int]) -> bool:
    return user_id in moderators


def check_moderator(user_id: int, moderators: Collection[int]) -> None:
    if not may_moderate(user_id, moderators):
        raise NotAllowed("moderators only")


@dataclass(frozen=True)
class Refusal:
    reason: str  # a word the handler turns into a localized explanation
    when: datetime | None = None


def last_contact(request: ReviewRequest, policy: Policy) -> datetime | None:
    """When the client was last asked: the request itself, or the latest reminder.

    Reminder k (1-based) falls at `policy.reminder_at(posted_at, k - 1)`: the scheduler and
    a moderator's reminder keep `posted_at` as the anchor of that schedule."""
    if request.posted_at is None:
        return None
    if request.reminders_sent == 0:
        return request.posted_at
    return policy.reminder_at(request.posted_at, request.reminders_sent - 1)


def remind_refusal(order: Order, request: ReviewRequest | None, now: datetime,
                   policy: Policy) -> Refusal | None:
    """A reminder now keeps the rules against nagging: a posted request, not rated, the window
    open, the client not asked in the last day."""
    if order.reviews_frozen or (request is not None and request.frozen_at is not None):
        return Refusal("frozen")
    if request is None or request.state in (RequestState.DRAFT, RequestState.SCHEDULED,
                                            RequestState.CANCELLED):
        return Refusal("no_request")
    if request.state == RequestState.RATED:
        return Refusal("rated")
    if request.state == RequestState.CLOSED or not policy.rating_open(order.done_at, now):
        return Refusal("closed")
    last = last_contact(request, policy)
    if last is not None and now < last + REMIND_GAP:
        return Refusal("too_soon", last + REMIND_GAP)
    return None


def refund_refusal(order: Order) -> Refusal | None:
    """Only an order whose client did not answer in the wait, and only once."""
    if order.refund_decided_at is not None:
        return Refusal("decided", order.refund_decided_at)
    if order.refund_eligible_at is None:
        waiting = order.status == Status.NOT_GOING_AHEAD and order.refund_wait_started_at
        return Refusal("waiting" if waiting else "not_eligible")
    return None


def cancel_refusal(order: Order) -> Refusal | None:
    return Refusal("cancelled") if order.status == Status.CANCELLED else None


def hide_refusal(rating: Rating | None) -> Refusal | None:
    if rating is None:
        return Refusal("no_review")
    return Refusal("hidden") if rating.hidden else None


def restore_refusal(rating: Rating | None) -> Refusal | None:
    if rating is None:
        return Refusal("no_review")
    return None if rating.hidden else Refusal("not_hidden")
