"""Messages shown to the whole chat, in the order's language: the card, the rating request,
reminders and notices. Used by the handlers and by the scheduler's jobs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.core.callback_data import RecordRefund
from bot.core.events import Button, EditKeyboard, EditMessage, Effect, Ref, SendMessage
from bot.domain.order import Order, Status
from bot.domain.quiet_hours import QuietHours, release_of
from bot.domain.reviews import Rating, RequestState, ReviewRequest
from bot.i18n import Translator
from handlers.keyboards import card_keyboard, label_row, stars_row
from handlers.labels import reason_name, stars, status_name


def _oid(order: Order) -> int:
    if not order.id:
        raise ValueError("order not stored")
    return order.id


def card_text(order: Order, t: Translator, request: ReviewRequest | None = None,
              rating: Rating | None = None, quiet: QuietHours | None = None) -> str:
    lines = [t._("📋 Order #{id}: {title}").format(id=t.isolate(order.id),
                                                    title=t.isolate(order.title)),
             t._("Status: {status}").format(status=status_name(t, order.status))]
    if order.status == Status.NOT_GOING_AHEAD and order.not_going_ahead_reason:
        lines.append(t._("Reason: {reason}").format(
            reason=reason_name(t, order.not_going_ahead_reason)))
    pro = order.pro_name or t._("not yet known")
    lines.append(t._("Professional: {name}").format(name=t.isolate(pro)))
    client = order.client_name or t._("not yet known")
    lines.append(t._("Client: {name}").format(name=t.isolate(client)))
    if order.delivery_date:
        lines.append(t._("Delivery date: {date}").format(date=t.date(order.delivery_date)))
    lines.append(t.ngettext("Revisions: {used} of {n} used", "Revisions: {used} of {n} used",
                            order.included_revisions).format(
        used=t.number(order.revisions_used), n=t.number(order.included_revisions)))
    lines += _review_lines(order, t, request, rating, quiet)
    return "\n".join(lines)


def _review_lines(order: Order, t: Translator, request: ReviewRequest | None,
                  rating: Rating | None, quiet: QuietHours | None) -> list[str]:
    lines = []
    if rating is not None and not rating.hidden:
        lines.append(t._("Rating: {stars} ({value}/5)").format(
            stars=stars(rating.stars), value=t.number(rating.stars)))
    elif request is not None and request.due_at and request.state == RequestState.SCHEDULED:
        # When it will really go: a time in the quiet hours waits for their end.
        lines.append(t._("Review requested for {date}").format(date=t.datetime(
            release_of(quiet, request.due_at, order.timezone), order.timezone, "short")))
    sent = request.reminders_sent if request else 0
    lines.append(t.ngettext("Reminders sent: {n}", "Reminders sent: {n}", sent)
                 .format(n=t.number(sent)))
    held = _held_reminder(order, request, quiet)
    if held is not None:
        lines.append(t._("Quiet hours: the next reminder goes at {date}").format(
            date=t.datetime(held, order.timezone, "short")))
    used = t._("used") if order.checkin_used_at else t._("not used")
    lines.append(t._("Check-in: {state}").format(state=used))
    return lines


def _held_reminder(order: Order, request: ReviewRequest | None,
                   quiet: QuietHours | None) -> datetime | None:
    """When the next reminder goes if the quiet hours hold it: it falls in them, or it was
    moved to their end already; None when it is not held (or there is none)."""
    due = request.next_reminder_at if request is not None else None
    if quiet is None or due is None or request is None or request.state != RequestState.POSTED:
        return None
    if quiet.quiet_at(due, order.timezone) or quiet.ends_at(due, order.timezone):
        return quiet.release(due, order.timezone)
    return None


def card(order: Order, t: Translator, request: ReviewRequest | None = None,
         rating: Rating | None = None, quiet: QuietHours | None = None) -> EditMessage:
    """The card's new content; the sender finds the card's message by its ref."""
    return EditMessage(order.chat_id, card_text(order, t, request, rating, quiet),
                       card_keyboard(order, t, rating is not None), ref=Ref("card", _oid(order)),
                       order_id=order.id)


def new_card(order: Order, t: Translator) -> SendMessage:
    return SendMessage(order.chat_id, card_text(order, t), card_keyboard(order, t),
                       thread_id=order.thread_id, ref=Ref("card", _oid(order)),
                       order_id=order.id)


def say(order: Order, text: str, **kwargs: object) -> SendMessage:
    """A plain message into the order's chat."""
    return SendMessage(order.chat_id, text, thread_id=order.thread_id, order_id=order.id,
                       **kwargs)  # type: ignore[arg-type]


