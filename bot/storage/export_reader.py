"""What /export reads (every order, review, status change and audit entry), read without holding
the event loop: on SQLite in a worker thread, on PostgreSQL on the server a part at a time; the
rows become domain objects and files in a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import RowMapping, func, select
from sqlalchemy.engine import Connection

from bot.domain.audit import AuditEntry
from bot.domain.order import Order
from bot.domain.reviews import Rating
from bot.storage.inline import Conn, InlineConnection
from bot.storage.models import (
    AuditRow,
    OrderRow,
    RatingRow,
    ReviewRequestRow,
    StatusChangeRow,
    table_of,
)
from bot.storage.repositories import to_domain

T = TypeVar("T")

_PART = 100  # rows fetched at a time


@dataclass(frozen=True)
class ExportRows:
    """Read once each, in this order; the orders and reviews become objects as they are used."""

    reminders_by_order: dict[int, int]
    orders: Iterable[Order]  # by id
    ratings: Iterable[Rating]  # by id
    status_changes: Iterable[RowMapping]  # rows of `status_changes`, by id
    audit: Iterable[AuditEntry]  # by id


class ExportReader:
    """Reads what /export needs and hands it to a builder, off the event loop."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def build(self, build: Callable[[ExportRows], T]) -> T:
        """`build(rows)` in a worker thread, the rows read on this unit of work's connection
        (one transaction: one snapshot of the database): on SQLite in a worker thread too, on
        PostgreSQL a part at a time from a server-side cursor, the loop going on between parts."""
        if isinstance(self.conn, InlineConnection):
            tables = await self.conn.run_in_thread(_read)
        else:
            tables = await self.conn.run_sync(_read)
        reminders, orders, ratings, changes, audit = tables
        return await asyncio.to_thread(build, ExportRows(
            reminders_by_order={int(order_id): int(total or 0) for order_id, total in reminders},
            orders=(to_domain(Order, row) for row in orders),
            ratings=(to_domain(Rating, row) for row in ratings),
            status_changes=changes,
            audit=(AuditEntry(**row) for row in audit)))


def _read(conn: Connection) -> list[Sequence[Any]]:
    """The reminders sent per order, then each table's rows by id."""
    requests = table_of(ReviewRequestRow)
    reminders = conn.execute(select(requests.c.order_id, func.sum(requests.c.reminders_sent))
                             .group_by(requests.c.order_id)).all()
    return [reminders, *(conn.execute(select(table).order_by(table.c.id).execution_options(
        yield_per=_PART)).mappings().all() for table in map(table_of, (
            OrderRow, RatingRow, StatusChangeRow, AuditRow)))]
