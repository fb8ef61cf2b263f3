"""Recording what people do in an order's chat (see `bot.domain.activity`)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.activity import Noticed, Seen, notice
from bot.domain.order import Order
from bot.services.ports import UnitOfWork


async def record_activity(uow: UnitOfWork, chat_id: int, thread_id: int | None, user_id: int,
                          seen: Seen, now: datetime) -> Order | None:
    """The order whose refund wait this message stopped, if it did."""
    order = await uow.orders.by_chat(chat_id, thread_id)
    if order is None:
        return None
    noticed = notice(order, user_id, seen, now)
    if noticed == Noticed.REFUND_WAIT_STOPPED:
        await uow.orders.save(order)
        return order
    if noticed == Noticed.SEEN:
        uow.orders.touch(order)  # saved with the update's own change to the order, if any
    return None
