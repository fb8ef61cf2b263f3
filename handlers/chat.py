"""Service events: a group upgraded to a supergroup, the bot added, removed or promoted
(PRODUCT.md section 9)."""

from __future__ import annotations

from bot.delivery.chat_events import lose_chat, migrate_chat
from bot.services import notices
from handlers.context import Context
from handlers.events import ChatEvent, Effect, EventKind
from handlers.orders import current_card
from handlers.render import new_card
from handlers.router import Router


def register(router: Router) -> None:
    router.on(EventKind.MIGRATED)(migrated)
    router.on(EventKind.BOT_STATUS)(bot_status)


async def migrated(event: ChatEvent, ctx: Context) -> list[Effect]:
    """Both service messages (old chat: migrate_to; new chat: migrate_from) do it once."""
    if event.migrate_to_chat_id is not None:
        old, new = event.chat_id, event.migrate_to_chat_id
    elif event.migrate_from_chat_id is not None:
        old, new = event.migrate_from_chat_id, event.chat_id
    else:
        return []
    await migrate_chat(ctx.uow, old, new, ctx.now)
    order = await ctx.uow.orders.by_chat(new)
    if event.migrate_from_chat_id is None or order is None:
        return []
    # The old group's messages cannot be edited any more: the card is posted again, once (the
    # new chat's service message), then filled in (request, rating) like every edit.
    return [new_card(order, ctx.t_order(order)), await current_card(ctx, order)]


async def bot_status(event: ChatEvent, ctx: Context) -> list[Effect]:
    status = event.bot_status or ""
    if status in ("left", "kicked"):
        await _lost(event, ctx, status)
        return []
    await ctx.uow.chats.set_admin(event.chat_id, status == "administrator", ctx.now)
    order = await ctx.uow.orders.by_chat(event.chat_id)
    if order is None:
        return []
    reads_all = ctx.bot_reads_all or status == "administrator"
    was_active = order.chat_active
    order.chat_active, order.can_read_all = True, reads_all
    await ctx.uow.orders.save(order)
    if was_active:
        return [await current_card(ctx, order)]
    # Re-added after a removal: deliveries resume and the card is posted again.
    await ctx.uow.chats.set_active(event.chat_id, True, None, ctx.now)
    return [new_card(order, ctx.t_order(order)), await current_card(ctx, order)]


async def _lost(event: ChatEvent, ctx: Context, status: str) -> None:
    order = await ctx.uow.orders.by_chat(event.chat_id)
    first_time = await lose_chat(ctx.uow, event.chat_id, f"bot {status}", ctx.now)
    if order is None or not first_time:
        return
    await notices.chat_lost(ctx.uow, order, sorted(ctx.moderators), ctx.translations,
                            ctx.settings.default_language, ctx.now)
