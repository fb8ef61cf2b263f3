"""Service events: a group upgraded to a supergroup, the bot added, removed or promoted."""

from __future__ import annotations

from bot.core.events import ChatEvent, Effect, EventKind
from bot.services import chats
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
    order = await chats.migrate(ctx.uow, old, new, ctx.now)
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
        await chats.bot_is_gone(ctx.uow, event.chat_id, event.chat_type == "private", status,
                                sorted(ctx.moderators), ctx.translations,
                                ctx.settings.default_language, ctx.now, event.user.name)
        return []
    back = await chats.bot_is_back(ctx.uow, event.chat_id, status == "administrator",
                                   ctx.bot_reads_all, ctx.now)
    if back is None:
        return []
    if back.was_active:
        return [await current_card(ctx, back.order)]
    # Re-added after a removal: the card is posted again.
    return [new_card(back.order, ctx.t_order(back.order)), await current_card(ctx, back.order)]
