"""/order <id>: the card, the people, the review and the full history of one order, in the
moderator's language and under Telegram's 4096 characters."""

from __future__ import annotations

import contextlib
from datetime import datetime

from bot.domain.audit import AuditEntry
from bot.domain.order import Order, Status, StatusChange
from bot.domain.quiet_hours import QuietHours
from bot.domain.reviews import Rating, RatingEdit
from bot.domain.revisions import Revision
from bot.i18n import N_, Translator
from bot.services.history import OrderRecord
from handlers.labels import aspect_name, stars, status_name
from handlers.mod_common import MAX_TEXT
from handlers.render import card_text

LINE_MAX = 300
ACTIONS = {
    "order_created": N_("order created"),
    "client_claimed": N_("became the client"),
    "pro_claimed": N_("became the professional"),
    "hire_confirmed": N_("confirmed the hire"),
    "reminder_sent": N_("sent a reminder"),
    "review_hidden": N_("hid the review"),
    "review_restored": N_("restored the review"),
    "order_cancelled": N_("cancelled the order"),
    "refund_decided": N_("recorded the refund decision"),
    "mod_added": N_("added a moderator"),
    "mod_removed": N_("removed a moderator"),
    "export": N_("exported the data"),
    "revision_requested": N_("asked for a revision"),
    "delivery_date_proposed": N_("proposed a new delivery date"),
    "delivery_date_accepted": N_("accepted the new delivery date"),
    "delivery_date_refused": N_("refused the new delivery date"),
    "dispute_opened": N_("opened a dispute"),
    "dispute_resolved": N_("resolved the dispute"),
    "dispute_withdrawn": N_("withdrew the dispute"),
    "checkin_offered": N_("started writing the check-in"),
    "checkin_sent": N_("sent the check-in"),
}
STATUS_DETAIL = frozenset({"dispute_resolved", "dispute_withdrawn"})  # detail: the new status
_STATUSES = frozenset(status.value for status in Status)
Event = tuple[datetime, str]


def action_name(t: Translator, action: str) -> str:
    return t._(ACTIONS[action]) if action in ACTIONS else action


def order_details(order: Order, record: OrderRecord, t: Translator,
                  quiet: QuietHours | None = None) -> str:
    """/order: the card (with when a held note or reminder goes), the people, the history."""
    names = record.names
    head = [card_text(order, t, record.request, record.rating, quiet), _people(order, t)]
    head += _refund_lines(order, t) + _rating_lines(order, record.rating, t)
    events = sorted([*(_change(c, t, names, order) for c in record.changes),
                     *(_entry(e, t, names, order) for e in record.entries),
                     *(_revision(r, t, order) for r in record.revisions),
                     *(_edit(e, t, order) for e in record.edits)], key=lambda event: event[0])
    return _fit("\n\n".join(head), [text for _, text in events], t)


def _people(order: Order, t: Translator) -> str:
    lines = [t._("Professional: {name} (id {id})").format(name=t.isolate(order.pro_name),
                                                          id=t.isolate(order.pro_id))
             ] if order.pro_id else []  # a moderator's order before its pro is bound
    if order.client_id is not None:
        lines.append(t._("Client: {name} (id {id})").format(name=t.isolate(order.client_name),
                                                            id=t.isolate(order.client_id)))
    lines.append(t._("Chat: {id}").format(id=t.isolate(order.chat_id)))
    return "\n".join(lines)


def _refund_lines(order: Order, t: Translator) -> list[str]:
    if order.refund_decided_at is not None:
        return [t._("Refund decision recorded on {when}.").format(
            when=t.datetime(order.refund_decided_at, order.timezone, "short"))]
    if order.refund_eligible_at is not None:
        return [t._("Eligible for the credit refund since {when}: /refund {id}").format(
            when=t.datetime(order.refund_eligible_at, order.timezone, "short"), id=order.id)]
    return []


