"""What moderators read about one order: its status changes, its audit trail, its review,
and the names of the people in them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.audit import AuditEntry
from bot.domain.order import Order, Status, StatusChange
from bot.domain.reviews import Rating, RatingEdit, ReviewRequest
from bot.domain.revisions import Revision
from bot.services.ports import UnitOfWork


@dataclass(frozen=True)
class StatusHistory:
    changes: list[StatusChange]
    names: dict[int, str]  # who made each change; the order's own people by their names here


async def status_history(uow: UnitOfWork, order: Order) -> StatusHistory:
    changes = await uow.orders.history(order.id)
    names = await uow.people.names(sorted({c.by_user_id for c in changes}))
    names[order.pro_id] = order.pro_name
    if order.client_id is not None:
        names[order.client_id] = order.client_name
    return StatusHistory(changes, names)


async def dispute_opened(uow: UnitOfWork, order: Order) -> StatusChange | None:
    """The change that opened the order's latest dispute."""
    opened = [c for c in await uow.orders.history(order.id)
              if c.to_status == Status.DISPUTED]
    return opened[-1] if opened else None


@dataclass(frozen=True)
class OrderRecord:
    """Everything /order <id> shows."""

    request: ReviewRequest | None
    rating: Rating | None
    changes: list[StatusChange]
    entries: list[AuditEntry]
    revisions: list[Revision]
    edits: list[RatingEdit]  # the rating as it was before each change
    names: dict[int, str]


async def order_record(uow: UnitOfWork, order: Order) -> OrderRecord:
    oid = order.id
    request = await uow.requests.latest_for(oid)
    rating = await uow.ratings.for_order(oid)
    changes = await uow.orders.history(oid)
    entries = await uow.audit.for_order(oid)
    revisions = await uow.revisions.for_order(oid)
    edits = await uow.ratings.history(rating.id) if rating else []
    ids = {order.pro_id, *(c.by_user_id for c in changes), *(e.actor_id for e in entries)}
    names = await uow.people.names(sorted(ids | ({order.client_id} if order.client_id else set())))
    return OrderRecord(request, rating, changes, entries, revisions, edits, names)
