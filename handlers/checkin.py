"""The pro's one check-in: from 24 h to 7 days after their last message, only if the client
has neither rated nor answered; it must not ask for a rating."""

from __future__ import annotations

from datetime import datetime

from bot.core.callback_data import SendCheckin
from bot.core.events import AnswerCallback, ChatEvent, Effect, SendMessage
from bot.domain.checkin import CheckinBlock, last_pro_message
from bot.domain.notes import NoteRefused
from bot.domain.order import Order
from bot.domain.prompts import Prompt, PromptStep
from bot.i18n import Translator
from bot.services import orders as order_service
from bot.services import work
from handlers.context import Context
from handlers.labels import status_name
from handlers.orders import current_card
from handlers.prompts import ask, close, not_yours
from handlers.render import say
from handlers.review_request import refusal_text
from handlers.router import Router


def register(router: Router) -> None:
    router.tap(SendCheckin)(ask_checkin)
    router.prompt(PromptStep.CHECKIN)(checkin_reply)


def block_text(t: Translator, ctx: Context, order: Order, block: CheckinBlock,
               closes: datetime | None = None) -> str:
    last = last_pro_message(order)
    if block == CheckinBlock.NOT_YET:
        hours = int(ctx.policy.checkin_min.total_seconds() // 3600)
        return t.ngettext(
            "The check-in opens on {when}, {n} hour after your last message.",
            "The check-in opens on {when}, {n} hours after your last message.", hours).format(
            when=t.datetime(ctx.policy.checkin_opens_at(last), order.timezone, "short"),
            n=t.number(hours))
    if block == CheckinBlock.CLOSED:
        return t._("The check-in window has closed: it was open until {when}.").format(
            when=t.datetime(closes or ctx.policy.checkin_closes_at(last), order.timezone,
                            "short"))
    if block == CheckinBlock.USED:
        return t._("You already sent your check-in for this order, on {when}: there is only "
                   "one.").format(when=t.datetime(order.checkin_used_at or ctx.now,
                                                  order.timezone, "short"))
    texts = {
        CheckinBlock.RATED: t._("The client has already rated: no check-in is needed."),
        CheckinBlock.ANSWERED: t._("The client has written since your last message: answer "
                                   "them directly, no check-in is needed."),
        CheckinBlock.STAGE: t._("A check-in is possible only while the order is in progress or "
                                "done; it is now: {status}.").format(
            status=status_name(t, order.status)),
    }
    return texts[block]


async def ask_checkin(event: ChatEvent, ctx: Context, data: SendCheckin) -> list[Effect]:
    started = await work.start_checkin(ctx.uow, data.order_id, event.chat_id, event.user.id,
                                       ctx.now, ctx.policy)
    order = started.order
    if started.block is not None:  # the card is redrawn too, as it is now
        text = block_text(ctx.t_person(event, order), ctx, order, started.block)
        return [AnswerCallback(event.callback_id or "", text, True),
                await current_card(ctx, order)]
    return [await _prompt(event, ctx, order)]


async def _prompt(event: ChatEvent, ctx: Context, order: Order) -> SendMessage:
    t = ctx.t_order(order)
    text = t._("Write your one check-in for {client} about {order}, as a reply to this "
               "message: ask how it went or whether they need anything else. It must not ask "
               "for a rating.").format(client=t.isolate(order.client_name or t._("Client")),
                                       order=t.order_ref(order.id, order.title))
    return await ask(ctx, order, event.user.id, event.user.username, PromptStep.CHECKIN, text,
                     t._("Your check-in"))


async def checkin_reply(event: ChatEvent, ctx: Context, prompt: Prompt) -> list[Effect]:
    refused = not_yours(event, ctx, prompt)
    if refused is not None:
        return refused
    order = await order_service.get_order(ctx.uow, prompt.order_id)
    await close(ctx, prompt)
    blocked = await work.reply_block(ctx.uow, order, prompt.created_at, ctx.now)
    if blocked is not None:
        t_person = ctx.t_person(event, order)
        text = block_text(t_person, ctx, order, blocked.block, blocked.closes) + "\n" + t_person._(
            "Your check-in was not sent.")
        return [_answer(event, text)]
    try:
        checked = await work.send_checkin(ctx.uow, order, event.user.id, event.text, ctx.now,
                                          ctx.checker, ctx.policy)
    except NoteRefused as refusal:
        return await _refused(event, ctx, order, refusal)
    t = ctx.t_order(order)
    message = t._("Message from {pro}:").format(pro=t.isolate(order.pro_name)) + "\n" + checked
    return [say(order, message), await current_card(ctx, order)]


async def _refused(event: ChatEvent, ctx: Context, order: Order,
                   refusal: NoteRefused) -> list[Effect]:
    t = ctx.t_order(order)
    text = refusal_text(t, refusal) + "\n" + t._(
        "A check-in must not ask for a rating.") + "\n\n" + t._(
        "Your check-in, to copy and edit:") + "\n" + refusal.note
    again = await _prompt(event, ctx, order)
    return [_answer(event, text[:4000]), again]


def _answer(event: ChatEvent, text: str) -> SendMessage:
    return SendMessage(event.chat_id, text, reply_to_message_id=event.message_id,
                       thread_id=event.thread_id)