def _rating_lines(order: Order, rating: Rating | None, t: Translator) -> list[str]:
    if rating is None:
        return []
    lines = [t._("Review: {stars} ({value}/5)").format(stars=stars(rating.stars),
                                                       value=t.number(rating.stars))]
    for aspect, value in rating.aspects().items():
        if value is not None:
            lines.append(f"{aspect_name(t, aspect)}: {stars(value)}")
    if rating.comment:
        lines.append(t._("Comment: {text}").format(text=t.isolate(rating.comment)))
    if rating.reply:
        lines.append(t._("Reply: {text}").format(text=t.isolate(rating.reply)))
    if rating.hidden:
        lines.append(t._("Hidden by a moderator: {reason}").format(
            reason=t.isolate(rating.hidden_reason or "")))
    return ["\n".join(lines)]


def _when(t: Translator, at: datetime, order: Order) -> str:
    return t.datetime(at, order.timezone, "short")


def _who(t: Translator, names: dict[int, str], user_id: int) -> str:
    return t.isolate(names.get(user_id) or user_id)


def _change(c: StatusChange, t: Translator, names: dict[int, str], order: Order) -> Event:
    text = t._("{when} — {who}: {old} → {new}").format(
        when=_when(t, c.at, order), who=_who(t, names, c.by_user_id),
        old=status_name(t, c.from_status) if c.from_status else "—",
        new=status_name(t, c.to_status))
    return c.at, _line(text, c.reason)


def _entry(e: AuditEntry, t: Translator, names: dict[int, str], order: Order) -> Event:
    text = t._("{when} — {who}: {what}").format(
        when=_when(t, e.at, order), who=_who(t, names, e.actor_id),
        what=action_name(t, e.action))
    return e.at, _line(text, _detail(e, t, order))


def _detail(e: AuditEntry, t: Translator, order: Order) -> str | None:
    """The entry's detail as a moderator reads it: a status by its name, a moment in the
    order's time zone; free text as it was written."""
    if e.action in STATUS_DETAIL and e.detail in _STATUSES:
        return status_name(t, Status(e.detail))
    if e.action == "checkin_offered" and e.detail:
        with contextlib.suppress(ValueError):
            return t._("until {when}").format(
                when=_when(t, datetime.fromisoformat(e.detail), order))
    return e.detail


def _revision(r: Revision, t: Translator, order: Order) -> Event:
    text = t._("{when} — revision {n} asked").format(when=_when(t, r.requested_at, order),
                                                     n=t.number(r.number))
    return r.requested_at, _line(text, r.description)


def _edit(e: RatingEdit, t: Translator, order: Order) -> Event:
    """The rating as it was before a change: its stars, the aspects it had, its comment (a
    change of one aspect alone shows there, and only there)."""
    aspects = (("on_time", e.on_time), ("quality", e.quality),
               ("communication", e.communication))
    before = " · ".join([stars(e.stars), *(f"{aspect_name(t, aspect)}: {stars(value)}"
                                           for aspect, value in aspects if value is not None)])
    text = t._("{when} — the rating was changed; before: {stars}").format(
        when=_when(t, e.at, order), stars=before)
    return e.at, _line(text, e.comment)


def _line(text: str, detail: str | None) -> str:
    line = f"{text} ({detail})" if detail else text
    return line if len(line) <= LINE_MAX else line[:LINE_MAX - 1] + "…"


def _fit(head: str, history: list[str], t: Translator) -> str:
    """The head, then as much history as fits, then "…and N more"."""
    title = t._("History:")
    text = f"{head}\n\n{title}" if history else head
    for index, line in enumerate(history):
        rest = len(history) - index
        more = "\n" + t.ngettext("…and {n} more", "…and {n} more", rest).format(
            n=t.number(rest))
        if len(text) + 1 + len(line) + (len(more) if rest > 1 else 0) > MAX_TEXT:
            return text + more
        text += "\n" + line
    return text[:MAX_TEXT]
