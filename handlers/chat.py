"""Service events: a group upgraded to a supergroup, the bot added, removed or promoted
(PRODUCT.md section 9)."""

from __future__ import annotations

from bot.core.events import ChatEvent, Effect, EventKind
from bot.services import notices
from bot.services.blocked import BLOCKED_REASON, person_blocked
from bot.services.chats import chat_lost, chat_migrated
from handlers.context import Context
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
    await chat_migrated(ctx.uow, old, new, ctx.now)
    order = await ctx.uow.orders.by_chat(new)
    if event.migrate_from_chat_id is None or order is None:
        return []
    # The old group's messages cannot be edited any more: the card is posted again, once (the
    # new chat's service message), then filled in (request, rating) like every edit.
    return [new_card(order, ctx.t_order(order)), await current_card(ctx, order)]


async def bot_status(event: ChatEvent, ctx: Context) -> list[Effect]:
    """The bot's own status changed: removed or blocked (deliveries stop), added, promoted or
    unblocked (deliveries resume; an order's card is posted again)."""
    status = event.bot_status or ""
    if status in ("left", "kicked"):
        await _lost(event, ctx, status)
        return []
    await ctx.uow.chats.set_admin(event.chat_id, status == "administrator", ctx.now)
    await ctx.uow.chats.resume(event.chat_id, ctx.now)
    order = await ctx.uow.orders.by_chat(event.chat_id)
    if order is None:
        return []
    reads_all = ctx.bot_reads_all or status == "administrator"
    was_active = order.chat_active
    order.chat_active, order.can_read_all = True, reads_all
    await ctx.uow.orders.save(order)
    if was_active:
        return [await current_card(ctx, order)]
    # Re-added after a removal: the card is posted again.
    return [new_card(order, ctx.t_order(order)), await current_card(ctx, order)]


async def _lost(event: ChatEvent, ctx: Context, status: str) -> None:
    """Deliveries to the chat stop with a reason; moderators are told the first time."""
    private = event.chat_type == "private"
    reason = BLOCKED_REASON if private else f"bot {status}"
    if not await chat_lost(ctx.uow, event.chat_id, reason, ctx.now):
        return
    if private:  # the person blocked the bot: no order lives in a private chat
        await person_blocked(ctx.uow, event.chat_id, sorted(ctx.moderators), ctx.translations,
                             ctx.settings.default_language, ctx.now, event.user.name)
        return
    order = await ctx.uow.orders.by_chat(event.chat_id)
    if order is not None:
        await notices.chat_lost(ctx.uow, order, sorted(ctx.moderators), ctx.translations,
                                ctx.settings.default_language, ctx.now)
