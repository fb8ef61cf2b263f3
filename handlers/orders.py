"""Binding a group to an order, the card, "I am the client", help."""

from __future__ import annotations

from bot.core.callback_data import BackToCard, ClaimClient, ClaimPro, Noop
from bot.core.events import AnswerCallback, ChatEvent, Effect, SendMessage
from bot.domain.order import Order
from bot.i18n import Translator
from bot.services import notices
from bot.services import orders as order_service
from handlers.context import Context
from handlers.render import card, new_card, say
from handlers.router import Router


def register(router: Router) -> None:
    router.command("neworder")(new_order)
    router.command("start")(start)
    router.command("help")(help_command)
    router.tap(ClaimClient)(claim)
    router.tap(ClaimPro)(claim_pro)
    router.tap(BackToCard)(refresh_card)
    router.tap(Noop)(noop)


def _reply(event: ChatEvent, text: str) -> SendMessage:
    return SendMessage(event.chat_id, text, reply_to_message_id=event.message_id,
                       thread_id=event.thread_id)


async def new_order(event: ChatEvent, ctx: Context) -> list[Effect]:
    """/neworder <title>: the pro (or a moderator) binds this group to a new order. A
    moderator's order gets its pro, like its client, from the card's claim buttons."""
    t = ctx.t_person(event)
    if event.chat_type == "private":
        return [_reply(event, t._("Use /neworder in the order's group, with the client in it."))]
    title = event.args.strip()
    if not title:
        return [_reply(event, t._("Usage: /neworder <title of the job>"))]
    existing = await order_service.order_holding_chat(ctx.uow, event.chat_id, event.thread_id)
    if existing is not None:
        return [_reply(event, t._("This chat already has {order}. A new order needs its own "
                                  "group or forum topic.").format(
            order=t.order_ref(existing.id, existing.title)))]
    person = ctx.t_person(event)  # the order speaks its creator's language, in their region
    reads_all = await order_service.bot_reads(ctx.uow, event.chat_id, ctx.bot_reads_all)
    by_moderator = ctx.is_moderator(event.user.id)
    order = await order_service.create_order(
        ctx.uow, chat_id=event.chat_id, thread_id=event.thread_id, title=title,
        pro_id=0 if by_moderator else event.user.id,
        pro_name="" if by_moderator else event.user.name, language=person.language,
        region=person.locale.territory or "", timezone=ctx.settings.timezone, now=ctx.now,
        policy=ctx.policy, can_read_all=reads_all,
        by=event.user.id, pro_is_bot=event.user.is_bot)
    t_chat = ctx.t_order(order)
    effects: list[Effect] = [new_card(order, t_chat)]
    if not reads_all:
        effects += await privacy_notice(order, t_chat, ctx)
    return effects


async def privacy_notice(order: Order, t: Translator, ctx: Context) -> list[Effect]:
    """Say what privacy mode costs and what to change: to the chat in the order's language, to
    each moderator in their own."""
    text = t._(
        "Note: I can only see commands, taps and replies to my messages here. To stop the "
        "refund wait when the client writes, and to measure the check-in window from the "
        "professional's last message, make me an administrator of this group or turn off my "
        "privacy mode with @BotFather. Until then I count only taps and replies.")
    effects: list[Effect] = [say(order, text)]
    for moderator in sorted(ctx.moderators):
        t_mod = await notices.translator_for(ctx.uow, ctx.translations, moderator,
                                             ctx.settings.default_language)
        effects.append(SendMessage(moderator, t_mod._(
            "Privacy mode is on in the chat of {order}: I cannot see ordinary messages there, "
            "so the refund wait and the check-in window count only taps, commands and replies. "
            "To change that, make me an administrator of that group, or turn off my privacy "
            "mode with @BotFather (/setprivacy, then Disable) and add me to the group "
            "again.").format(order=t_mod.order_ref(order.id, order.title))))
    return effects


