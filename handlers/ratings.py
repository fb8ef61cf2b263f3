"""Stars inline, then the optional aspects and comment; only the order's client rates."""

from __future__ import annotations

from bot.bidi import addressed
from bot.core.callback_data import AspectValue, CommentChoice, EditRating, ReplyToReview, Stars
from bot.core.errors import BadCallback
from bot.core.events import (
    AnswerCallback,
    Button,
    ChatEvent,
    EditMessage,
    Effect,
    ForceReply,
    Ref,
    SendMessage,
)
from bot.domain.errors import InvalidInput
from bot.domain.order import Order
from bot.domain.prompts import Prompt, PromptStep
from bot.domain.ratings import ASPECTS, Rating
from bot.domain.reviews import ReviewRequest
from bot.i18n import Translator
from bot.services import orders as order_service
from bot.services import ratings as rating_service
from bot.services.ratings import review_ref
from handlers.context import Context
from handlers.keyboards import aspect_row, comment_menu
from handlers.labels import aspect_name, stars
from handlers.orders import current_card
from handlers.prompts import ask, close, not_yours
from handlers.render import request_text, say
from handlers.router import Router


def register(router: Router) -> None:
    router.tap(Stars)(star_tap)
    router.tap(AspectValue)(aspect_tap)
    router.tap(CommentChoice)(comment_choice)
    router.prompt(PromptStep.COMMENT)(comment_reply)


async def star_tap(event: ChatEvent, ctx: Context, data: Stars) -> list[Effect]:
    if not 1 <= data.value <= 5:
        raise BadCallback("stars are 1 to 5")
    tapped = await rating_service.rate(ctx.uow, data.request_id, event.chat_id, event.message_id,
                                       event.user.id, data.value, ctx.now, ctx.policy)
    order, request, rating = tapped.order, tapped.request, tapped.rating
    if tapped.repeated:
        return _already_rated(event, ctx, order, request, rating)
    t = ctx.t_order(order)
    shown = _rated_request(order, request, rating, t)
    edits: list[Effect] = [EditMessage(event.chat_id, shown, None, message_id=event.message_id)]
    if tapped.on_change_row:  # the request shows the new stars too
        changed = t._("{client} changed the rating: {stars}").format(
            client=t.isolate(order.client_name), stars=stars(rating.stars))
        edits = [EditMessage(event.chat_id, changed, None, message_id=event.message_id),
                 EditMessage(order.chat_id, shown, None, ref=Ref("request", request.id),
                             order_id=order.id)]
    alert = ctx.t_person(event, order)._("Thank you! Now a few optional details.")
    return [AnswerCallback(event.callback_id or "", alert), *edits,
            _aspect_question(order, request, t, ASPECTS[0]), await current_card(ctx, order)]


def _rated_request(order: Order, request: ReviewRequest, rating: Rating, t: Translator) -> str:
    rated = t._("{client} rated: {stars}").format(client=t.isolate(order.client_name),
                                                  stars=stars(rating.stars))
    return request_text(order, request, t) + "\n\n" + rated


def _already_rated(event: ChatEvent, ctx: Context, order: Order, request: ReviewRequest,
                   rating: Rating) -> list[Effect]:
    """The same stars tapped again (a double tap, a stale message): the alert says the rating
    that stands, and the tapped request shows it, without buttons."""
    t_person = ctx.t_person(event, order)
    text = t_person._("You already rated {order}: {stars}.").format(
        order=t_person.order_ref(order.id, order.title), stars=stars(rating.stars))
    shown = _rated_request(order, request, rating, ctx.t_order(order))
    return [AnswerCallback(event.callback_id or "", text, True),
            EditMessage(event.chat_id, shown, None, message_id=event.message_id)]


def _aspect_question(order: Order, request: ReviewRequest, t: Translator,
                     aspect: str) -> SendMessage:
    text = t._("Optional: how would you rate this aspect, from 1 to 5?") + "\n" + \
        aspect_name(t, aspect)
    return say(order, text, keyboard=aspect_row(request.id, aspect, t))


async def aspect_tap(event: ChatEvent, ctx: Context, data: AspectValue) -> list[Effect]:
    aspect, value = data.aspect, data.value
    if aspect not in ASPECTS or not 0 <= value <= 5:
        raise BadCallback("bad aspect")
    rated = await rating_service.answer_aspect(ctx.uow, data.request_id, event.chat_id,
                                               event.user.id, aspect, value, ctx.now, ctx.policy)
    order, request = rated.order, rated.request
    t = ctx.t_order(order)
    following = ASPECTS.index(aspect) + 1
    if following < len(ASPECTS):
        next_aspect = ASPECTS[following]
        question = _aspect_question(order, request, t, next_aspect)
        return [EditMessage(event.chat_id, question.text, question.keyboard,
                            message_id=event.message_id)]
    text = t._("Would you like to add a written comment?")
    return [EditMessage(event.chat_id, text, comment_menu(request.id, t),
                        message_id=event.message_id)]


