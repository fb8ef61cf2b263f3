"""The professional replies once to a review; the reply is shown under it."""

from __future__ import annotations

from bot.core.callback_data import ReplyToReview
from bot.core.events import ChatEvent, EditMessage, Effect
from bot.domain.errors import NotFound
from bot.domain.prompts import Prompt, PromptStep
from bot.services import ratings as rating_service
from handlers.context import Context
from handlers.prompts import ask, close, not_yours
from handlers.ratings import result_keyboard, review_ref, thank_you
from handlers.render import say
from handlers.router import Router


def register(router: Router) -> None:
    router.tap(ReplyToReview)(reply_tap)
    router.prompt(PromptStep.REPLY)(reply_text)


async def reply_tap(event: ChatEvent, ctx: Context, data: ReplyToReview) -> list[Effect]:
    """Only the pro of that order, once: a ForceReply prompt for the reply."""
    rating, order = await rating_service.rating_and_order(ctx.uow, data.rating_id,
                                                          event.chat_id)
    rating_service.check_can_reply(rating, order, event.user.id)
    if event.message_id is not None:  # the review message, edited once the reply arrives
        await ctx.uow.refs.record(event.chat_id, event.message_id, review_ref(rating), ctx.now)
    t = ctx.t_order(order)
    limit = ctx.policy.comment_max_length
    text = t.ngettext(
        "Write your reply to the review of {order} as a reply to this message (at most {n} "
        "character). You can reply only once.",
        "Write your reply to the review of {order} as a reply to this message (at most {n} "
        "characters). You can reply only once.",
        limit).format(order=t.order_ref(order.id, order.title), n=t.number(limit))
    return [await ask(ctx, order, event.user.id, event.user.username, PromptStep.REPLY, text,
                      t._("Your reply"), rating.id)]


async def reply_text(event: ChatEvent, ctx: Context, prompt: Prompt) -> list[Effect]:
    refused = not_yours(event, ctx, prompt)
    if refused is not None:
        return refused
    rating = await ctx.uow.ratings.get(prompt.target_id or 0)
    order = await ctx.uow.orders.get(prompt.order_id)
    if rating is None or order is None:
        raise NotFound("the review is gone")
    await rating_service.reply(ctx.uow, rating, order, event.user.id, event.text, ctx.now,
                               ctx.policy)
    await close(ctx, prompt)
    t = ctx.t_order(order)
    posted = t._("{pro} replied to the review of {order}:\n{reply}").format(
        pro=t.isolate(order.pro_name), order=t.order_ref(order.id, order.title),
        reply=rating.reply)
    effects: list[Effect] = [say(order, posted)]
    if await ctx.uow.refs.latest(review_ref(rating)) is not None:
        effects.append(EditMessage(order.chat_id, thank_you(order, rating, t),
                                   result_keyboard(rating, t), ref=review_ref(rating),
                                   order_id=order.id))
    return effects
