"""Moderator actions: each changes the order through the domain and
leaves an audit entry with who, when, what and why. Refusals are returned as reason words
(checked before anything changes), so the handler can explain them to the moderator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.audit import AuditEntry
from bot.domain.order import Order, Role, Status
from bot.domain.policy import Policy
from bot.domain.reviews import Rating, RequestState, ReviewRequest
from bot.services import hooks
from bot.services.freeze import freeze_reviews
from bot.storage.uow import UnitOfWork

REMIND_GAP = timedelta(hours=24)  # at most one reminder a day, the automatic ones included
REASON_MAX = 500


async def audit(uow: UnitOfWork, now: datetime, actor: int, action: str,
                order_id: int | None, detail: str | None = None) -> None:
    await uow.audit.add(AuditEntry(now, actor, action, order_id, detail))


async def add_moderator(uow: UnitOfWork, user_id: int, by: int, now: datetime) -> bool:
    """False if they were already a moderator in the database."""
    added = await uow.moderators.add(user_id, by, now)
    if added:
        await audit(uow, now, by, "mod_added", None, str(user_id))
    return added


async def remove_moderator(uow: UnitOfWork, user_id: int, by: int, now: datetime) -> bool:
    removed = await uow.moderators.remove(user_id)
    if removed:
        await audit(uow, now, by, "mod_removed", None, str(user_id))
    return removed


@dataclass(frozen=True)
class Refusal:
    reason: str  # a word the handler turns into a localized explanation
    when: datetime | None = None


def last_contact(request: ReviewRequest, policy: Policy) -> datetime | None:
    """When the client was last asked: the request itself, or the latest reminder.

    Reminder k (1-based) falls at `policy.reminder_at(posted_at, k - 1)`: the scheduler and
    `remind` keep `posted_at` as the anchor of that schedule."""
    if request.posted_at is None:
        return None
    if request.reminders_sent == 0:
        return request.posted_at
    return policy.reminder_at(request.posted_at, request.reminders_sent - 1)


def remind_refusal(order: Order, request: ReviewRequest | None, now: datetime,
                   policy: Policy) -> Refusal | None:
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


async def remind(uow: UnitOfWork, order: Order, request: ReviewRequest, by: int, now: datetime,
                 policy: Policy) -> ReviewRequest:
    """Count a reminder sent now; the automatic cadence continues from it, a day later at
    the earliest."""
    closes = policy.rating_closes_at(order.done_at or now)
    request.posted_at = (request.posted_at or now) + (
        now - policy.reminder_at(request.posted_at or now, request.reminders_sent))
    request.record_reminder(policy, closes)
    if request.next_reminder_at is not None and request.next_reminder_at < now + REMIND_GAP:
        earliest = now + REMIND_GAP
        request.next_reminder_at = earliest if earliest < closes else None
    await uow.requests.save(request)
    await audit(uow, now, by, "reminder_sent", order.id,
                str(request.reminders_sent))
    return request


async def hide_review(uow: UnitOfWork, rating: Rating, by: int, reason: str,
                      now: datetime) -> Rating:
    rating.hide(by, reason)
    await uow.ratings.save(rating)
    await audit(uow, now, by, "review_hidden", rating.order_id, reason)
    return rating


async def restore_review(uow: UnitOfWork, rating: Rating, by: int, now: datetime) -> Rating:
    rating.restore()
    await uow.ratings.save(rating)
    await audit(uow, now, by, "review_restored", rating.order_id)
    return rating


async def cancel_order(uow: UnitOfWork, order: Order, by: int, reason: str,
                       now: datetime) -> ReviewRequest | None:
    """Cancel (the status change is recorded with its reason); the reviews stop."""
    was_posted = await uow.requests.active_for(order.id or 0)
    order.cancel(by, Role.MODERATOR, now, reason)
    await uow.orders.save(order)
    stopped = await freeze_reviews(uow, order, now, cancel=True)
    await audit(uow, now, by, "order_cancelled", order.id, reason)
    if stopped is not None and was_posted is not None and was_posted.posted_at is not None:
        return stopped
    return None


def refund_refusal(order: Order) -> Refusal | None:
    if order.refund_decided_at is not None:
        return Refusal("decided", order.refund_decided_at)
    if order.refund_eligible_at is None:
        waiting = order.status == Status.NOT_GOING_AHEAD and order.refund_wait_started_at
        return Refusal("waiting" if waiting else "not_eligible")
    return None


async def decide_refund(uow: UnitOfWork, order: Order, by: int, now: datetime) -> Order:
    order.refund_decided_at = now
    await uow.orders.save(order)
    await audit(uow, now, by, "refund_decided", order.id)
    await hooks.record(uow, order, hooks.REFUND_DECIDED, now, by)
    return order
