"""Use cases of the rating: only the order's client rates, once per order, while the window
is open; later changes keep the history, one entry per edit session (see `Rating`)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.errors import AlreadyDone, Frozen, NotAllowed, NotFound, WindowClosed
from bot.domain.order import Order
from bot.domain.policy import Policy
from bot.domain.reviews import Rating, RatingEdit, RequestState, ReviewRequest, check_stars
from bot.storage.uow import UnitOfWork


async def request_and_order(uow: UnitOfWork, request_id: int,
                            chat_id: int) -> tuple[ReviewRequest, Order]:
    request = await uow.requests.get(request_id)
    if request is None:
        raise NotFound("no such request")
    order = await uow.orders.get(request.order_id)
    if order is None or order.chat_id != chat_id:
        raise NotAllowed("the button belongs to another chat")
    return request, order


async def rating_and_order(uow: UnitOfWork, rating_id: int, chat_id: int) -> tuple[Rating, Order]:
    """The rating a button points at, refused if the button is from another chat."""
    rating = await uow.ratings.get(rating_id)
    if rating is None:
        raise NotFound("no such rating")
    order = await uow.orders.get(rating.order_id)
    if order is None or order.chat_id != chat_id:
        raise NotAllowed("the button belongs to another chat")
    return rating, order


def check_can_reply(rating: Rating, order: Order, user_id: int) -> None:
    """Only the professional of that order, once, and not to a hidden review."""
    if user_id != order.pro_id or user_id != rating.pro_id:
        raise NotAllowed("only the professional replies")
    if rating.hidden:
        raise NotFound("the review is hidden")
    if rating.reply is not None:
        raise AlreadyDone("the professional already replied")


async def reply(uow: UnitOfWork, rating: Rating, order: Order, user_id: int, text: str,
                now: datetime, policy: Policy) -> Rating:
    check_can_reply(rating, order, user_id)
    rating.add_reply(user_id, text, now, policy)
    return await uow.ratings.save(rating)


def check_can_rate(order: Order, request: ReviewRequest, user_id: int, now: datetime,
                   policy: Policy) -> None:
    if user_id != order.client_id:
        raise NotAllowed("only the client rates")
    if order.reviews_frozen:
        raise Frozen("reviews are frozen", status=order.status)
    if request.state in (RequestState.CLOSED,) or not policy.rating_open(order.done_at or
                                                                          request.posted_at, now):
        raise WindowClosed("the rating window has closed")
    if request.state not in (RequestState.POSTED, RequestState.RATED):
        raise AlreadyDone("this request is no longer open")


async def rate(uow: UnitOfWork, request: ReviewRequest, order: Order, user_id: int, stars: int,
               now: datetime, policy: Policy) -> Rating:
    check_can_rate(order, request, user_id, now, policy)
    stars = check_stars(stars)
    rating = await uow.ratings.for_order(order.id or 0)
    if rating is None:
        rating = Rating(order_id=order.id or 0, client_id=user_id, pro_id=order.pro_id,
                        stars=stars, created_at=now, updated_at=now)
        await uow.ratings.add(rating)
    else:  # the stars tapped again: an edit session begins (see `Rating`)
        rating.reopen(user_id, now, await latest_edit(uow, rating))
        if rating.stars != stars:
            rating.change_stars(stars, user_id, now)
        await uow.ratings.save(rating)
    if request.state != RequestState.RATED:
        request.state, request.next_reminder_at = RequestState.RATED, None
        await uow.requests.save(request)
    return rating


async def rating_for(uow: UnitOfWork, order: Order, user_id: int, now: datetime,
                     policy: Policy, request: ReviewRequest) -> Rating:
    check_can_rate(order, request, user_id, now, policy)
    rating = await uow.ratings.for_order(order.id or 0)
    if rating is None:
        raise NotFound("no rating yet")
    return rating


async def latest_edit(uow: UnitOfWork, rating: Rating) -> RatingEdit | None:
    """The latest entry of the rating's history: where the edit session under way began."""
    history = await uow.ratings.history(rating.id or 0)
    return history[-1] if history else None


async def set_aspect(uow: UnitOfWork, rating: Rating, aspect: str, value: int | None,
                     user_id: int, now: datetime) -> Rating:
    rating.set_aspect(aspect, value, user_id, now, latest=await latest_edit(uow, rating))
    return await uow.ratings.save(rating)


async def set_comment(uow: UnitOfWork, rating: Rating, text: str | None, user_id: int,
                      now: datetime, policy: Policy) -> Rating:
    rating.set_comment(text, user_id, now, policy, latest=await latest_edit(uow, rating))
    return await uow.ratings.save(rating)
