"""Reviews stop while a dispute is open or after a cancellation, and resume from that moment
when the order is done: at the end of the dispute, or later if the dispute ended with the work
back in progress."""

from __future__ import annotations

from datetime import datetime

from bot.domain.order import Order
from bot.domain.reviews import RequestState, ReviewRequest
from bot.services.ports import UnitOfWork


async def freeze_reviews(uow: UnitOfWork, order: Order, now: datetime,
                         cancel: bool = False) -> ReviewRequest | None:
    """Pause (dispute) or end (cancellation) the order's active review request."""
    request = await uow.requests.active_for(order.id)
    if request is None:
        return None
    if cancel:
        request.state = RequestState.CANCELLED
        request.next_reminder_at = None
    else:
        request.freeze(now)
    return await uow.requests.save(request)


async def resume_reviews(uow: UnitOfWork, order: Order, now: datetime) -> ReviewRequest | None:
    """The frozen request continues from `now` (returned); None if nothing was frozen."""
    request = await uow.requests.active_for(order.id)
    if request is None or request.frozen_at is None:
        return None
    request.resume(now)
    return await uow.requests.save(request)
