"""Setting up the order: the included revisions and the first delivery date.

Later changes to the delivery date go through a proposal that the client accepts.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from babel.dates import parse_date

from bot.core.events import ChatEvent, Effect, SendMessage
from bot.domain.errors import InvalidInput
from bot.domain.order import Order, Role
from bot.domain.text import whole_number
from bot.i18n import Translator
from bot.services import orders as order_service
from handlers.context import Context
from handlers.orders import current_card
from handlers.router import Router

DATE_MAX = 40  # longer than any way of writing a date


def register(router: Router) -> None:
    router.command("revisions")(set_revisions)
    router.command("delivery")(set_delivery_date)


def _reply(event: ChatEvent, text: str) -> SendMessage:
    return SendMessage(event.chat_id, text, reply_to_message_id=event.message_id,
                       thread_id=event.thread_id)


async def _pro_order(event: ChatEvent, ctx: Context) -> tuple[Order, Role]:
    return await order_service.chat_order_to_manage(ctx.uow, event.chat_id, event.thread_id,
                                                    event.user.id,
                                                    ctx.is_moderator(event.user.id))


async def set_revisions(event: ChatEvent, ctx: Context) -> list[Effect]:
    """/revisions <n>: how many revisions the order includes."""
    order, _role = await _pro_order(event, ctx)
    t = ctx.t_person(event, order)
    value = whole_number(event.args)
    if value is None:
        return [_reply(event, t._("Usage: /revisions <number of included revisions>"))]
    try:
        await order_service.set_revisions(ctx.uow, order, value)
    except InvalidInput:
        return [_reply(event, t._("Choose a number from {low} to 20.").format(
            low=t.number(order.revisions_used)))]
    t_chat = ctx.t_order(order)
    text = t_chat.ngettext("This order includes {n} revision.",
                           "This order includes {n} revisions.",
                           order.included_revisions).format(
        n=t_chat.number(order.included_revisions))
    return [_reply(event, text), await current_card(ctx, order)]


async def set_delivery_date(event: ChatEvent, ctx: Context) -> list[Effect]:
    """/delivery <date>: the first delivery date; later ones are proposed to the client."""
    order, _role = await _pro_order(event, ctx)
    t = ctx.t_person(event, order)
    if order.delivery_date is not None:
        return [_reply(event, t._("The delivery date is already set. Use \"New delivery date\" "
                                  "on the card: the client accepts or refuses it."))]
    day = parse_day(event.args.strip(), t)
    if day is None:
        return [_reply(event, t._("Usage: /delivery <date>, for example /delivery {example}")
                       .format(example=t.date(_today(ctx, order), "short")))]
    await order_service.set_first_delivery_date(ctx.uow, order, day, _today(ctx, order))
    t_chat = ctx.t_order(order)
    text = t_chat._("Delivery date: {date}").format(date=t_chat.date(day))
    return [_reply(event, text), await current_card(ctx, order)]


def _today(ctx: Context, order: Order) -> date:
    return ctx.now.astimezone(ZoneInfo(order.timezone)).date()


def parse_day(text: str, t: Translator) -> date | None:
    """ISO (2027-03-12) or the person's own short format (12/3/2027 in Spanish); None for
    anything else, a number too big for a date (babel raises OverflowError) included."""
    if not text or len(text) > DATE_MAX or not _ascii_digits(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parse_date(text, locale=t.locale)
    except (ValueError, IndexError, OverflowError):
        return None


def _ascii_digits(text: str) -> bool:
    """Digits only as 0-9, like /revisions' number: others would read as a different day."""
    return all(char.isascii() for char in text if char.isdigit())
