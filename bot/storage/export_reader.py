"""What /export reads (every order, review, status change and audit entry), read without holding
the event loop: the statements run on the driver's side (aiosqlite's thread, or PostgreSQL's
server), their rows come a part at a time, and the rows become domain objects and files in a
worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import RowMapping, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.audit import AuditEntry
from bot.domain.order import Order
from bot.domain.reviews import Rating
from bot.storage.models import (
    AuditRow,
    Base,
    OrderRow,
    RatingRow,
    ReviewRequestRow,
    StatusChangeRow,
    table_of,
)
from bot.storage.repositories import to_domain

T = TypeVar("T")

_PART = 100  # rows fetched, and turned into result rows on the loop, at a time


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

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def build(self, build: Callable[[ExportRows], T]) -> T:
        """`build(rows)` in a worker thread, the rows read on this unit of work's connection
        (one transaction: one snapshot of the database)."""
        requests = table_of(ReviewRequestRow)
        reminders = await self.conn.execute(select(
            requests.c.order_id, func.sum(requests.c.reminders_sent)).group_by(requests.c.order_id))
        orders, ratings, changes, audit = [await self._all(row) for row in (
            OrderRow, RatingRow, StatusChangeRow, AuditRow)]
        return await asyncio.to_thread(build, ExportRows(
            reminders_by_order={int(order_id): int(total or 0) for order_id, total in reminders},
            orders=(to_domain(Order, row) for row in orders),
            ratings=(to_domain(Rating, row) for row in ratings),
            status_changes=changes,
            audit=(AuditEntry(**row) for row in audit)))

    async def _all(self, model: type[Base]) -> list[RowMapping]:
        """The table's rows by id, taken from a server-side cursor a part at a time: the loop
        goes on to other work between parts, instead of turning every row of a large table
        into a result row at once."""
        table = table_of(model)
        rows: list[RowMapping] = []
        result = await self.conn.stream(
            select(table).order_by(table.c.id).execution_options(yield_per=_PART))
        async for part in result.mappings().partitions():
            rows.extend(part)
        return rows
