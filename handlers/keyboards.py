"""Inline keyboards. Every button carries ids through the codec, never text."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from bot.core.events import Button, Keyboard
from bot.domain.checkin import offers_checkin
from bot.domain.order import NotGoingAheadReason, Order, Status
from bot.i18n import Translator
from handlers.callbacks import cb
from handlers.labels import REASON, status_name


def _id(order: Order) -> int:
    if order.id is None:
        raise ValueError("order not stored")
    return order.id


def card_keyboard(order: Order, t: Translator, rated: bool = False) -> Keyboard:
    """`rated`: the client has rated (the check-in is then never offered)."""
    oid = _id(order)
    if order.status == Status.CANCELLED:
        return ()
    if not order.pro_id:  # a moderator's order: the pro's buttons wait for the pro
        claims = [(Button(t._("I am the professional"), cb("clpro", oid)),)]
        if order.client_id is None:
            claims.append((Button(t._("I am the client"), cb("claim", oid)),))
        return tuple(claims)
    if order.client_id is None:
        return ((Button(t._("I am the client"), cb("claim", oid)),),
                (Button(t._("Update"), cb("upd", oid)),))
    rows: list[tuple[Button, ...]] = [(Button(t._("Update"), cb("upd", oid)),)]
    if order.status in (Status.IN_PROGRESS, Status.DONE) and order.hire_confirmed_at is None:
        rows.append((Button(t._("Confirm the hire"), cb("hire", oid)),))
    if order.status in (Status.IN_PROGRESS, Status.DONE):
        rows.append((Button(t._("Ask for a revision"), cb("rev", oid)),
                     Button(t._("New delivery date"), cb("ddt", oid))))
        dispute = Button(t._("Open a dispute"), cb("dsp", oid))
        if offers_checkin(order, rated):  # only inside the window (bot.domain.checkin)
            rows.append((Button(t._("Check in with the client"), cb("chk", oid)), dispute))
        else:
            rows.append((dispute,))
    return tuple(rows)


def status_menu(order: Order, t: Translator) -> Keyboard:
    oid = _id(order)
    choices = [Status.NOT_HIRED, Status.IN_PROGRESS, Status.DONE, Status.NOT_GOING_AHEAD]
    rows = [(Button(status_name(t, s), cb("st", oid, s.value)),) for s in choices
            if s != order.status]
    return tuple(rows)


def reasons_menu(order: Order, t: Translator) -> Keyboard:
    oid = _id(order)
    return tuple((Button(t._(REASON[r]), cb("nga", oid, r.value)),) for r in NotGoingAheadReason)


def when_menu(order: Order, t: Translator) -> Keyboard:
    oid = _id(order)
    return ((Button(t._("Yes, now"), cb("ask", oid, "now")),),
            (Button(t._("Yes, on a date"), cb("ask", oid, "date")),),
            (Button(t._("No, another time"), cb("ask", oid, "later")),))


def note_menu(order: Order, t: Translator) -> Keyboard:
    oid = _id(order)
    return ((Button(t._("Use this text"), cb("note", oid, "default")),),
            (Button(t._("Write my own note"), cb("note", oid, "write")),))


def stars_row(request_id: int) -> Keyboard:
    return (tuple(Button(f"{n} ⭐", cb("star", request_id, n)) for n in range(1, 6)),)


def aspect_row(request_id: int, aspect: str, t: Translator) -> Keyboard:
    values = tuple(Button(str(n), cb("asp", request_id, aspect, n)) for n in range(1, 6))
    return (values, (Button(t._("Skip"), cb("asp", request_id, aspect, 0)),))


def comment_menu(request_id: int, t: Translator) -> Keyboard:
    return ((Button(t._("Write a comment"), cb("cmt", request_id, "write")),
             Button(t._("Skip"), cb("cmt", request_id, "skip"))),)


def label_row(text: str) -> Keyboard:
    return ((Button(text, cb("noop")),),)


def calendar_keyboard(prefix: str, oid: int, month: date, first: date, last: date,
                      t: Translator) -> Keyboard:
    """A month grid: days outside [first, last] are shown as "·" and cannot be chosen.

    Telegram lays a row's buttons out left to right whatever the reader's language, so for a
    right-to-left language the rows are given mirrored: the week starts on the right, and
    "earlier" is on the right too."""
    rows: list[tuple[Button, ...]] = [(Button(t.month_year(month.year, month.month), cb("noop")),)]
    rows.append(_in_reading_order(tuple(Button(name, cb("noop"))
                                        for name in t.weekday_initials()), t))
    grid = calendar.Calendar(firstweekday=t.first_weekday())
    for week in grid.monthdatescalendar(month.year, month.month):
        if not any(day.month == month.month and first <= day <= last for day in week):
            continue  # a week with nothing to choose is left out
        rows.append(_in_reading_order(tuple(_day_button(prefix, oid, day, month, first, last, t)
                                            for day in week), t))
    nav = _month_nav(prefix, oid, month, first, last)
    rows.append(tuple(Button({"‹": "›", "›": "‹"}.get(b.text, b.text), b.data)
                      for b in reversed(nav)) if t.rtl else nav)
    return tuple(rows)


def _in_reading_order(row: tuple[Button, ...], t: Translator) -> tuple[Button, ...]:
    return tuple(reversed(row)) if t.rtl else row


def _day_button(prefix: str, oid: int, day: date, month: date, first: date, last: date,
                t: Translator) -> Button:
    if day.month != month.month or not first <= day <= last:
        return Button("·", cb("noop"))
    return Button(t.number(day.day), cb(prefix, oid, day))


def _month_nav(prefix: str, oid: int, month: date, first: date, last: date) -> tuple[Button, ...]:
    nav_prefix = {"cal": "calm", "ddc": "ddm"}[prefix]
    previous = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    back = Button("‹", cb(nav_prefix, oid, previous)) if previous >= first.replace(day=1) \
        else Button("·", cb("noop"))
    ahead = Button("›", cb(nav_prefix, oid, following)) if following <= last \
        else Button("·", cb("noop"))
    return (back, ahead)
