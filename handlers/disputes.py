"""Disputes (the resolution centre): either side opens one with a reason, reviews are paused,
moderators are told privately with the order's history and resolve it (done / in progress /
cancel); the opener may withdraw it."""

from __future__ import annotations

from bot.core.callback_data import OpenDispute, ResolveDispute
from bot.core.events import (
    AnswerCallback,
    Button,
    ChatEvent,
    EditKeyboard,
    EditMessage,
    Effect,
    Keyboard,
    Ref,
    SendMessage,
)
from bot.domain.disputes import DisputeBlock, open_block
from bot.domain.order import Order, Status, StatusChange
from bot.domain.prompts import Prompt, PromptStep
from bot.domain.reviews import ReviewRequest
from bot.i18n import Translator
from bot.services import history as order_history
from bot.services import notices, work
from bot.services import orders as order_service
from handlers.context import Context
from handlers.labels import status_name
from handlers.orders import current_card
from handlers.prompts import ask, close, not_yours
from handlers.render import rating_paused, rating_resumed, say
from handlers.router import Router


def register(router: Router) -> None:
    router.tap(OpenDispute)(ask_reason)
    router.prompt(PromptStep.DISPUTE)(reason_reply)
    router.tap(ResolveDispute)(resolve)


def _open_alert(t: Translator, order: Order) -> str | None:
    block = open_block(order)
    if block == DisputeBlock.OPEN:
        return t._("A dispute is already open for this order; a moderator will look into it.")
    if block == DisputeBlock.STAGE:
        return t._("A dispute can be opened only while the order is in progress or done; it is "
                   "now: {status}.").format(status=status_name(t, order.status))
    return None


async def ask_reason(event: ChatEvent, ctx: Context, data: OpenDispute) -> list[Effect]:
    order = await work.order_to_dispute(ctx.uow, data.order_id, event.chat_id, event.user.id,
                                        ctx.is_moderator(event.user.id))
    refused = _open_alert(ctx.t_person(event, order), order)
    if refused is not None:
        return [AnswerCallback(event.callback_id or "", refused, True)]
    t = ctx.t_order(order)
    text = t._("Why are you opening a dispute about {order}? Reply to this message; the "
               "moderators will read it.").format(order=t.order_ref(order.id, order.title))
    return [await ask(ctx, order, event.user.id, event.user.username, PromptStep.DISPUTE, text,
                      t._("The reason for the dispute"))]


async def reason_reply(event: ChatEvent, ctx: Context, prompt: Prompt) -> list[Effect]:
    refused = not_yours(event, ctx, prompt)
    if refused is not None:
        return refused
    order = await order_service.get_order(ctx.uow, prompt.order_id)
    await close(ctx, prompt)
    role = ctx.role(order, event.user.id)
    already = _open_alert(ctx.t_person(event, order), order)
    if already is not None:
        return [SendMessage(event.chat_id, already, reply_to_message_id=event.message_id,
                            thread_id=event.thread_id)]
    request = await work.open_dispute(ctx.uow, order, event.user.id, role, event.text, ctx.now,
                                      ctx.policy)
    t = ctx.t_order(order)
    reason = event.text.strip()
    text = t._("{name} opened a dispute about {order}: «{reason}». A moderator will look into "
               "it; the review reminders are paused meanwhile.").format(
        name=t.isolate(event.user.name), order=t.order_ref(order.id, order.title),
        reason=t.isolate(reason))
    withdraw_data = ResolveDispute(order.id, "withdraw").pack()
    withdraw = ((Button(t._("Withdraw the dispute"), withdraw_data),),)
    effects: list[Effect] = [say(order, text, keyboard=withdraw,
                                 ref=Ref("dispute", order.id))]
    effects += _rating_buttons(order, request, t)
    effects.append(await current_card(ctx, order))
    return effects + await _notify_moderators(ctx, order, event.user.name, reason)


def _rating_buttons(order: Order, request: ReviewRequest | None, t: Translator) -> list[Effect]:
    """The stars on a posted request say why they stopped, or come back."""
    if request is None or request.posted_at is None:
        return []
    if order.status in (Status.DISPUTED, Status.CANCELLED):
        return rating_paused(order, request, t)
    return rating_resumed(order, request, t)