def request_text(order: Order, request: ReviewRequest, t: Translator) -> str:
    note = request.note or default_note(order, t)
    footer = t._("— {pro}, {order}").format(pro=t.isolate(order.pro_name),
                                            order=t.order_ref(order.id, order.title))
    ask = t._("{client}, how would you rate the service? Tap the stars.").format(
        client=t.isolate(order.client_name or t._("Client")))
    return f"{note}\n\n{footer}\n{ask}"


def default_note(order: Order, t: Translator) -> str:
    return t._("Hello! Thank you for trusting me with this job. Your opinion helps me improve "
               "and helps other clients choose. Could you rate the service?")


def rating_request(order: Order, request: ReviewRequest, t: Translator,
                   quiet: QuietHours | None = None) -> list[Effect]:
    """The note and one row of stars in one message, never several."""
    rid = _rid(request)
    message = say(order, request_text(order, request, t), keyboard=stars_row(rid),
                  ref=Ref("request", rid))
    return [message, card(order, t, request, quiet=quiet)]


def reminder(order: Order, request: ReviewRequest, t: Translator,
             quiet: QuietHours | None = None) -> list[Effect]:
    text = t._("{client}, a friendly reminder: you can still rate {order}. "
               "The stars are on the request above.").format(
        client=t.isolate(order.client_name or t._("Client")),
        order=t.order_ref(order.id, order.title))
    return [say(order, text), card(order, t, request, quiet=quiet)]


def rating_closed(order: Order, request: ReviewRequest, t: Translator) -> list[Effect]:
    closed = EditKeyboard(order.chat_id, label_row(t._("The rating window has closed")),
                          ref=Ref("request", _rid(request)), order_id=order.id)
    return [closed, card(order, t, request)]


def rating_paused(order: Order, request: ReviewRequest, t: Translator) -> list[Effect]:
    paused = EditKeyboard(order.chat_id, label_row(t._("Rating paused: the order is in dispute")
                                                   if order.status == Status.DISPUTED else
                                                   t._("Rating closed: the order was cancelled")),
                          ref=Ref("request", _rid(request)), order_id=order.id)
    return [paused]


def rating_resumed(order: Order, request: ReviewRequest, t: Translator) -> list[Effect]:
    return [EditKeyboard(order.chat_id, stars_row(_rid(request)),
                         ref=Ref("request", _rid(request)), order_id=order.id)]


def refund_eligible(order: Order, t_chat: Translator, moderator_ids: list[int],
                    t_for: Callable[[int], Translator]) -> list[Effect]:
    effects: list[Effect] = [say(order, t_chat._(
        "The client did not answer in time: {order} is now eligible for the credit refund. "
        "A moderator will review it.").format(order=t_chat.order_ref(order.id, order.title)))]
    for moderator in moderator_ids:
        t = t_for(moderator)
        button = Button(t._("Record the refund"), RecordRefund(_oid(order)).pack())
        effects.append(SendMessage(moderator, t._(
            "Refund: {order} is eligible for the credit refund (the client did not answer). "
            "Use /refund {id} to record the decision.").format(
            order=t.order_ref(order.id, order.title), id=order.id), keyboard=((button,),)))
    effects.append(card(order, t_chat))
    return effects


def _rid(request: ReviewRequest) -> int:
    if not request.id:
        raise ValueError("request not stored")
    return request.id
