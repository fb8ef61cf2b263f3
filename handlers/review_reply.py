"""The professional replies once to a review; the reply is shown under it."""

from __future__ import annotations

from bot.core.callback_data import ReplyToReview
from bot.core.events import ChatEvent, EditMessage, Effect
from bot.domain.prompts import Prompt, PromptStep
from bot.services import ratings as rating_service
from bot.services.ratings import review_ref
from handlers.context import Context
from handlers.prompts import ask, close, not_yours
from handlers.ratings import result_keyboard, thank_you
from handlers.render import say
from handlers.router import Router


def register(router: Router) -> None:
    router.tap(ReplyToReview)(reply_tap)
    router.prompt(PromptStep.REPLY)(reply_text)


async def reply_tap(event: ChatEvent, ctx: Context, data: ReplyToReview) -> list[Effect]:
    """Only the pro of that order, once: a ForceReply prompt for the reply."""
    rating, order = await rating_service.to_reply(ctx.uow, data.rating_id, event.chat_id,
                                                  event.message_id, event.user.id, ctx.now)
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
    replied = await rating_service.reply(ctx.uow, prompt.target_id or 0, prompt.order_id,
                                         event.user.id, event.text, ctx.now, ctx.policy)
    await close(ctx, prompt)
    order, rating = replied.order, replied.rating
    t = ctx.t_order(order)
    posted = t._("{pro} replied to the review of {order}:\n{reply}").format(
        pro=t.isolate(order.pro_name), order=t.order_ref(order.id, order.title),
        reply=rating.reply)
    effects: list[Effect] = [say(order, posted)]
    if replied.review_shown:
        effects.append(EditMessage(order.chat_id, thank_you(order, rating, t),
                                   result_keyboard(rating, t), ref=review_ref(rating),
                                   order_id=order.id))
    return effects
