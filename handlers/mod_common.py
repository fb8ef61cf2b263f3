"""What every moderator command shares: the guard, argument parsing with a localized usage,
and where the answers go."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence

from bot.core.events import ChatEvent, Effect, Keyboard, SendMessage
from bot.domain.moderation import REASON_MAX, may_moderate
from bot.domain.order import Order
from bot.domain.text import is_blank, without_controls
from bot.i18n import N_, Translator
from bot.services import orders as order_service
from handlers.context import Context
from handlers.router import Router

MAX_TEXT = 4096
_ID = re.compile(r"^#?(\d{1,18})$", re.ASCII)

USAGE = {
    "orders": N_("Usage: /orders [status], status one of: {statuses}"),
    "order": N_("Usage: /order <order id>"),
    "remind": N_("Usage: /remind <order id>"),
    "hide_review": N_("Usage: /hide_review <order id> <reason>"),
    "restore_review": N_("Usage: /restore_review <order id>"),
    "cancel": N_("Usage: /cancel <order id> <reason>"),
    "refund": N_("Usage: /refund <order id>"),
    "disputes": N_("Usage: /disputes"),
    "stats": N_("Usage: /stats"),
    "export": N_("Usage: /export"),
    "failed": N_("Usage: /failed"),
    "mod_add": N_("Usage: /mod_add <user id>"),
    "mod_remove": N_("Usage: /mod_remove <user id>"),
}
STATUS_WORDS = ("all", "not_hired", "in_progress", "done", "not_going_ahead", "cancelled",
                "disputed")


class BadArgs(Exception):
    """Arguments that do not fit the command; raised before anything changes."""

    def __init__(self, problem: str, value: str = "") -> None:
        super().__init__(problem)
        self.problem, self.value = problem, value


ModHandler = Callable[[ChatEvent, Context, Translator], Awaitable[list[Effect]]]


def moderator_command(router: Router, name: str) -> Callable[[ModHandler], ModHandler]:
    """Register a command that only moderators may use; bad arguments get the usage."""
    def register(handler: ModHandler) -> ModHandler:
        async def guarded(event: ChatEvent, ctx: Context) -> list[Effect]:
            t = ctx.t_person(event)
            if not may_moderate(event.user.id, ctx.moderators):
                return [reply(event, t._("Only moderators can use this command."))]
            try:
                return await handler(event, ctx, t)
            except BadArgs as bad:
                return [reply(event, problem_text(t, bad) + "\n" + usage(t, name))]
        router.command(name)(guarded)
        return handler
    return register


def usage(t: Translator, name: str) -> str:
    return t._(USAGE[name]).format(statuses=", ".join(STATUS_WORDS))


def problem_text(t: Translator, bad: BadArgs) -> str:
    texts = {
        "missing_id": t._("Which order? Give its number (or use the command in the order's "
                          "chat)."),
        "bad_id": t._("«{value}» is not an order number."),
        "unknown_id": t._("There is no order #{value}."),
        "missing_reason": t._("Please give a reason."),
        "long_reason": t.ngettext("The reason is too long: at most {n} character.",
                                  "The reason is too long: at most {n} characters.",
                                  REASON_MAX),
        "bad_status": t._("Unknown status «{value}»."),
        "missing_user": t._("Which user? Give their numeric Telegram id."),
        "bad_user": t._("«{value}» is not a numeric Telegram user id."),
    }
    return texts[bad.problem].format(value=t.isolate(bad.value[:40]), n=t.number(REASON_MAX))


def reply(event: ChatEvent, text: str, keyboard: Keyboard | None = None) -> SendMessage:
    """An answer to the moderator where they wrote."""
    return SendMessage(event.chat_id, fit(text), keyboard, reply_to_message_id=event.message_id,
                       thread_id=event.thread_id)


def private(event: ChatEvent, t: Translator, text: str,
            keyboard: Keyboard | None = None) -> list[Effect]:
    """Answers about other orders go to the moderator's private chat, never into a group."""
    return private_messages(event, t, [(text, keyboard)])


def private_messages(event: ChatEvent, t: Translator,
                     messages: Sequence[tuple[str, Keyboard | None]]) -> list[Effect]:
    """Several answers in the moderator's private chat; in a group, a note that they went."""
    effects: list[Effect] = [SendMessage(event.user.id, fit(text), keyboard)
                             for text, keyboard in messages]
    if event.chat_type == "private":
        return effects
    return [*effects, reply(event, t._("I sent the answer to you in a private message."))]


def fit(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def split_first(args: str) -> tuple[str, str]:
    first, _, rest = args.strip().partition(" ")
    return first, rest.strip()


async def chat_order(event: ChatEvent, ctx: Context) -> Order | None:
    if event.chat_type == "private":
        return None
    return await order_service.chat_order(ctx.uow, event.chat_id, event.thread_id)


async def target(event: ChatEvent, ctx: Context, need_reason: bool = False
                 ) -> tuple[Order, str]:
    """The order named by the first argument, or the order of this chat; and the rest."""
    first, rest = split_first(event.args)
    match = _ID.match(first)
    if match:
        order = await order_service.find_order(ctx.uow, int(match[1]))
        if order is None:
            raise BadArgs("unknown_id", match[1])
    else:
        found = await chat_order(event, ctx)
        if found is None:
            raise BadArgs("bad_id" if first else "missing_id", first)
        order, rest = found, event.args
    reason = _reason(rest)
    if need_reason and not reason:
        raise BadArgs("missing_reason")
    if len(reason) > REASON_MAX:
        raise BadArgs("long_reason")
    return order, reason


def _reason(text: str) -> str:
    """A moderator's reason as kept: one line without control characters; empty when nothing
    visible is left (then it is missing)."""
    reason = " ".join(without_controls(text, multiline=False).split())
    return "" if is_blank(reason) else reason


def user_id_arg(event: ChatEvent) -> int:
    first, _ = split_first(event.args)
    if not first:
        raise BadArgs("missing_user")
    if not re.fullmatch(r"\d{1,18}", first, re.ASCII):
        raise BadArgs("bad_user", first)
    return int(first)
