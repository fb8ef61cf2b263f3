"""Use cases of the rating: only the order's client rates, once per order, while the window
is open; later changes keep the history, one entry per edit session (see `Rating`). The rules
are the request's and the rating's; these load, ask them and store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.events import Ref
from bot.domain.lookup import found
from bot.domain.order import Order
from bot.domain.policy import Policy
from bot.domain.ratings import Rating, RatingEdit
from bot.domain.reviews import ReviewRequest
from bot.services.orders import order_for_tap
from bot.services.ports import UnitOfWork


@dataclass(frozen=True)
class Rated:
    """A rating with the order and the request it belongs to."""

    order: Order
    request: ReviewRequest
    rating: Rating


@dataclass(frozen=True)
class StarsTapped(Rated):
    repeated: bool  # the same stars tapped again on the request: nothing changed
    on_change_row: bool  # tapped on a "Change my rating" row rather than on the request


@dataclass(frozen=True)
class Replied:
    order: Order
    rating: Rating
    review_shown: bool  # a message shows the review, to be edited with the reply


def review_ref(rating: Rating) -> Ref:
    """The latest message that shows the review (the thank-you), for the pro's reply."""
    return Ref("review", rating.id)


async def rate(uow: UnitOfWork, request_id: int, chat_id: int, message_id: int | None,
               user_id: int, stars: int, now: datetime, policy: Policy) -> StarsTapped:
    """The client's stars, tapped on the request or on a "Change my rating" row."""
    request, order = await _request_and_order(uow, request_id, chat_id)
    request.check_can_rate(order, user_id, now, policy)
    before = await uow.ratings.for_order(order.id)
    on_request = await uow.refs.lookup(chat_id, message_id or 0) == \
        Ref("request", request.id)
    if before is not None and on_request and before.stars == stars:
        return StarsTapped(order, request, before, repeated=True, on_change_row=False)
    if request.rate(order, user_id, stars, now, policy):
        # saved first: of two first taps at once, the second finds the request changed
        # (ConcurrentChange, run again: a second tap on the stars), not a duplicate rating
        await uow.requests.save(request)
    rating = await _give_stars(uow, order, before, user_id, stars, now)
    return StarsTapped(order, request, rating, repeated=False,
                       on_change_row=before is not None and not on_request)


async def _give_stars(uow: UnitOfWork, order: Order, rating: Rating | None, user_id: int,
                      stars: int, now: datetime) -> Rating:
    if rating is None:
        return await uow.ratings.add(Rating.first(order, user_id, stars, now))
    rating.rate_again(user_id, stars, now, await _latest_edit(uow, rating))
    return await uow.ratings.save(rating)


async def answer_aspect(uow: UnitOfWork, request_id: int, chat_id: int, user_id: int,
                        aspect: str, value: int, now: datetime, policy: Policy) -> Rated:
    """An aspect's stars; 0 (Skip) leaves it as it is: unrated, or its value before an edit."""
    rated = await _rated(uow, request_id, chat_id, user_id, now, policy)
    if value:
        rating = rated.rating
        rating.set_aspect(aspect, value, user_id, now, latest=await _latest_edit(uow, rating))
        await uow.ratings.save(rating)
    return rated


async def choose_comment(uow: UnitOfWork, request_id: int, chat_id: int,
                         message_id: int | None, user_id: int, skip: bool, now: datetime,
                         policy: Policy) -> Rated:
    """Write a comment or skip it; a skip leaves the tapped message showing the review."""
    rated = await _rated(uow, request_id, chat_id, user_id, now, policy)
    if skip and message_id is not None:  # the pro's reply will be shown on this message
        await uow.refs.record(chat_id, message_id, review_ref(rated.rating), now)
    return rated


async def comment(uow: UnitOfWork, rating_id: int, order_id: int, user_id: int,
                  text: str | None, now: datetime, policy: Policy) -> Rated | None:
    """The client's comment, a reply to the bot's question; None if the rating is gone."""
    rating = await uow.ratings.get(rating_id)
    order = await uow.orders.with_review(order_id)
    request = await uow.requests.latest_for(order_id)
    if rating is None or order is None or request is None:
        return None
    rated = await _checked_rating(uow, request, order, user_id, now, policy)
    rating = rated.rating
    rating.set_comment(text, user_id, now, policy, latest=await _latest_edit(uow, rating))
    await uow.ratings.save(rating)
    return rated


async def to_change(uow: UnitOfWork, rating_id: int, chat_id: int, user_id: int,
                    now: datetime, policy: Policy) -> Rated:
    """The "Change my rating" button: the rating and its request, if the client may still
    rate."""
    rating, order = await _rating_and_order(uow, rating_id, chat_id)
    request = found(await uow.requests.latest_for(order.id), "review request",
                    order_id=order.id)
    request.check_can_rate(order, user_id, now, policy)
    return Rated(order, request, rating)


async def to_reply(uow: UnitOfWork, rating_id: int, chat_id: int, message_id: int | None,
                   user_id: int, now: datetime) -> tuple[Rating, Order]:
    """The pro's Reply button: refused unless they may reply; the tapped message shows the
    review (it is edited once the reply arrives)."""
    rating, order = await _rating_and_order(uow, rating_id, chat_id)
    rating.check_can_reply(user_id, order)
    if message_id is not None:
        await uow.refs.record(chat_id, message_id, review_ref(rating), now)
    return rating, order


async def reply(uow: UnitOfWork, rating_id: int, order_id: int, user_id: int, text: str,
                now: datetime, policy: Policy) -> Replied:
    """The pro's one reply to the review."""
    rating = found(await uow.ratings.get(rating_id), "rating", rating_id=rating_id)
    order = found(await uow.orders.get(order_id), "order", order_id=order_id)
    rating.add_reply(user_id, text, now, policy, order)
    await uow.ratings.save(rating)
    shown = await uow.refs.latest(review_ref(rating)) is not None
    return Replied(order, rating, shown)


async def _request_and_order(uow: UnitOfWork, request_id: int,
                             chat_id: int) -> tuple[ReviewRequest, Order]:
    request = found(await uow.requests.get(request_id), "request", request_id=request_id)
    return request, await order_for_tap(uow, request.order_id, chat_id)


async def _rating_and_order(uow: UnitOfWork, rating_id: int,
                            chat_id: int) -> tuple[Rating, Order]:
    """The rating a button points at, refused if the button is from another chat."""
    rating = found(await uow.ratings.get(rating_id), "rating", rating_id=rating_id)
    return rating, await order_for_tap(uow, rating.order_id, chat_id)


async def _rated(uow: UnitOfWork, request_id: int, chat_id: int, user_id: int, now: datetime,
                 policy: Policy) -> Rated:
    request, order = await _request_and_order(uow, request_id, chat_id)
    return await _checked_rating(uow, request, order, user_id, now, policy)


async def _checked_rating(uow: UnitOfWork, request: ReviewRequest, order: Order, user_id: int,
                          now: datetime, policy: Policy) -> Rated:
    """The order's rating, for its client while they may still rate."""
    request.check_can_rate(order, user_id, now, policy)
    rating = found(await uow.ratings.for_order(order.id), "rating", order_id=order.id)
    return Rated(order, request, rating)


async def _latest_edit(uow: UnitOfWork, rating: Rating) -> RatingEdit | None:
    """The latest entry of the rating's history: where the edit session under way began."""
    history = await uow.ratings.history(rating.id)
    return history[-1] if history else None
