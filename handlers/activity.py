"""What the bot sees people do in the order chat: the pro's last message (check-in window),
the client's last message (stops the refund wait). In privacy mode only commands, taps and
replies arrive, and they count instead."""

from __future__ import annotations

from bot.core.events import ChatEvent, Effect, EventKind
from bot.domain.activity import Seen
from bot.services.activity import record_activity
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
    stopped = await record_activity(ctx.uow, event.chat_id, event.thread_id, event.user.id,
                                    _seen(event), ctx.now)
    if stopped is None:
        return []
    t = ctx.t_order(stopped)
    text = t._("The client wrote: the refund wait of {order} is stopped.").format(
        order=t.order_ref(stopped.id, stopped.title))
    return [say(stopped, text), card(stopped, t)]


def _seen(event: ChatEvent) -> Seen:
    if event.kind != EventKind.CALLBACK:
        return Seen.MESSAGE
    if (event.callback_data or "").partition(":")[0] == CHECKIN_PREFIX:
        return Seen.CHECKIN_TAP
    return Seen.TAP
