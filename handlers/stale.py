"""Old buttons outlive their moment: a refused tap also refreshes the tapped message, so the
chat shows what is true now."""

from __future__ import annotations

from bot.core.errors import Refused
from bot.core.events import ChatEvent, EditKeyboard, Effect, EventKind
from bot.domain.errors import NotAllowed
from bot.domain.reviews import RequestState
from bot.services import messages
from bot.services import orders as order_service
from handlers.context import Context
from handlers.keyboards import label_row
from handlers.labels import status_name
from handlers.orders import current_card
from handlers.render import rating_closed, rating_paused

# Refusals that say "this moment has passed", not "this is not yours".
STALE_CODES = frozenset({"already_done", "invalid_transition", "window_closed", "frozen",
                         "not_found", "conflict"})

# Refusals where the order's current status is the useful thing to say.
STATUS_CODES = frozenset({"already_done", "invalid_transition", "conflict"})


def is_stale(event: ChatEvent, error: Refused) -> bool:
    return (event.kind == EventKind.CALLBACK and event.message_id is not None
            and error.code in STALE_CODES and not isinstance(error, NotAllowed))


async def now_true(event: ChatEvent, ctx: Context) -> str | None:
    """A short line on the order's current state, for the alert."""
    order = await order_service.chat_order(ctx.uow, event.chat_id, event.thread_id)
    if order is None:
        return None
    t = ctx.t_person(event, order)
    return t._("The order is now: {status}.").format(status=status_name(t, order.status))


async def refresh_tapped(event: ChatEvent, ctx: Context) -> list[Effect]:
    message_id = event.message_id or 0
    tapped = await messages.tapped_message(ctx.uow, event.chat_id, event.thread_id, message_id)
    ref, order, request = tapped.ref, tapped.order, tapped.request
    if ref is not None and ref.kind == "card" and order is not None and order.id == ref.id:
        return [await current_card(ctx, order)]
    if ref is not None and ref.kind == "request" and order is not None:
        if request is None:
            return []
        t = ctx.t_order(order)
        if order.reviews_frozen:
            return rating_paused(order, request, t)
        if request.state == RequestState.CLOSED:
            return rating_closed(order, request, t)[:1]
        return []
    if ref is None and order is not None:
        # A panel whose question was answered or overtaken: keep the text, drop the buttons.
        t = ctx.t_order(order)
        return [EditKeyboard(event.chat_id, label_row(t._("No longer current")),
                             message_id=message_id)]
    return []
