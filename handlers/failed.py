"""What people see of an update the bot could not handle: the answer to a tap while the
database is away, the chat's notice when an update is set aside, the moderators' notice and
their /failed list."""

from __future__ import annotations

from bot.core.event_codec import event_from_json, redacted
from bot.core.events import AnswerCallback, ChatEvent, Effect, EventKind, SendMessage
from bot.domain.parking import ParkedUpdate
from bot.i18n import Translations, Translator, resolve_locale
from bot.services import failed, notices, orders
from handlers.context import Context
from handlers.mod_common import moderator_command, private
from handlers.router import Router

LISTED = 30


def register(router: Router) -> None:
    moderator_command(router, "failed")(failed_command)


def outage_answer(translations: Translations, callback_id: str, language: str | None,
                  default: str) -> AnswerCallback:
    """A tap's answer while nothing can be saved (it needs no database)."""
    t = translations.get(resolve_locale(None, language, None, default))
    return AnswerCallback(callback_id,
                          t._("Temporarily unavailable: please try again in a minute."))


async def parked_effects(ctx: Context, event: ChatEvent, tell_moderators: bool
                         ) -> list[Effect]:
    """The chat told, in its language, that the last action was not done; the tap answered;
    the moderators told (when it is their turn to be)."""
    order = await orders.chat_order(ctx.uow, event.chat_id, event.thread_id)
    t = ctx.t_order(order) if order is not None else ctx.t_person(event)
    text = t._("⚠️ The last action could not be completed. Please try it again later; the "
               "moderators have been told.")
    effects: list[Effect] = [SendMessage(event.chat_id, text, thread_id=event.thread_id)]
    if event.kind == EventKind.CALLBACK and event.callback_id:
        effects.insert(0, AnswerCallback(event.callback_id, text, alert=True))
    if tell_moderators:
        effects += await _moderators_told(ctx)
    return effects


async def _moderators_told(ctx: Context) -> list[Effect]:
    effects: list[Effect] = []
    for moderator in await notices.moderator_ids(ctx.uow, ctx.settings.moderator_ids):
        t = await notices.translator_for(ctx.uow, ctx.translations, moderator,
                                         ctx.settings.default_language)
        effects.append(SendMessage(moderator, t._(
            "Some updates could not be handled and were set aside; /failed lists them.")))
    return effects


async def failed_command(event: ChatEvent, ctx: Context, t: Translator) -> list[Effect]:
    rows = await failed.parked(ctx.uow, LISTED + 1)
    if not rows:
        return private(event, t, t._("No update is set aside."))
    lines = [t._("Updates set aside (they could not be handled):")]
    lines += [_line(t, row, ctx.settings.timezone) for row in rows[:LISTED]]
    if len(rows) > LISTED:
        lines.append(t._("…and more: orderbot updates --failed lists them all."))
    lines.append(t._("To run them again, on the server: orderbot updates --retry ID (or all)"))
    return private(event, t, "\n".join(lines))


def _line(t: Translator, row: ParkedUpdate, timezone: str) -> str:
    when = t.datetime(row.parked_at, timezone, "short") if row.parked_at else "—"
    what = _what(row)
    return t._("#{id} · {when} · chat {chat} · {what} · {error}").format(
        id=row.update_id, when=when, chat=t.isolate(row.chat_id or 0), what=what,
        error=row.error)


def _what(row: ParkedUpdate) -> str:
    try:
        return redacted(event_from_json(row.event or ""))
    except ValueError:
        return "?"