async def start(event: ChatEvent, ctx: Context) -> list[Effect]:
    """/start: help in private; /start <token> in a group binds a backend-created order."""
    token = event.args.strip()
    if not token or event.chat_type == "private":
        return await help_command(event, ctx)
    order = await order_service.bind_by_token(ctx.uow, token, event.chat_id, event.thread_id,
                                              ctx.bot_reads_all)
    t_chat = ctx.t_order(order)
    effects: list[Effect] = [new_card(order, t_chat)]
    if not order.can_read_all:
        effects += await privacy_notice(order, t_chat, ctx)
    return effects


async def help_command(event: ChatEvent, ctx: Context) -> list[Effect]:
    t = ctx.t_person(event)
    lines = [
        _about(t, ctx.settings.marketplace_name),
        t._("In the order's group, the professional starts with /neworder <title>; the client "
            "taps \"I am the client\" on the card."),
        t._("/profile shows a professional's reviews; /lang changes your language."),
    ]
    if ctx.is_moderator(event.user.id):
        lines.append(t._("Moderators: /orders, /order <id>, /remind <id>, /hide_review <id> "
                         "<reason>, /restore_review <id>, /cancel <id> <reason>, /refund <id>, "
                         "/disputes, /stats, /export, /mod_add <user id>, /mod_remove <user id>."))
    return [_reply(event, "\n\n".join(lines))]


async def claim(event: ChatEvent, ctx: Context, data: ClaimClient) -> list[Effect]:
    """"I am the client": the first other member who taps it."""
    order = await order_service.claim_client(
        ctx.uow, data.order_id, event.chat_id, event.user.id, event.user.name, ctx.now,
        moderator=ctx.is_moderator(event.user.id), is_bot=event.user.is_bot)
    t_chat = ctx.t_order(order)
    return _claimed(event, ctx, order,
                    ctx.t_person(event, order)._("You are the client of this order."),
                    t_chat._("{client} is the client of {order}.").format(
                        client=t_chat.isolate(order.client_name), order=_order_no(t_chat, order)))


async def claim_pro(event: ChatEvent, ctx: Context, data: ClaimPro) -> list[Effect]:
    """"I am the professional", on the card of an order a moderator opened."""
    order = await order_service.claim_pro(
        ctx.uow, data.order_id, event.chat_id, event.user.id, event.user.name, ctx.now,
        moderator=ctx.is_moderator(event.user.id), is_bot=event.user.is_bot)
    t_chat = ctx.t_order(order)
    return _claimed(event, ctx, order,
                    ctx.t_person(event, order)._("You are the professional of this order."),
                    t_chat._("{pro} is the professional of {order}.").format(
                        pro=t_chat.isolate(order.pro_name), order=_order_no(t_chat, order)))


def _order_no(t: Translator, order: Order) -> str:
    return t._("order #{id}").format(id=t.isolate(order.id))


def _claimed(event: ChatEvent, ctx: Context, order: Order, alert: str,
             announcement: str) -> list[Effect]:
    """A role taken: the tapper's alert, the card redrawn, and the chat told who it is."""
    return [AnswerCallback(event.callback_id or "", alert),
            card(order, ctx.t_order(order)), say(order, announcement)]


async def refresh_card(event: ChatEvent, ctx: Context, data: BackToCard) -> list[Effect]:
    order = await order_service.order_for_tap(ctx.uow, data.order_id, event.chat_id)
    return [await current_card(ctx, order)]


async def current_card(ctx: Context, order: Order) -> Effect:
    view = await order_service.card_view(ctx.uow, order)
    return card(order, ctx.t_order(order), view.request, view.rating, ctx.policy.quiet_hours)


async def noop(event: ChatEvent, ctx: Context, data: Noop) -> list[Effect]:
    return []


def _about(t: Translator, marketplace: str | None) -> str:
    """What the bot does, naming the marketplace when ORDERBOT_MARKETPLACE_NAME is set."""
    if marketplace:
        return t._("I keep the order thread of a job on {marketplace}: its status, the review "
                   "request and the client's rating.").format(marketplace=t.isolate(marketplace))
    return t._("I keep the order thread of a marketplace job: its status, the review request "
               "and the client's rating.")
