"""Moderator actions: each changes the order through the domain and leaves an audit entry
with who, when, what and why. An action with nothing to act on returns the domain's refusal
(decided before anything changes), which the handler explains to the moderator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.audit import AuditEntry
from bot.domain.moderation import (
    REMIND_GAP,
    Refusal,
    cancel_refusal,
    hide_refusal,
    refund_refusal,
    remind_refusal,
    restore_refusal,
)
from bot.domain.order import Order, Role
from bot.domain.policy import Policy
from bot.domain.reviews import Rating, ReviewRequest
from bot.services.freeze import freeze_reviews
from bot.services.orders import get_order
from bot.services.ports import UnitOfWork


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
class Reminded:
    request: ReviewRequest | None
    refusal: Refusal | None  # None: the reminder was sent


async def remind_client(uow: UnitOfWork, order: Order, by: int, now: datetime,
                        policy: Policy) -> Reminded:
    request = await uow.requests.latest_for(order.id)
    refusal = remind_refusal(order, request, now, policy)
    if refusal is not None or request is None:
        return Reminded(request, refusal or Refusal("no_request"))
    await remind(uow, order, request, by, now, policy)
    return Reminded(request, None)


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


async def hide_order_review(uow: UnitOfWork, order: Order, by: int, reason: str,
                            now: datetime) -> Refusal | None:
    rating = await uow.ratings.for_order(order.id)
    refusal = hide_refusal(rating)
    if refusal is None and rating is not None:
        await hide_review(uow, rating, by, reason, now)
    return refusal


async def hide_review(uow: UnitOfWork, rating: Rating, by: int, reason: str,
                      now: datetime) -> Rating:
    rating.hide(by, reason)
    await uow.ratings.save(rating)
    await audit(uow, now, by, "review_hidden", rating.order_id, reason)
    return rating


async def restore_order_review(uow: UnitOfWork, order: Order, by: int,
                               now: datetime) -> Refusal | None:
    rating = await uow.ratings.for_order(order.id)
    refusal = restore_refusal(rating)
    if refusal is None and rating is not None:
        rating.restore()
        await uow.ratings.save(rating)
        await audit(uow, now, by, "review_restored", rating.order_id)
    return refusal


@dataclass(frozen=True)
class Cancelled:
    refusal: Refusal | None  # None: the order is cancelled now
    stopped: ReviewRequest | None = None  # a posted review request that ends with it


async def cancel_order(uow: UnitOfWork, order: Order, by: int, reason: str,
                       now: datetime) -> Cancelled:
    """Cancel (the status change is recorded with its reason); the reviews stop."""
    refusal = cancel_refusal(order)
    if refusal is not None:
        return Cancelled(refusal)
    was_posted = await uow.requests.active_for(order.id)
    order.cancel(by, Role.MODERATOR, now, reason)
    await uow.orders.save(order)
    stopped = await freeze_reviews(uow, order, now, cancel=True)
    await audit(uow, now, by, "order_cancelled", order.id, reason)
    if stopped is not None and was_posted is not None and was_posted.posted_at is not None:
        return Cancelled(None, stopped)
    return Cancelled(None)


async def record_refund(uow: UnitOfWork, order: Order, by: int, now: datetime) -> Refusal | None:
    refusal = refund_refusal(order)
    if refusal is not None:
        return refusal
    order.decide_refund(by, now)
    await uow.orders.save(order)
    await audit(uow, now, by, "refund_decided", order.id)
    return None


async def record_refund_of(uow: UnitOfWork, order_id: int, by: int,
                           now: datetime) -> tuple[Order, Refusal | None]:
    """The refund button in a moderator's notice: the same as /refund <id>."""
    order = await get_order(uow, order_id)
    return order, await record_refund(uow, order, by, now)
