"""Asking someone to type: a ForceReply on a message that names the order.

The answer is matched by the replied-to message (privacy mode lets the bot see replies to
its own messages), never by "the last thing that person typed".
"""

from __future__ import annotations

from bot.bidi import addressed
from bot.core.events import ChatEvent, Effect, ForceReply, Ref, SendMessage
from bot.domain.order import Order
from bot.domain.prompts import Prompt, PromptStep
from bot.services.prompts import close_prompt, open_prompt
from handlers.context import Context


async def ask(ctx: Context, order: Order, user_id: int, username: str | None, step: PromptStep,
              text: str, placeholder: str, target_id: int | None = None) -> SendMessage:
    prompt = await open_prompt(ctx.uow, order, user_id, step, ctx.now, target_id)
    # Selective: only the person asked gets the reply box (they are @mentioned).
    return SendMessage(order.chat_id, addressed(username, text),
                       force_reply=ForceReply(placeholder[:64], selective=bool(username)),
                       thread_id=order.thread_id, ref=Ref("prompt", prompt.id),
                       order_id=order.id)


async def close(ctx: Context, prompt: Prompt) -> None:
    await close_prompt(ctx.uow, prompt)


def not_yours(event: ChatEvent, ctx: Context, prompt: Prompt) -> list[Effect] | None:
    """A reply by someone else than the person asked, or to an answered prompt."""
    refusal = prompt.refusal(event.user.id)
    if refusal is None:
        return None
    t = ctx.t_person(event)
    text = (t._("That question was for someone else.") if refusal == "someone_else"
            else t._("That question was already answered."))
    return [SendMessage(event.chat_id, text, reply_to_message_id=event.message_id,
                        thread_id=event.thread_id)]
