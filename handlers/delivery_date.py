"""The pro proposes a new delivery date on a calendar, or types it as a reply to a ForceReply
prompt; the client accepts or refuses it (extending the delivery date)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.bidi import addressed
from bot.core.callback_data import (
    AnswerProposal,
    DeliveryDay,
    DeliveryMonth,
    ProposeDeliveryDate,
    TypeDeliveryDate,
)
from bot.core.events import (
    AnswerCallback,
    Button,
    ChatEvent,
    EditMessage,
    Effect,
    ForceReply,
    Keyboard,
    Ref,
    SendMessage,
)
from bot.domain.delivery_dates import AnswerBlock, DateProblem, date_problem
from bot.domain.order import DELIVERY_HORIZON, Order
from bot.domain.prompts import Prompt, PromptStep
from bot.domain.revisions import DeliveryProposal, ProposalState
from bot.i18n import Translator
from bot.services import orders as order_service
from bot.services import work
from handlers.context import Context
from handlers.keyboards import calendar_keyboard
from handlers.labels import status_name
from handlers.order_setup import parse_day
from handlers.orders import current_card
from handlers.prompts import ask, close, not_yours
from handlers.render import say
from handlers.router import Router


def register(router: Router) -> None:
    router.tap(ProposeDeliveryDate)(open_calendar)
    router.tap(DeliveryMonth)(show_month)
    router.tap(DeliveryDay)(choose_day)
    router.tap(AnswerProposal)(answer)
    router.tap(TypeDeliveryDate)(ask_typed_date)
    router.prompt(PromptStep.DELIVERY_DATE)(typed_date)


def _days(ctx: Context, order: Order) -> tuple[date, date]:
    first = ctx.now.astimezone(ZoneInfo(order.timezone)).date()
    return first, first + DELIVERY_HORIZON


async def _pro_order(event: ChatEvent, ctx: Context, order_id: int) -> Order:
    return await work.order_to_redate(ctx.uow, order_id, event.chat_id, event.user.id)


def _stage_text(t: Translator, order: Order) -> str:
    return t._("A new delivery date can be proposed only while the order is in progress or "
               "done; it is now: {status}.").format(status=status_name(t, order.status))


def _stage_alert(event: ChatEvent, ctx: Context, order: Order) -> AnswerCallback:
    return AnswerCallback(event.callback_id or "", _stage_text(ctx.t_person(event, order),
                                                               order), True)


def _calendar(ctx: Context, order: Order, t: Translator, month: date | None) -> tuple[str,
                                                                                       Keyboard]:
    first, last = _days(ctx, order)
    text = t._("Choose the new delivery date for {pro}'s work:").format(
        pro=t.isolate(order.pro_name))
    days = calendar_keyboard(DeliveryDay, DeliveryMonth, order.id, month or first, first,
                             last, t)
    return text, (*days, (Button(t._("Type the date"), TypeDeliveryDate(order.id).pack()),))


async def open_calendar(event: ChatEvent, ctx: Context, data: ProposeDeliveryDate) -> list[Effect]:
    order = await _pro_order(event, ctx, data.order_id)
    if not order.working:
        return [_stage_alert(event, ctx, order)]
    text, keyboard = _calendar(ctx, order, ctx.t_order(order), None)
    return [say(order, text, keyboard=keyboard)]


async def show_month(event: ChatEvent, ctx: Context, data: DeliveryMonth) -> list[Effect]:
    order = await _pro_order(event, ctx, data.order_id)
    first, last = _days(ctx, order)
    month = data.month
    if not first.replace(day=1) <= month <= last:
        month = first
    text, keyboard = _calendar(ctx, order, ctx.t_order(order), month)
    return [EditMessage(event.chat_id, text, keyboard, message_id=event.message_id)]


async def choose_day(event: ChatEvent, ctx: Context, data: DeliveryDay) -> list[Effect]:
    order = await _pro_order(event, ctx, data.order_id)
    if not order.working:
        return [_stage_alert(event, ctx, order)]
    return await _propose(ctx, order, event.user.id, data.day, event.message_id)


async def _propose(ctx: Context, order: Order, by: int, day: date,
                   panel_id: int | None) -> list[Effect]:
    """A calendar pick or a typed date: the panel says so, the client gets Accept / Refuse."""
    first, last = _days(ctx, order)
    proposal, withdrawn = await work.propose_date(ctx.uow, order, by, day, first, last, ctx.now)
    t = ctx.t_order(order)
    done = t._("Proposed: {date}. Waiting for the client's answer.").format(
        date=t.date(proposal.proposed_date))
    effects: list[Effect] = [EditMessage(order.chat_id, done, None, message_id=panel_id)
                             if panel_id else say(order, done)]
    for old in withdrawn:
        effects.append(EditMessage(order.chat_id, proposal_text(t, order, old) + "\n" + t._(
            "Replaced by a newer proposal."), None, ref=Ref("proposal", old.id),
            order_id=order.id))
    keyboard = ((Button(t._("Accept"), AnswerProposal(proposal.id, "yes").pack()),
                 Button(t._("Refuse"), AnswerProposal(proposal.id, "no").pack())),)
    effects.append(say(order, proposal_text(t, order, proposal), keyboard=keyboard,
                       ref=Ref("proposal", proposal.id)))
    return effects


def proposal_text(t: Translator, order: Order, proposal: DeliveryProposal) -> str:
    return t._("{pro} proposes a new delivery date: {date}. {client}, do you accept?").format(
        pro=t.isolate(order.pro_name), date=t.date(proposal.proposed_date),
        client=t.isolate(order.client_name or t._("Client")))


async def answer(event: ChatEvent, ctx: Context, data: AnswerProposal) -> list[Effect]:
    word = data.answer
    answered = await work.answer_proposal(ctx.uow, data.proposal_id, event.chat_id,
                                          word == "yes", event.user.id, ctx.now)
    order, proposal = answered.order, answered.proposal
    if answered.block == AnswerBlock.ANSWERED:
        return [_stale(event, ctx, order, proposal)]
    if answered.block == AnswerBlock.STAGE:
        return [_stage_alert(event, ctx, order)]
    t = ctx.t_order(order)
    outcome = (t._("{client} accepted: the delivery date is now {date}.") if word == "yes" else
               t._("{client} refused the new date.")).format(
        client=t.isolate(order.client_name), date=t.date(proposal.proposed_date))
    shown = EditMessage(event.chat_id, proposal_text(t, order, proposal) + "\n" + outcome, None,
                        message_id=event.message_id)
    effects: list[Effect] = [AnswerCallback(event.callback_id or "", ctx.t_person(
        event, order)._("Your answer was saved.")), shown]
    if word == "yes":
        effects.append(await current_card(ctx, order))
    return effects


def _stale(event: ChatEvent, ctx: Context, order: Order,
           proposal: DeliveryProposal) -> AnswerCallback:
    t = ctx.t_person(event, order)
    state = {ProposalState.ACCEPTED: t._("This proposal was already accepted."),
             ProposalState.REFUSED: t._("This proposal was already refused."),
             ProposalState.WITHDRAWN: t._("This proposal was replaced by a newer one.")}
    now_true = (t._("The delivery date is {date}.").format(date=t.date(order.delivery_date))
                if order.delivery_date else t._("No delivery date is set."))
    return AnswerCallback(event.callback_id or "", f"{state[proposal.state]} {now_true}", True)


# --- a new date typed by hand ---------------------------------------------------------------
def _example(ctx: Context, order: Order, t: Translator) -> str:
    """A date a week ahead in the locale's short format: how to type one."""
    first, _last = _days(ctx, order)
    return t.date(first + timedelta(days=7), "short")


