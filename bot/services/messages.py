"""Which of the bot's messages a tap came from (the card, a review request, a proposal...)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.events import Ref
from bot.domain.order import Order
from bot.domain.reviews import ReviewRequest
from bot.services.ports import UnitOfWork


async def tapped(uow: UnitOfWork, chat_id: int, message_id: int) -> Ref | None:
    return await uow.refs.lookup(chat_id, message_id)


@dataclass(frozen=True)
class TappedMessage:
    ref: Ref | None  # what the message shows; None for a panel that names nothing
    order: Order | None  # the chat's order
    request: ReviewRequest | None = None  # when the message is the order's review request


async def tapped_message(uow: UnitOfWork, chat_id: int, thread_id: int | None,
                         message_id: int) -> TappedMessage:
    ref = await tapped(uow, chat_id, message_id)
    order = await uow.orders.by_chat(chat_id, thread_id)
    if ref is not None and ref.kind == "request" and order is not None:
        return TappedMessage(ref, order, await uow.requests.get(ref.id))
    return TappedMessage(ref, order)
