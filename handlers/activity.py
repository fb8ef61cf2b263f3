"""What the bot sees people do in the order chat: the pro's last message (check-in window),
the client's last message (stops the refund wait). In privacy mode only commands, taps and
replies arrive, and they count instead."""

from __future__ import annotations

from bot.core.events import ChatEvent, Effect, EventKind
from bot.domain.order import Order, Role
from handlers.context import Context
from handlers.render import card, say
from handlers.router import Router

CHECKIN_PREFIX = "chk"


def register(router: Router) -> None:
    router.watchers.append(track_activity)


async def track_activity(event: ChatEvent, ctx: Context) -> list[Effect]:
    if event.chat_type == "private" or event.user.is_bot:
        return []
    if event.kind not in (EventKind.TEXT, EventKind.COMMAND, EventKind.CALLBACK):
        return []
    order = await ctx.uow.orders.by_chat(event.chat_id, event.thread_id)
    if order is None:
        return []
    role = order.role_of(event.user.id)
    if role == Role.PRO and _counts_for_pro(event, order):
        order.last_pro_message_at = ctx.now
    elif role == Role.CLIENT:
        order.last_client_message_at = ctx.now
        if order.refund_wait_started_at is not None and order.refund_eligible_at is None:
            return await _stop_refund_wait(ctx, order)
    else:
        return []
    ctx.uow.orders.touch(order)  # saved with the update's own change to the order, if any
    return []


def _counts_for_pro(event: ChatEvent, order: Order) -> bool:
    """The pro's messages always count. When the bot cannot read all messages its taps count
    too (the fallback), except the check-in tap itself: it asks whether the window is open."""
    if event.kind != EventKind.CALLBACK:
        return True
    if order.can_read_all:
        return False
    return (event.callback_data or "").partition(":")[0] != CHECKIN_PREFIX


async def _stop_refund_wait(ctx: Context, order: Order) -> list[Effect]:
    order.refund_wait_started_at = None
    await ctx.uow.orders.save(order)
    t = ctx.t_order(order)
    text = t._("The client wrote: the refund wait of {order} is stopped.").format(
        order=t.order_ref(order.id, order.title))
    return [say(order, text), card(order, t)]


