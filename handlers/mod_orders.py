"""Looking into orders: /orders [status] (pages with ‹ ›), /order <id>, /disputes (each open
dispute with the buttons of the moderators' notice)."""

from __future__ import annotations

from bot.core.callback_data import Noop, OrdersPage
from bot.core.errors import BadCallback
from bot.core.events import Button, ChatEvent, EditMessage, Effect, Keyboard
from bot.domain.moderation import check_moderator
from bot.domain.order import Order, Status
from bot.i18n import Translator
from bot.services import history as order_history
from bot.services import listing
from handlers.context import Context
from handlers.disputes import resolve_menu
from handlers.labels import status_name
from handlers.mod_common import (
    STATUS_WORDS,
    BadArgs,
    fit,
    moderator_command,
    private,
    private_messages,
    reply,
    split_first,
    target,
)
from handlers.mod_history import order_details
from handlers.router import Router

PAGE_SIZE = 10
DISPUTES_SHOWN = 10  # one message each, with its buttons


def register(router: Router) -> None:
    moderator_command(router, "orders")(orders_command)
    moderator_command(router, "order")(order_command)
    moderator_command(router, "disputes")(disputes_command)
    router.tap(OrdersPage)(orders_page)


def _status(word: str) -> Status | None:
    return None if word == "all" else Status(word)


async def orders_command(event: ChatEvent, ctx: Context, t: Translator) -> list[Effect]:
    word, _ = split_first(event.args)
    word = (word or "all").lower().lstrip("#")
    if word not in STATUS_WORDS:
        raise BadArgs("bad_status", word)
    text, keyboard = await _page(ctx, t, word, 0)
    return private(event, t, text, keyboard)


async def orders_page(event: ChatEvent, ctx: Context, data: OrdersPage) -> list[Effect]:
    check_moderator(event.user.id, ctx.moderators)
    word = data.status_filter
    if word not in STATUS_WORDS:
        raise BadCallback("unknown status filter")
    text, keyboard = await _page(ctx, ctx.t_person(event), word, max(data.page, 0))
    return [EditMessage(event.chat_id, text, keyboard or None, message_id=event.message_id)]


async def _page(ctx: Context, t: Translator, word: str, number: int) -> tuple[str, Keyboard]:
    status = _status(word)
    page = await listing.orders_page(ctx.uow, status, number, PAGE_SIZE)
    total, number, last, orders = page.total, page.number, page.last, page.orders
    if status is None:
        title = t.ngettext("{n} order", "{n} orders", total).format(n=t.number(total))
    else:
        title = t.ngettext("{n} order with status {status}", "{n} orders with status {status}",
                           total).format(n=t.number(total), status=status_name(t, status))
    lines = [title]
    if total > PAGE_SIZE:
        lines[0] += " " + t._("(page {page} of {pages})").format(
            page=t.number(number + 1), pages=t.number(last + 1))
    lines += [_line(t, order) for order in orders]
    return fit("\n".join(lines)), _pager(t, word, number, last)


def _line(t: Translator, order: Order) -> str:
    client = order.client_name or t._("no client yet")
    return t._("{order} — {status} — {pro} / {client}").format(
        order=t.order_ref(order.id, order.title), status=status_name(t, order.status),
        pro=t.isolate(order.pro_name or t._("not yet known")), client=t.isolate(client))


def _pager(t: Translator, word: str, number: int, last: int) -> Keyboard:
    if last == 0:
        return ()
    row = []
    if number > 0:
        row.append(Button("‹", OrdersPage(word, number - 1).pack()))
    row.append(Button(t._("{page}/{pages}").format(page=t.number(number + 1),
                                                   pages=t.number(last + 1)), Noop().pack()))
    if number < last:
        row.append(Button("›", OrdersPage(word, number + 1).pack()))
    return (tuple(row),)


async def order_command(event: ChatEvent, ctx: Context, t: Translator) -> list[Effect]:
    order, _ = await target(event, ctx)
    text = order_details(order, await order_history.order_record(ctx.uow, order), t,
                         ctx.policy.quiet_hours)
    if event.chat_type != "private" and order.chat_id == event.chat_id:
        return [reply(event, text)]  # about this chat's own order: answered here
    return private(event, t, text)


async def disputes_command(event: ChatEvent, ctx: Context, t: Translator) -> list[Effect]:
    """A heading, then each open dispute (newest first) with the buttons that resolve it."""
    page = await listing.orders_page(ctx.uow, Status.DISPUTED, 0, DISPUTES_SHOWN)
    disputed, total = page.orders, page.total
    if not disputed:
        return private(event, t, t._("No open disputes."))
    heading = t.ngettext("{n} open dispute:", "{n} open disputes:", total).format(
        n=t.number(total))
    if total > len(disputed):
        heading += " " + t.ngettext(
            "the newest is below; /orders disputed lists them all.",
            "the {n} newest are below; /orders disputed lists them all.",
            len(disputed)).format(n=t.number(len(disputed)))
    messages: list[tuple[str, Keyboard | None]] = [(heading, None)]
    for order in disputed:
        messages.append((await _dispute_line(ctx, t, order), resolve_menu(order, t)))
    return private_messages(event, t, messages)


async def _dispute_line(ctx: Context, t: Translator, order: Order) -> str:
    opened = await order_history.dispute_opened(ctx.uow, order)
    since = t.datetime(opened.at, order.timezone, "short") if opened else "—"
    reason = opened.reason if opened and opened.reason else ""
    return t._("{order} — since {since}; {reason} — /order {id}").format(
        order=t.order_ref(order.id, order.title), since=since,
        reason=t.isolate(reason[:200]), id=order.id)