async def comment_choice(event: ChatEvent, ctx: Context, data: CommentChoice) -> list[Effect]:
    rated = await rating_service.choose_comment(
        ctx.uow, data.request_id, event.chat_id, event.message_id, event.user.id,
        data.choice == "skip", ctx.now, ctx.policy)
    order, rating = rated.order, rated.rating
    t = ctx.t_order(order)
    if data.choice == "skip":
        return [EditMessage(event.chat_id, thank_you(order, rating, t), result_keyboard(rating, t),
                            message_id=event.message_id)]
    limit = ctx.policy.comment_max_length
    text = t.ngettext(
        "Write your comment about {order} as a reply to this message (at most {n} character).",
        "Write your comment about {order} as a reply to this message (at most {n} characters).",
        limit).format(order=t.order_ref(order.id, order.title), n=t.number(limit))
    prompt = await ask(ctx, order, event.user.id, event.user.username, PromptStep.COMMENT,
                       text, t._("Your comment"), rating.id)
    return [EditMessage(event.chat_id, t._("Waiting for your comment…"), None,
                        message_id=event.message_id), prompt]


async def comment_reply(event: ChatEvent, ctx: Context, prompt: Prompt) -> list[Effect]:
    refused = not_yours(event, ctx, prompt)
    if refused is not None:
        return refused
    try:
        rated = await rating_service.comment(ctx.uow, prompt.target_id or 0, prompt.order_id,
                                             event.user.id, event.text, ctx.now, ctx.policy)
    except InvalidInput as error:
        if error.context.get("field") != "comment" or "limit" not in error.context:
            raise
        order = await order_service.get_order(ctx.uow, prompt.order_id)
        return [_comment_too_long(event, ctx, order, prompt)]
    if rated is None:
        return []
    await close(ctx, prompt)
    order, rating = rated.order, rated.rating
    t = ctx.t_order(order)
    return [say(order, thank_you(order, rating, t), keyboard=result_keyboard(rating, t),
                ref=review_ref(rating)),
            await current_card(ctx, order)]


def _comment_too_long(event: ChatEvent, ctx: Context, order: Order,
                      prompt: Prompt) -> SendMessage:
    """Nothing is stored and the question stays open: this message carries the prompt's ref,
    so a reply to it answers the question as well as a reply to the first one does."""
    t = ctx.t_order(order)
    limit = ctx.policy.comment_max_length
    text = t.ngettext(
        "Your comment is too long: at most {n} character. Please shorten it and send it again "
        "as a reply to this message.",
        "Your comment is too long: at most {n} characters. Please shorten it and send it again "
        "as a reply to this message.", limit).format(n=t.number(limit))
    return SendMessage(event.chat_id, addressed(event.user.username, text),
                       force_reply=ForceReply(t._("Your comment")[:64]),
                       reply_to_message_id=event.message_id, thread_id=event.thread_id,
                       ref=Ref("prompt", prompt.id), order_id=order.id)


def thank_you(order: Order, rating: Rating, t: Translator) -> str:
    lines = [t._("Thank you, {client}! Your review of {order}:").format(
        client=t.isolate(order.client_name), order=t.order_ref(order.id, order.title)),
        f"{stars(rating.stars)} ({t.number(rating.stars)}/5)"]
    for aspect in ASPECTS:
        value = getattr(rating, aspect)
        shown = stars(value) if value else t._("not rated")
        lines.append(f"{aspect_name(t, aspect)}: {shown}")
    if rating.comment:
        lines.append(t._("Comment: {text}").format(text=rating.comment))
    if rating.reply:
        lines.append(t._("Reply from {pro}: {text}").format(pro=t.isolate(order.pro_name),
                                                            text=rating.reply))
    return "\n".join(lines)


def result_keyboard(rating: Rating, t: Translator) -> tuple[tuple[Button, ...], ...]:
    """Change my rating (the client) and, until the pro has replied, Reply (the pro)."""
    rid = rating.id
    buttons = [Button(t._("Change my rating"), EditRating(rid).pack())]
    if rating.reply is None:
        buttons.append(Button(t._("Reply to the review"), ReplyToReview(rid).pack()))
    return (tuple(buttons),)
