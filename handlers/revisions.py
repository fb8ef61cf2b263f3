"""The client asks for a revision, counted against the allowance."""

from __future__ import annotations

from bot.core.callback_data import AskRevision
from bot.core.events import AnswerCallback, ChatEvent, Effect, SendMessage
from bot.domain.errors import Exhausted
from bot.domain.order import Order
from bot.domain.prompts import Prompt, PromptStep
from bot.domain.revisions import Revision, RevisionBlock, revision_block
from bot.i18n import Translator
from bot.services import orders as order_service
from bot.services import work
from handlers.context import Context
from handlers.labels import status_name
from handlers.orders import current_card
from handlers.prompts import ask, close, not_yours
from handlers.render import say
from handlers.router import Router


def register(router: Router) -> None:
    router.tap(AskRevision)(ask_revision)
    router.prompt(PromptStep.REVISION)(revision_reply)


def exhausted_text(t: Translator, order: Order) -> str:
    n = order.included_revisions
    if n == 0:
        return t._("This order includes no revisions.")
    return t.ngettext("The {n} included revision has already been used.",
                      "All {n} included revisions have already been used.", n
                      ).format(n=t.number(n))


def _stage_text(t: Translator, order: Order) -> str:
    return t._("Revisions can be asked for only while the order is in progress or done; it is "
               "now: {status}.").format(status=status_name(t, order.status))


async def ask_revision(event: ChatEvent, ctx: Context, data: AskRevision) -> list[Effect]:
    order = await work.order_to_revise(ctx.uow, data.order_id, event.chat_id, event.user.id)
    t_person = ctx.t_person(event, order)
    block = revision_block(order)
    if block == RevisionBlock.STAGE:
        return [AnswerCallback(event.callback_id or "", _stage_text(t_person, order), True)]
    if block == RevisionBlock.EXHAUSTED:
        return [AnswerCallback(event.callback_id or "", exhausted_text(t_person, order), True)]
    t = ctx.t_order(order)
    left = order.revisions_left
    text = t.ngettext(
        "Describe what should be changed in {order}, as a reply to this message ({n} revision "
        "left).",
        "Describe what should be changed in {order}, as a reply to this message ({n} revisions "
        "left).", left).format(order=t.order_ref(order.id, order.title), n=t.number(left))
    prompt = await ask(ctx, order, event.user.id, event.user.username, PromptStep.REVISION,
                       text, t._("What should be changed?"))
    return [prompt]


async def revision_reply(event: ChatEvent, ctx: Context, prompt: Prompt) -> list[Effect]:
    refused = not_yours(event, ctx, prompt)
    if refused is not None:
        return refused
    order = await order_service.get_order(ctx.uow, prompt.order_id)
    await close(ctx, prompt)
    t_person = ctx.t_person(event, order)
    if not order.working:
        return [_answer(event, _stage_text(t_person, order))]
    try:
        revision = await work.request_revision(ctx.uow, order, event.user.id, event.text,
                                               ctx.now, ctx.policy)
    except Exhausted:
        return [_answer(event, exhausted_text(t_person, order))]
    return [say(order, revision_text(ctx.t_order(order), order, revision)),
            await current_card(ctx, order)]


def revision_text(t: Translator, order: Order, revision: Revision) -> str:
    asked = t._("Revision {number} of {total} requested by {client}: «{description}»").format(
        number=t.number(revision.number), total=t.number(order.included_revisions),
        client=t.isolate(order.client_name), description=t.isolate(revision.description))
    left = order.revisions_left
    remaining = t.ngettext("{n} revision left.", "{n} revisions left.", left).format(
        n=t.number(left))
    return f"{asked}\n{remaining}"


def _answer(event: ChatEvent, text: str) -> SendMessage:
    return SendMessage(event.chat_id, text, reply_to_message_id=event.message_id,
                       thread_id=event.thread_id)
