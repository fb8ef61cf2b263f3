"""What the demo's story stored, read back to check each step (the order, its review request,
the rating)."""

from __future__ import annotations

from typing import Any

from bot.domain.order import Order
from bot.domain.reviews import Rating, ReviewRequest


async def order_in(app: Any, chat_id: int) -> Order | None:
    async with app.uow_factory() as uow:
        order: Order | None = await uow.orders.by_chat(chat_id)
        return order


async def request_of(app: Any, order_id: int) -> ReviewRequest | None:
    async with app.uow_factory() as uow:
        request: ReviewRequest | None = await uow.requests.latest_for(order_id)
        return request


async def rating_of(app: Any, order_id: int) -> Rating | None:
    async with app.uow_factory() as uow:
        rating: Rating | None = await uow.ratings.for_order(order_id)
        return rating


async def ratings_of_pro(app: Any, pro_id: int) -> list[Rating]:
    async with app.uow_factory() as uow:
        return list(await uow.ratings.for_pro(pro_id))
