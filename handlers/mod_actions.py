"""Acting on an order: /remind, /hide_review, /restore_review, /cancel, /refund. Each leaves
an audit entry; the order chat is told in the order's language."""

from __future__ import annotations

from datetime import datetime

from bot.core.callback_data import RecordRefund
from bot.core.events import AnswerCallback, ChatEvent, Effect
from bot.domain.moderation import Refusal, check_moderator
from bot.domain.order import Order
from bot.i18n import Translator
from bot.services import moderation as service
from handlers.context import Context
from handlers.mod_common import moderator_command, reply, target
from handlers.orders import current_card
from handlers.render import rating_paused, reminder, say
from handlers.router import Router


def register(router: Router) -> None:
    moderator_command(router, "remind")(remind_command)
    moderator_command(router, "hide_review")(hide_command)
    moderator_command(router, "restore_review")(restore_command)
    moderator_command(router, "cancel")(cancel_command)
    moderator_command(router, "refund")(refund_command)
    router.tap(RecordRefund)(refund_tap)


def _ref(t: Translator, order: Order) -> str:
    return t.order_ref(order.id, order.title)


def _when(t: Translator, order: Order, at: datetime | None) -> str:
    return t.datetime(at, order.timezone, "short") if at else "—"


def remind_refused(t: Translator, order: Order, refusal: Refusal) -> str:
    texts = {
        "no_request": t._("{order}: no review request has been posted yet, so there is "
                          "nothing to remind of."),
        "rated": t._("{order}: the client has already rated."),
        "frozen": t._("{order}: reviews are stopped (dispute or cancellation)."),
        "closed": t._("{order}: the rating window has closed."),
        "too_soon": t._("{order}: the client was asked less than 24 hours ago; no reminder "
                        "before {when} (no nagging)."),
    }
    return texts[refusal.reason].format(order=_ref(t, order), when=_when(t, order, refusal.when))


async def remind_command(event: ChatEvent, ctx: Context, t: Translator) -> list[Effect]:
    order, _ = await target(event, ctx)
    reminded = await service.remind_client(ctx.uow, order, event.user.id, ctx.now, ctx.policy)
    if reminded.refusal is not None or reminded.request is None:
        return [reply(event, remind_refused(t, order, reminded.refusal or Refusal("no_request")))]
    request = reminded.request
    effects = reminder(order, request, ctx.t_order(order))
    n = request.reminders_sent
    done = t.ngettext("{order}: reminder sent ({n} so far).",
                      "{order}: reminder sent ({n} so far).", n).format(
        order=_ref(t, order), n=t.number(n))
    return [*effects, reply(event, done)]


def review_refused(t: Translator, order: Order, refusal: Refusal) -> str:
    texts = {
        "no_review": t._("{order} has no review."),
        "hidden": t._("The review of {order} is already hidden."),
        "not_hidden": t._("The review of {order} is not hidden."),
    }
    return texts[refusal.reason].format(order=_ref(t, order))


async def hide_command(event: ChatEvent, ctx: Context, t: Translator) -> list[Effect]:
    order, reason = await target(event, ctx, need_reason=True)
    refusal = await service.hide_order_review(ctx.uow, order, event.user.id, reason, ctx.now)
    if refusal is not None:
        return [reply(event, review_refused(t, order, refusal))]
    t_chat = ctx.t_order(order)
    told = say(order, t_chat._("A moderator hid the review of {order} because it breaks the "
                               "rules.").format(order=_ref(t_chat, order)))
    return [await current_card(ctx, order), told,
            reply(event, t._("The review of {order} is hidden. It no longer shows on the card "
                             "or on the profile.").format(order=_ref(t, order)))]


async def restore_command(event: ChatEvent, ctx: Context, t: Translator) -> list[Effect]:
    order, _ = await target(event, ctx)
    refusal = await service.restore_order_review(ctx.uow, order, event.user.id, ctx.now)
    if refusal is not None:
        return [reply(event, review_refused(t, order, refusal))]
    return [await current_card(ctx, order),
            reply(event, t._("The review of {order} is shown again.").format(
                order=_ref(t, order)))]


async def cancel_command(event: ChatEvent, ctx: Context, t: Translator) -> list[Effect]:
    order, reason = await target(event, ctx, need_reason=True)
    cancelled = await service.cancel_order(ctx.uow, order, event.user.id, reason, ctx.now)
    if cancelled.refusal is not None:
        return [reply(event, t._("{order} is already cancelled.").format(order=_ref(t, order)))]
    stopped = cancelled.stopped
    t_chat = ctx.t_order(order)
    effects: list[Effect] = rating_paused(order, stopped, t_chat) if stopped else []
    effects.append(await current_card(ctx, order))
    effects.append(say(order, t_chat._("A moderator cancelled {order}. Reason: {reason}").format(
        order=_ref(t_chat, order), reason=t_chat.isolate(reason))))
    if order.chat_id != event.chat_id:
        effects.append(reply(event, t._("{order} is cancelled; the chat was told.").format(
            order=_ref(t, order))))
    return effects


def refund_refused(t: Translator, order: Order, refusal: Refusal) -> str:
    texts = {
        "decided": t._("{order}: the refund decision was already recorded on {when}."),
        "waiting": t._("{order}: the wait for the client's answer is still running; the order "
                       "is not eligible for the refund yet."),
        "not_eligible": t._("{order} is not eligible for the credit refund (only orders not "
                            "going ahead because the client did not answer are)."),
    }
    return texts[refusal.reason].format(order=_ref(t, order), when=_when(t, order, refusal.when))


async def refund_command(event: ChatEvent, ctx: Context, t: Translator) -> list[Effect]:
    order, _ = await target(event, ctx)
    refusal = await service.record_refund(ctx.uow, order, event.user.id, ctx.now)
    if refusal is not None:
        return [reply(event, refund_refused(t, order, refusal))]
    marketplace = ctx.settings.marketplace_name
    return [reply(event, _refund_recorded(t, marketplace).format(
        order=_ref(t, order), marketplace=t.isolate(marketplace or "")))]


def _refund_recorded(t: Translator, marketplace: str | None) -> str:
    if marketplace:
        return t._("{order}: the refund decision is recorded. The credits are moved by "
                   "{marketplace}.")
    return t._("{order}: the refund decision is recorded. The credits are moved by the "
               "marketplace.")


async def refund_tap(event: ChatEvent, ctx: Context, data: RecordRefund) -> list[Effect]:
    """The "rfd" button: the same as /refund <id>."""
    check_moderator(event.user.id, ctx.moderators)
    order, refusal = await service.record_refund_of(ctx.uow, data.order_id, event.user.id,
                                                    ctx.now)
    t = ctx.t_person(event)
    if refusal is None:
        text = t._("{order}: the refund decision is recorded.").format(order=_ref(t, order))
    else:
        text = refund_refused(t, order, refusal)
    return [AnswerCallback(event.callback_id or "", text[:200], alert=True)]
