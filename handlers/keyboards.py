"""Inline keyboards. Every button carries ids through the codec, never text."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

from bot.core.callback_data import (
    AskRevision,
    AspectValue,
    CallbackData,
    ChooseWhen,
    ClaimClient,
    ClaimPro,
    CommentChoice,
    ConfirmHire,
    Noop,
    NoteChoice,
    NotGoingAhead,
    OpenDispute,
    OpenStatusMenu,
    ProposeDeliveryDate,
    SendCheckin,
    SetStatus,
    Stars,
)
from bot.core.events import Button, Keyboard
from bot.domain.checkin import offers_checkin
from bot.domain.order import NotGoingAheadReason, Order, Status
from bot.i18n import Translator
from handlers.labels import reason_button, status_button

# A calendar's button: (order id, day) -> its callback data (a day chosen, a month shown).
DayKind = Callable[[int, date], CallbackData]


def _id(order: Order) -> int:
    if not order.id:
        raise ValueError("order not stored")
    return order.id


def card_keyboard(order: Order, t: Translator, rated: bool = False) -> Keyboard:
    """`rated`: the client has rated (the check-in is then never offered)."""
    oid = _id(order)
    if order.status == Status.CANCELLED:
        return ()
    if not order.pro_id:  # a moderator's order: the pro's buttons wait for the pro
        claims = [(Button(t._("I am the professional"), ClaimPro(oid).pack()),)]
        if order.client_id is None:
            claims.append((Button(t._("I am the client"), ClaimClient(oid).pack()),))
        return tuple(claims)
    if order.client_id is None:
        return ((Button(t._("I am the client"), ClaimClient(oid).pack()),),
                (Button(t._("Update"), OpenStatusMenu(oid).pack()),))
    rows: list[tuple[Button, ...]] = [(Button(t._("Update"), OpenStatusMenu(oid).pack()),)]
    if order.status in (Status.IN_PROGRESS, Status.DONE) and order.hire_confirmed_at is None:
        rows.append((Button(t._("Confirm the hire"), ConfirmHire(oid).pack()),))
    if order.status in (Status.IN_PROGRESS, Status.DONE):
        rows.append((Button(t._("Ask for a revision"), AskRevision(oid).pack()),
                     Button(t._("New delivery date"), ProposeDeliveryDate(oid).pack())))
        dispute = Button(t._("Open a dispute"), OpenDispute(oid).pack())
        if offers_checkin(order, rated):  # only inside the window (bot.domain.checkin)
            rows.append((Button(t._("Check in with the client"), SendCheckin(oid).pack()), dispute))
        else:
            rows.append((dispute,))
    return tuple(rows)


def status_menu(order: Order, t: Translator) -> Keyboard:
    oid = _id(order)
    choices = [Status.NOT_HIRED, Status.IN_PROGRESS, Status.DONE, Status.NOT_GOING_AHEAD]
    rows = [(Button(status_button(t, s), SetStatus(oid, s.value).pack()),) for s in choices
            if s != order.status]
    return tuple(rows)


def reasons_menu(order: Order, t: Translator) -> Keyboard:
    oid = _id(order)
    return tuple((Button(reason_button(t, r), NotGoingAhead(oid, r.value).pack()),)
                 for r in NotGoingAheadReason)


def when_menu(order: Order, t: Translator) -> Keyboard:
    oid = _id(order)
    return ((Button(t._("Yes, now"), ChooseWhen(oid, "now").pack()),),
            (Button(t._("Yes, on a date"), ChooseWhen(oid, "date").pack()),),
            (Button(t._("No, another time"), ChooseWhen(oid, "later").pack()),))


def note_menu(order: Order, t: Translator) -> Keyboard:
    oid = _id(order)
    return ((Button(t._("Use this text"), NoteChoice(oid, "default").pack()),),
            (Button(t._("Write my own note"), NoteChoice(oid, "write").pack()),))


def stars_row(request_id: int) -> Keyboard:
    return (tuple(Button(f"{n} ⭐", Stars(request_id, n).pack()) for n in range(1, 6)),)


def aspect_row(request_id: int, aspect: str, t: Translator) -> Keyboard:
    values = tuple(Button(str(n), AspectValue(request_id, aspect, n).pack()) for n in range(1, 6))
    return (values, (Button(t._("Skip"), AspectValue(request_id, aspect, 0).pack()),))


def comment_menu(request_id: int, t: Translator) -> Keyboard:
    return ((Button(t._("Write a comment"), CommentChoice(request_id, "write").pack()),
             Button(t._("Skip"), CommentChoice(request_id, "skip").pack())),)


def label_row(text: str) -> Keyboard:
    return ((Button(text, Noop().pack()),),)


def calendar_keyboard(day_kind: DayKind, month_kind: DayKind, oid: int, month: date,
                      first: date, last: date, t: Translator) -> Keyboard:
    """A month grid: days outside [first, last] are shown as "·" and cannot be chosen.

    Telegram lays a row's buttons out left to right whatever the reader's language, so for a
    right-to-left language the rows are given mirrored: the week starts on the right, and
    "earlier" is on the right too."""
    title = Button(t.month_year(month.year, month.month), Noop().pack())
    rows: list[tuple[Button, ...]] = [(title,)]
    rows.append(_in_reading_order(tuple(Button(name, Noop().pack())
                                        for name in t.weekday_initials()), t))
    grid = calendar.Calendar(firstweekday=t.first_weekday())
    for week in grid.monthdatescalendar(month.year, month.month):
        if not any(day.month == month.month and first <= day <= last for day in week):
            continue  # a week with nothing to choose is left out
        rows.append(_in_reading_order(tuple(_day_button(day_kind(oid, day), day, month, first,
                                                            last, t)
                                            for day in week), t))
    nav = _month_nav(month_kind, oid, month, first, last)
    rows.append(tuple(Button({"‹": "›", "›": "‹"}.get(b.text, b.text), b.data)
                      for b in reversed(nav)) if t.rtl else nav)
    return tuple(rows)


def _in_reading_order(row: tuple[Button, ...], t: Translator) -> tuple[Button, ...]:
    return tuple(reversed(row)) if t.rtl else row


def _day_button(data: CallbackData, day: date, month: date, first: date, last: date,
                t: Translator) -> Button:
    if day.month != month.month or not first <= day <= last:
        return Button("·", Noop().pack())
    return Button(t.number(day.day), data.pack())


def _month_nav(month_kind: DayKind, oid: int, month: date, first: date, last: date
               ) -> tuple[Button, ...]:
    previous = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    back = Button("‹", month_kind(oid, previous).pack()) if previous >= first.replace(day=1) \
        else Button("·", Noop().pack())
    ahead = Button("›", month_kind(oid, following).pack()) if following <= last \
        else Button("·", Noop().pack())
    return (back, ahead)
