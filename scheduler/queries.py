"""What is due, read from the domain tables: indexed, in due order, in pages (keyset cursors).

Seven kinds of due work, each with its own ordered query, so the sweep can merge them into one
stream in due order without loading a million rows:
- note:     review_requests state=scheduled, not frozen, due_at            (ix state, due_at)
- reminder: review_requests state=posted, not frozen, next_reminder_at (ix state, next_reminder_at)
- close:    requests scheduled/posted of an order whose done_at + rating_window has passed
- refund:   orders not_going_ahead, not yet eligible, refund_wait_started_at + refund_wait passed
- the check-in window on the card (bot.domain.checkin), orders by their pro's last message:
  - opens:  last_pro_message_at + checkin_min passed, the card not yet refreshed for it, and
            the window not already over                                (ix last_pro_message_at)
  - ends:   the card offers it, but the pro wrote again or the client answered since
            (due at once)                          (ix checkin_offered, checkin_window_for)
  - closes: the card offers it and checkin_window_for + checkin_max has passed       (same ix)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select

from bot.domain.checkin import closes_after
from bot.domain.order import Status
from bot.domain.policy import Policy
from bot.domain.reviews import RequestState
from bot.storage.inline import Conn
from bot.storage.models import OrderRow, ReviewRequestRow, UTCDateTime


class Kind(IntEnum):
    """The kinds of due work; at the same due time they run in this order."""

    NOTE = 0
    REMINDER = 1
    CLOSE = 2
    REFUND = 3
    CHECKIN_OPENS = 4
    CHECKIN_ENDS = 5
    CHECKIN_CLOSES = 6


@dataclass(frozen=True, order=True)
class DueItem:
    due_at: datetime
    kind: Kind
    id: int
    key: datetime  # the indexed column the cursor follows (due_at minus a constant)


Cursor = tuple[datetime, int] | None

_requests = ReviewRequestRow.__table__
_orders = OrderRow.__table__
_OPEN = [RequestState.SCHEDULED, RequestState.POSTED]


# The statements are built once for each kind and policy; what changes from one sweep to the
# next (the time, the cursor, the page size) is bound at execution.
_OPENS_SINCE = "_opens_since"  # CHECKIN_OPENS: the pro's last message no older than this


def _after(column: ColumnElement[datetime], id_column: ColumnElement[int]
           ) -> ColumnElement[bool]:
    """After the cursor `(:_cursor_key, :_cursor_id)`."""
    key = bindparam("_cursor_key", type_=column.type)
    id_ = bindparam("_cursor_id", type_=id_column.type)
    return or_(column > key, and_(column == key, id_column > id_))


def _params(kind: Kind, policy: Policy, now: datetime) -> dict[str, Any]:
    return {_OPENS_SINCE: now - policy.checkin_max} if kind is Kind.CHECKIN_OPENS else {}


def _key_and_offset(kind: Kind, policy: Policy) -> tuple[Select[Any], timedelta]:
    """The kind's items (id, key) and how long after its key an item is due; the check-in's
    opening binds `:_opens_since` (`_params`)."""
    r, o = _requests.c, _orders.c
    if kind in (Kind.CHECKIN_OPENS, Kind.CHECKIN_ENDS, Kind.CHECKIN_CLOSES):
        return _checkin(kind, policy)
    if kind is Kind.NOTE:
        return (select(r.id, r.due_at).where(r.state == RequestState.SCHEDULED,
                                             r.frozen_at.is_(None)), timedelta(0))
    if kind is Kind.REMINDER:
        return (select(r.id, r.next_reminder_at).where(r.state == RequestState.POSTED,
                                                       r.frozen_at.is_(None)), timedelta(0))
    if kind is Kind.CLOSE:
        joined = _requests.join(_orders, o.id == r.order_id)
        return (select(r.id, o.done_at).select_from(joined).where(
            _not_indexed(r.state).in_(_OPEN)), policy.rating_window)
    return (select(o.id, o.refund_wait_started_at).where(
        o.status == Status.NOT_GOING_AHEAD, o.refund_eligible_at.is_(None)), policy.refund_wait)


def _not_indexed(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """The column as an expression, so the planner walks `orders.done_at` instead.

    Without statistics (SQLite has none until ANALYZE) the planner would start from the
    requests' state index and join half a million open requests to find the earliest close
    (0.5 s a query at a million pending); from the done_at index it reads a few rows."""
    return func.coalesce(column, column)


def _checkin(kind: Kind, policy: Policy) -> tuple[Select[Any], timedelta]:
    o = _orders.c
    last, shown_for = o.last_pro_message_at, o.checkin_window_for
    if kind is Kind.CHECKIN_OPENS:
        not_yet = or_(shown_for.is_(None), shown_for != last)
        return (select(o.id, last).where(not_yet, last >= bindparam(_OPENS_SINCE)),
                policy.checkin_min)
    offered = select(o.id, shown_for).where(o.checkin_offered.is_(True))
    if kind is Kind.CHECKIN_CLOSES:
        return offered, closes_after(policy)
    answered = and_(o.last_client_message_at.is_not(None), o.last_client_message_at > shown_for)
    return offered.where(or_(last != shown_for, answered)), timedelta(0)


@lru_cache(maxsize=64)
def _page_query(kind: Kind, policy: Policy, after_cursor: bool) -> tuple[Select[Any], timedelta]:
    """A page of the kind's items due by `:_due_by` (after the cursor), `:_limit` of them."""
    query, offset = _key_and_offset(kind, policy)
    id_col, key_col = query.selected_columns[0], query.selected_columns[1]
    query = query.where(key_col.is_not(None), key_col <= bindparam("_due_by"),
                        *([_after(key_col, id_col)] if after_cursor else []))
    return query.order_by(key_col, id_col).limit(bindparam("_limit")), offset


async def due_page(conn: Conn, kind: Kind, policy: Policy, now: datetime,
                   cursor: Cursor, limit: int) -> list[DueItem]:
    """Up to `limit` items of one kind due at `now`, after `cursor`, in due order."""
    query, offset = _page_query(kind, policy, cursor is not None)
    params = {"_due_by": now - offset, "_limit": limit, **_params(kind, policy, now)}
    if cursor is not None:
        params |= {"_cursor_key": cursor[0], "_cursor_id": cursor[1]}
    rows = (await conn.execute(query, params)).all()
    return [DueItem(_utc(key) + offset, kind, int(id_), _utc(key)) for id_, key in rows]


@lru_cache(maxsize=64)
def _earliest_query(kind: Kind, policy: Policy) -> tuple[Select[Any], timedelta]:
    """The kind's earliest key after `:_after`."""
    query, offset = _key_and_offset(kind, policy)
    key_col = query.selected_columns[1]
    return query.with_only_columns(func.min(key_col)).where(key_col > bindparam("_after")), offset


async def earliest_due(conn: Conn, policy: Policy, after: datetime
                       ) -> datetime | None:
    """The earliest due time strictly after `after`, over every kind (for the wake-up job)."""
    found: list[datetime] = []
    for kind in Kind:
        query, offset = _earliest_query(kind, policy)
        params = {"_after": after - offset, **_params(kind, policy, after)}
        value = (await conn.execute(query, params)).scalar_one_or_none()
        if value is not None:
            found.append(_utc(value) + offset)
    return min(found, default=None)


def _utc(value: datetime | str) -> datetime:
    """Read a timestamp column back aware, also from an aggregate (SQLite gives a string)."""
    converted = UTCDateTime().process_result_value(
        datetime.fromisoformat(value) if isinstance(value, str) else value, None)  # type: ignore[arg-type]
    assert converted is not None
    return converted
