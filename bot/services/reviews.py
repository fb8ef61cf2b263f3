"""Use cases of the review request: when to ask (now, on a date, later), the note, posting it.
The rules are the request's (`bot.domain.reviews`); these load, ask it and store."""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.note_check import NoteChecker
from bot.domain.order import Order, Role
from bot.domain.policy import Policy
from bot.domain.reviews import (
    RequestMode,
    ReviewRequest,
    check_asker,
    check_not_rated,
    waiting_for_note,
)
from bot.services.orders import order_for_tap
from bot.services.ports import UnitOfWork


async def order_for_asker(uow: UnitOfWork, order_id: int, chat_id: int, user_id: int,
                          moderator: bool) -> tuple[Order, Role]:
    """The order a review-request button names, for the one who may ask for the review."""
    order = await order_for_tap(uow, order_id, chat_id)
    role = order.role_of(user_id, moderator=moderator)
    check_asker(role)
    return order, role


async def start_request(uow: UnitOfWork, order_id: int, chat_id: int, user_id: int,
                        moderator: bool, mode: RequestMode, now: datetime,
                        policy: Policy) -> tuple[Order, ReviewRequest | None]:
    """The pro's answer to "when should we ask for the review?"; a repeat is refused. The
    request is None for "later"."""
    order, role = await order_for_asker(uow, order_id, chat_id, user_id, moderator)
    current = await uow.requests.active_for(order.id)
    rating = await uow.ratings.for_order(order.id)
    request = ReviewRequest.start(order, role, user_id, mode, current, rating, now, policy)
    if request is None:
        if current is not None:  # the draft was cancelled
            await uow.requests.save(current)
        return order, None
    if request is current:
        return order, await uow.requests.save(request)
    return order, await uow.requests.add(request)


async def calendar_for(uow: UnitOfWork, order_id: int, chat_id: int, user_id: int,
                       moderator: bool) -> Order:
    """The order whose review day is being chosen, while it is not rated."""
    order, _role = await order_for_asker(uow, order_id, chat_id, user_id, moderator)
    check_not_rated(await uow.ratings.for_order(order.id))
    return order


async def draft_for(uow: UnitOfWork, order: Order) -> ReviewRequest:
    """The order's request that waits for the pro's note (none once the order is rated)."""
    return waiting_for_note(await uow.requests.active_for(order.id),
                            await uow.ratings.for_order(order.id))


async def draft_to_note(uow: UnitOfWork, order_id: int, chat_id: int, user_id: int,
                        moderator: bool) -> tuple[Order, ReviewRequest]:
    """A note button: the order and its draft, for the one who may ask for the review."""
    order, _role = await order_for_asker(uow, order_id, chat_id, user_id, moderator)
    return order, await draft_for(uow, order)


async def choose_day(uow: UnitOfWork, order_id: int, chat_id: int, user_id: int,
                     moderator: bool, day: date, now: datetime,
                     policy: Policy) -> tuple[Order, ReviewRequest]:
    """The day the note is posted (see `ReviewRequest.choose_day`)."""
    order, request = await draft_to_note(uow, order_id, chat_id, user_id, moderator)
    request.choose_day(day, order, now, policy)
    return order, await uow.requests.save(request)


async def accept_note(uow: UnitOfWork, order: Order, request: ReviewRequest, note: str,
                      now: datetime, policy: Policy, checker: NoteChecker) -> bool:
    """Store the checked note; post now (True) or keep it scheduled for its date (False)."""
    posted = request.accept_note(order, note, now, policy, checker)
    await uow.requests.save(request)
    return posted
