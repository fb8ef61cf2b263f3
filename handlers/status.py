"""The status panel: Update -> Not hired yet / In progress / Done / Not going ahead, the
client's confirmation of the hire, and the refund wait it may start."""

from __future__ import annotations

from bot.core.callback_data import ConfirmHire, NotGoingAhead, OpenStatusMenu, SetStatus, member
from bot.core.events import AnswerCallback, Button, ChatEvent, EditMessage, Effect, SendMessage
from bot.domain.order import NotGoingAheadReason, Order, Role, Status
from bot.i18n import Translator
from bot.services import messages
from bot.services import orders as order_service
from handlers.context import Context
from handlers.keyboards import reasons_menu, status_menu, when_menu
from handlers.labels import reason_name, status_name
from handlers.orders import current_card
from handlers.render import say
from handlers.router import Router


def register(router: Router) -> None:
    router.tap(OpenStatusMenu)(open_panel)
    router.tap(SetStatus)(set_status)
    router.tap(NotGoingAhead)(not_going_ahead)
    router.tap(ConfirmHire)(confirm_hire)


async def _managed(event: ChatEvent, ctx: Context, order_id: int) -> tuple[Order, Role]:
    return await order_service.order_to_manage(ctx.uow, order_id, event.chat_id, event.user.id,
                                               ctx.is_moderator(event.user.id))


def _panel(event: ChatEvent, text: str, keyboard: tuple = ()) -> EditMessage:  # type: ignore[type-arg]
    return EditMessage(event.chat_id, text, keyboard or None, message_id=event.message_id)


async def open_panel(event: ChatEvent, ctx: Context, data: OpenStatusMenu) -> list[Effect]:
    order, _role = await _managed(event, ctx, data.order_id)
    t = ctx.t_order(order)
    menu = status_menu(order, t)
    text = t._("Order #{id} «{title}»: at what stage is the job?").format(
        id=t.isolate(order.id), title=t.isolate(order.title))
    return [SendMessage(order.chat_id, text, menu, thread_id=order.thread_id, order_id=order.id)]


async def set_status(event: ChatEvent, ctx: Context, data: SetStatus) -> list[Effect]:
    order, role = await _managed(event, ctx, data.order_id)
    to = member(Status, data.status)
    await order_service.choose_status(ctx.uow, order, to, event.user.id, role, ctx.now)
    t = ctx.t_order(order)
    if to == Status.NOT_GOING_AHEAD:  # checked, not changed: the reason comes first
        return [_panel(event, t._("Why is the job not going ahead?"), reasons_menu(order, t))]
    return await _after_change(event, ctx, order, t)


async def _after_change(event: ChatEvent, ctx: Context, order: Order,
                        t: Translator) -> list[Effect]:
    effects: list[Effect] = [await current_card(ctx, order)]
    saved = t._("Saved: {status}.").format(status=status_name(t, order.status))
    if order.status == Status.NOT_HIRED:
        return [*effects, _panel(event, saved + " " + t._("Nothing was sent to the client."))]
    if order.status in (Status.IN_PROGRESS, Status.DONE):
        effects.append(_hire_request(order, t))
        question = t._("When should we ask the client for the review?")
        effects.append(_panel(event, f"{saved}\n{question}", when_menu(order, t)))
    return effects


def _hire_request(order: Order, t: Translator) -> SendMessage:
    client = t.isolate(order.client_name or t._("Client"))
    pro = t.isolate(order.pro_name)
    if order.hire_confirmed_at is not None or order.client_id is None:
        text = (t._("{pro} marked the job as done.") if order.status == Status.DONE
                else t._("{pro} says the work is under way.")).format(pro=pro)
        return say(order, text)
    if order.status == Status.DONE:
        text = t._("{pro} marked the job as done. {client}, please confirm that you hired "
                   "{pro}.").format(pro=pro, client=client)
    else:
        text = t._("{pro} says they were hired and the work is under way. {client}, please "
                   "confirm that you hired {pro}.").format(pro=pro, client=client)
    button = Button(t._("Confirm the hire"), ConfirmHire(order.id).pack())
    return say(order, text, keyboard=((button,),))


async def not_going_ahead(event: ChatEvent, ctx: Context, data: NotGoingAhead) -> list[Effect]:
    order, role = await _managed(event, ctx, data.order_id)
    reason = member(NotGoingAheadReason, data.reason)
    await order_service.change_status(ctx.uow, order, Status.NOT_GOING_AHEAD, event.user.id,
                                      role, ctx.now, reason)
    t = ctx.t_order(order)
    text = t._("Saved: not going ahead ({reason}). You can rectify it later with Update.").format(
        reason=reason_name(t, reason))
    effects: list[Effect] = [await current_card(ctx, order), _panel(event, text)]
    if reason == NotGoingAheadReason.NO_ANSWER:
        effects.append(say(order, _refund_wait_text(order, t, ctx)))
    return effects


def _refund_wait_text(order: Order, t: Translator, ctx: Context) -> str:
    hours = int(ctx.policy.refund_wait.total_seconds() // 3600)
    client = t.isolate(order.client_name or t._("Client"))
    return t.ngettext(
        "{client}, the professional could not reach you. If you still want this job, write "
        "here (a reply to this message is enough) within {n} hour; otherwise the order closes.",
        "{client}, the professional could not reach you. If you still want this job, write "
        "here (a reply to this message is enough) within {n} hours; otherwise the order closes.",
        hours).format(client=client, n=t.number(hours))


async def confirm_hire(event: ChatEvent, ctx: Context, data: ConfirmHire) -> list[Effect]:
    order = await order_service.confirm_hire(ctx.uow, data.order_id, event.chat_id, event.user.id,
                                             ctx.now)
    t = ctx.t_order(order)
    alert = ctx.t_person(event, order)._("Thank you: the hire is confirmed.")
    effects: list[Effect] = [AnswerCallback(event.callback_id or "", alert)]
    tapped = await messages.tapped(ctx.uow, event.chat_id, event.message_id or 0)
    if event.message_id and (tapped is None or tapped.kind != "card"):
        effects.append(EditMessage(event.chat_id, t._("{client} confirmed the hire.").format(
            client=t.isolate(order.client_name)), message_id=event.message_id))
    return [*effects, await current_card(ctx, order)]
