"""When to ask for the review (now / on a date / later), the personal note and its check
(no stars asked for, nothing offered for a rating, no steering of unhappy clients)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.core.callback_data import ChooseWhen, NoteChoice, ReviewDay, ReviewMonth
from bot.core.events import ChatEvent, EditMessage, Effect, Keyboard, SendMessage
from bot.domain.errors import AlreadyDone
from bot.domain.note_check import NoteProblem
from bot.domain.notes import NoteRefused
from bot.domain.order import Order
from bot.domain.prompts import Prompt, PromptStep
from bot.domain.reviews import RequestMode, ReviewRequest
from bot.i18n import N_, Translator
from bot.services import orders as order_service
from bot.services import reviews as review_service
from handlers.context import Context
from handlers.errors import error_text
from handlers.keyboards import calendar_keyboard, note_menu
from handlers.orders import current_card
from handlers.prompts import ask, close, not_yours
from handlers.render import default_note, rating_request
from handlers.router import Router

MODES = {"now": RequestMode.NOW, "date": RequestMode.ON_DATE, "later": RequestMode.LATER}


def register(router: Router) -> None:
    router.tap(ChooseWhen)(choose_when)
    router.tap(ReviewDay)(choose_day)
    router.tap(ReviewMonth)(show_month)
    router.tap(NoteChoice)(note_choice)
    router.prompt(PromptStep.NOTE)(note_reply)


def _edit(event: ChatEvent, text: str, keyboard: Keyboard | None = None) -> EditMessage:
    return EditMessage(event.chat_id, text, keyboard, message_id=event.message_id)


async def choose_when(event: ChatEvent, ctx: Context, data: ChooseWhen) -> list[Effect]:
    mode = MODES[data.when]
    order, request = await review_service.start_request(
        ctx.uow, data.order_id, event.chat_id, event.user.id, ctx.is_moderator(event.user.id),
        mode, ctx.now, ctx.policy)
    t = ctx.t_order(order)
    if request is None:
        return [_edit(event, t._("OK, nothing was sent. Tap Update on the card when you want "
                                 "to ask for the review."))]
    if mode == RequestMode.ON_DATE:
        return [_calendar(event, ctx, order, t, None)]
    return [_note_choice_panel(event, order, t, None)]


def _calendar(event: ChatEvent, ctx: Context, order: Order, t: Translator,
              month: date | None) -> EditMessage:
    first = ctx.now.astimezone(_zone(order)).date()
    last = ctx.policy.last_review_day(order.timezone, ctx.now, order.done_at)
    shown = month or first
    text = t._("Choose the day to ask for the review (until {last}):").format(
        last=t.date(last))
    days = calendar_keyboard(ReviewDay, ReviewMonth, order.id, shown, first, last, t)
    return _edit(event, text, days)


def _zone(order: Order) -> ZoneInfo:
    return ZoneInfo(order.timezone)


def _note_choice_panel(event: ChatEvent, order: Order, t: Translator,
                       request: ReviewRequest | None) -> EditMessage:
    when = ""
    if request is not None and request.due_at is not None:
        when = t._("The review will be requested on {date}.").format(
            date=t.datetime(request.due_at, order.timezone, "short")) + "\n"
    text = when + t._("This is the text the client will see with the stars. Send it as it is, "
                      "or write your own personal note:") + "\n\n" + default_note(order, t)
    return _edit(event, text, note_menu(order, t))


async def show_month(event: ChatEvent, ctx: Context, data: ReviewMonth) -> list[Effect]:
    order = await review_service.calendar_for(
        ctx.uow, data.order_id, event.chat_id, event.user.id, ctx.is_moderator(event.user.id))
    return [_calendar(event, ctx, order, ctx.t_order(order), data.month)]


async def choose_day(event: ChatEvent, ctx: Context, data: ReviewDay) -> list[Effect]:
    order, request = await review_service.choose_day(
        ctx.uow, data.order_id, event.chat_id, event.user.id, ctx.is_moderator(event.user.id),
        data.day, ctx.now, ctx.policy)
    return [_note_choice_panel(event, order, ctx.t_order(order), request)]


async def note_choice(event: ChatEvent, ctx: Context, data: NoteChoice) -> list[Effect]:
    order, request = await review_service.draft_to_note(
        ctx.uow, data.order_id, event.chat_id, event.user.id, ctx.is_moderator(event.user.id))
    t = ctx.t_order(order)
    if data.choice == "default":
        return await _accept(ctx, order, request, default_note(order, t), event.message_id)
    text = t._("Write your personal note for {order}, as a reply to this message. It is "
               "posted with the rating buttons.").format(order=t.order_ref(order.id,
                                                                         order.title))
    prompt = await ask(ctx, order, event.user.id, event.user.username, PromptStep.NOTE, text,
                       t._("Your personal note"), request.id)
    return [_edit(event, t._("Waiting for your note…")), prompt]


async def _accept(ctx: Context, order: Order, request: ReviewRequest, note: str,
                  panel_id: int | None) -> list[Effect]:
    t = ctx.t_order(order)
    posted = await review_service.accept_note(ctx.uow, order, request, note, ctx.now,
                                              ctx.policy, ctx.checker)
    if posted:
        done = t._("The review request was sent to the client.")
        effects = rating_request(order, request, t)
    else:
        done = t._("Scheduled: on {date} your note is posted here with the rating "
                   "buttons.").format(date=t.datetime(request.due_at or ctx.now,
                                                      order.timezone, "short"))
        effects = [await current_card(ctx, order)]
    panel: list[Effect] = [EditMessage(order.chat_id, done, None, message_id=panel_id)] \
        if panel_id else [SendMessage(order.chat_id, done, thread_id=order.thread_id)]
    return panel + effects


async def note_reply(event: ChatEvent, ctx: Context, prompt: Prompt) -> list[Effect]:
    refused = not_yours(event, ctx, prompt)
    if refused is not None:
        return refused
    order = await order_service.get_order(ctx.uow, prompt.order_id)
    await close(ctx, prompt)
    try:
        request = await review_service.draft_for(ctx.uow, order)
    except AlreadyDone as done:
        t = ctx.t_person(event, order)
        text = error_text(t, done, tap=False) if done.context.get("why") else t._(
            "The review request of this order was already sent; this note was not used.")
        return [SendMessage(event.chat_id, text, reply_to_message_id=event.message_id,
                            thread_id=event.thread_id)]
    try:
        return await _accept(ctx, order, request, event.text, None)
    except NoteRefused as refusal:
        return await _refused(event, ctx, order, request, refusal)


REFUSALS = {
    NoteProblem.ASKS_FOR_RATING: N_(
        "Your note asks for a given rating («{fragment}»). The client must be free to choose "
        "the stars: please take that out."),
    NoteProblem.OFFERS_INCENTIVE: N_(
        "Your note offers something in exchange for a rating («{fragment}»). Reviews cannot be "
        "rewarded: please take that out."),
    NoteProblem.STEERS_UNHAPPY: N_(
        "Your note asks only happy clients to rate, or unhappy ones to talk to you first "
        "(«{fragment}»). Every client must be asked the same way: please take that out."),
}


def refusal_text(t: Translator, refusal: NoteRefused) -> str:
    reason = t._(REFUSALS[refusal.finding.problem])
    return reason.format(fragment=t.isolate(refusal.finding.matched))


async def _refused(event: ChatEvent, ctx: Context, order: Order, request: ReviewRequest,
                   refusal: NoteRefused) -> list[Effect]:
    t = ctx.t_order(order)
    text = refusal_text(t, refusal) + "\n\n" + t._(
        "Your note, to copy and edit:") + "\n" + refusal.note
    again = await ask(ctx, order, event.user.id, event.user.username, PromptStep.NOTE,
                      t._("Write the corrected note for {order} as a reply to this "
                          "message.").format(order=t.order_ref(order.id, order.title)),
                      t._("Your personal note"), request.id)
    return [SendMessage(event.chat_id, text[:4000], reply_to_message_id=event.message_id,
                        thread_id=event.thread_id), again]
