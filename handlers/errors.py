"""Refusals (the domain's rules, a forged button, a concurrent write) to short localized
answers, in one place."""

from __future__ import annotations

from datetime import date

from bot.core.errors import Refused
from bot.core.events import AnswerCallback, ChatEvent, Effect, EventKind, SendMessage
from bot.domain.errors import InvalidInput
from bot.i18n import N_, Translator

# A refusal that needs its own words: NotAllowed("...", why=<key>), AlreadyDone(..., why=...).
WHY = {
    "no_pro": N_("This order has no professional yet: the professional taps \"I am the "
                 "professional\" on the card first."),
    "moderator_role": N_("Moderators cannot take the client's or the professional's place "
                         "in an order."),
    "rated": N_("The client has already rated this order: we will not ask for the review "
                "again."),
    "anonymous_admin": N_("You are posting as the group's anonymous admin, so I cannot tell "
                          "who you are. Please write as yourself and send it again."),
    "bot_account": N_("A bot cannot be the client or the professional of an order."),
    "both_roles": N_("You already have the other role in this order: the client and the "
                     "professional are two different people."),
}


def error_text(t: Translator, error: Refused, tap: bool = True) -> str:
    if isinstance(error, InvalidInput):
        return _input_text(t, error)
    why = error.context.get("why")
    if isinstance(why, str) and why in WHY:
        return t._(WHY[why])
    texts = {
        "not_allowed": t._("This button is not for you.") if tap
        else t._("You are not allowed to do that in this order."),
        "invalid_transition": t._("That is not possible at this stage of the order."),
        "window_closed": t._("The rating window for this order has closed."),
        "already_done": t._("That was already done."),
        "exhausted": t._("All included revisions have been used."),
        "not_found": t._("That is no longer available."),
        "frozen": t._("Reviews are paused while this order is disputed or cancelled."),
        "conflict": t._("Someone else changed this order just now. Please look again."),
        "bad_callback": t._("This button is not valid."),
    }
    return texts.get(error.code, t._("Something went wrong. Please try again."))


def _input_text(t: Translator, error: InvalidInput) -> str:
    field = error.context.get("field")
    limit = error.context.get("limit")
    if field == "callback":
        return t._("This button is not valid.")
    if isinstance(limit, int):
        return t.ngettext("That text is too long: at most {n} character.",
                          "That text is too long: at most {n} characters.", limit
                          ).format(n=t.number(limit))
    latest = error.context.get("latest")
    if field == "date" and isinstance(latest, date):
        return t._("That day is beyond the rating window. Please choose a date no later "
                   "than {date}.").format(date=t.date(latest))
    too_far = error.context.get("too_far")
    if field == "date" and isinstance(too_far, date):
        return t._("{date} is more than a year away.").format(date=t.date(too_far))
    if field == "date":
        return t._("Please choose a date that is not in the past.")
    if field in ("note", "reply", "comment", "revision"):
        return t._("Please write some text.")
    return t._("That input is not valid.")


def error_effects(event: ChatEvent, t: Translator, error: Refused) -> list[Effect]:
    text = error_text(t, error, tap=event.kind == EventKind.CALLBACK)
    if event.kind == EventKind.CALLBACK and event.callback_id:
        return [AnswerCallback(event.callback_id, text, alert=True)]
    return [SendMessage(event.chat_id, text, reply_to_message_id=event.message_id,
                        thread_id=event.thread_id)]