async def _notify_moderators(ctx: Context, order: Order, opener: str,
                             reason: str) -> list[Effect]:
    history = await order_history.status_history(ctx.uow, order)
    effects: list[Effect] = []
    for moderator in sorted(ctx.moderators):
        t = await notices.translator_for(ctx.uow, ctx.translations, moderator,
                                         ctx.settings.default_language)
        lines = [t._("Dispute opened on {order} by {name}.").format(
            order=t.order_ref(order.id, order.title), name=t.isolate(opener)),
            t._("Reason: {reason}").format(reason=t.isolate(reason)), "",
            t._("History:")]
        lines += [_history_line(t, order, change, history.names) for change in history.changes]
        effects.append(SendMessage(moderator, "\n".join(lines)[:4000],
                                   resolve_menu(order, t), order_id=order.id))
    return effects


def _history_line(t: Translator, order: Order, change: StatusChange,
                  names: dict[int, str]) -> str:
    before = status_name(t, change.from_status) if change.from_status else "—"
    return t._("{when}: {before} → {after}, by {name}").format(
        when=t.datetime(change.at, order.timezone, "short"), before=before,
        after=status_name(t, change.to_status),
        name=t.isolate(names.get(change.by_user_id, str(change.by_user_id))))


def resolve_menu(order: Order, t: Translator) -> Keyboard:
    """The moderator's choices for an open dispute (the notice and /disputes)."""
    oid = order.id
    # The status the order goes back to, named as on the card.
    return ((Button(status_name(t, Status.DONE), ResolveDispute(oid, "done").pack()),
             Button(status_name(t, Status.IN_PROGRESS),
                    ResolveDispute(oid, "in_progress").pack())),
            (Button(t._("Cancel the order"), ResolveDispute(oid, "cancel").pack()),))


async def resolve(event: ChatEvent, ctx: Context, data: ResolveDispute) -> list[Effect]:
    """A moderator's decision (in private or in the chat), or the opener's withdrawal."""
    ended = await work.resolve_dispute(ctx.uow, data.order_id, event.chat_id, data.outcome,
                                       event.user.id, ctx.is_moderator(event.user.id), ctx.now)
    if ended.was_closed:
        return [_stale(event, ctx, ended.order)]
    return await _resolved(event, ctx, ended.order, ended.request, data.outcome)


def _stale(event: ChatEvent, ctx: Context, order: Order) -> AnswerCallback:
    t = ctx.t_person(event, order)
    text = t._("This dispute is already closed: the order is now {status}.").format(
        status=status_name(t, order.status))
    return AnswerCallback(event.callback_id or "", text, True)


async def _resolved(event: ChatEvent, ctx: Context, order: Order,
                    request: ReviewRequest | None, word: str) -> list[Effect]:
    t = ctx.t_order(order)
    status = status_name(t, order.status)
    if word == "withdraw":
        text = t._("{name} withdrew the dispute: the order is {status} again.").format(
            name=t.isolate(event.user.name), status=status)
    elif order.status == Status.CANCELLED:
        text = t._("A moderator closed the dispute and cancelled {order}. No rating can be "
                   "given for it.").format(order=t.order_ref(order.id, order.title))
    elif order.status == Status.DONE:
        text = t._("A moderator closed the dispute: the order is {status}. The review "
                   "reminders continue.").format(status=status)
    else:
        text = t._("A moderator closed the dispute: the order is {status}. The review "
                   "reminders continue once the job is done.").format(status=status)
    effects: list[Effect] = [
        EditKeyboard(order.chat_id, None, ref=Ref("dispute", order.id), order_id=order.id),
        say(order, text), *_rating_buttons(order, request, t), await current_card(ctx, order)]
    if event.chat_id != order.chat_id:
        effects.append(_moderator_done(event, ctx, order))
    return effects


def _moderator_done(event: ChatEvent, ctx: Context, order: Order) -> EditMessage:
    t = ctx.t_person(event, order)
    text = t._("Dispute on {order} resolved by you: {status}.").format(
        order=t.order_ref(order.id, order.title), status=status_name(t, order.status))
    return EditMessage(event.chat_id, text, None, message_id=event.message_id)