def _ask_text(t: Translator, order: Order, example: str) -> str:
    return t._("Type the new delivery date for {order} as a reply to this message, for "
               "example {example}.").format(order=t.order_ref(order.id, order.title),
                                            example=t.isolate(example))


async def ask_typed_date(event: ChatEvent, ctx: Context, data: TypeDeliveryDate) -> list[Effect]:
    """"Type the date" under the calendar: a ForceReply prompt that names the order."""
    order = await _pro_order(event, ctx, data.order_id)
    if not order.working:
        return [_stage_alert(event, ctx, order)]
    t = ctx.t_order(order)
    example = _example(ctx, order, t)
    prompt = await ask(ctx, order, event.user.id, event.user.username, PromptStep.DELIVERY_DATE,
                       _ask_text(t, order, example), example, event.message_id)
    waiting = EditMessage(event.chat_id, t._("Waiting for the date you type…"), None,
                          message_id=event.message_id)
    return [waiting, prompt]


async def typed_date(event: ChatEvent, ctx: Context, prompt: Prompt) -> list[Effect]:
    """The typed date is read like /delivery's, checked, then proposed like a calendar pick;
    a date that cannot be used is explained, and the same prompt can be answered again."""
    refused = not_yours(event, ctx, prompt)
    if refused is not None:
        return refused
    order = await order_service.get_order(ctx.uow, prompt.order_id)
    if not order.working:  # a stale prompt: what is true now
        await close(ctx, prompt)
        return [SendMessage(event.chat_id, _stage_text(ctx.t_person(event, order), order),
                            reply_to_message_id=event.message_id, thread_id=event.thread_id)]
    t, typed = ctx.t_order(order), event.text.strip()
    day = parse_day(typed, t) or parse_day(typed, ctx.t_person(event, order))
    problem = _date_problem(ctx, order, t, typed, day)
    if problem is not None or day is None:
        return [_again(event, order, prompt, t, problem or "", _example(ctx, order, t))]
    await close(ctx, prompt)
    return await _propose(ctx, order, event.user.id, day, prompt.target_id)


def _date_problem(ctx: Context, order: Order, t: Translator, typed: str,
                  day: date | None) -> str | None:
    if day is None:
        return t._("I could not read «{text}» as a date.").format(text=t.isolate(typed[:40]))
    problem = date_problem(order, day, *_days(ctx, order))
    if problem == DateProblem.PAST:
        return t._("{date} is in the past.").format(date=t.date(day))
    if problem == DateProblem.TOO_FAR:
        return t._("{date} is more than a year away.").format(date=t.date(day))
    if problem == DateProblem.CURRENT:
        return t._("{date} is already the delivery date.").format(date=t.date(day))
    return None


def _again(event: ChatEvent, order: Order, prompt: Prompt, t: Translator, problem: str,
           example: str) -> SendMessage:
    """The same prompt asked again (its ref), as a reply to what was typed."""
    text = addressed(event.user.username, f"{problem} {_ask_text(t, order, example)}")
    return SendMessage(order.chat_id, text,
                       force_reply=ForceReply(example, selective=bool(event.user.username)),
                       reply_to_message_id=event.message_id, thread_id=order.thread_id,
                       ref=Ref("prompt", prompt.id), order_id=order.id)
