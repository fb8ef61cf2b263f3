"""What /export reads (every order, review, status change and audit entry), read without holding
the event loop.

On SQLite every statement of the bot's own engine runs on the event loop's thread
(`bot.storage.sqlite_inline`): reading a large database there would stall every other update
for as long. The export opens an engine of its own on the same file instead, read-only, and
reads and builds its files in a worker thread; in WAL mode that reader never waits for the
writer, nor the writer for it. It sees what was committed when it started reading. On
PostgreSQL the driver awaits the server without holding the loop, so the queries are awaited
on the unit of work's connection and only the building runs in a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, RowMapping, Select, event, func, select
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.pool import NullPool

from bot.domain.audit import AuditEntry
from bot.domain.order import Order
from bot.domain.reviews import Rating
from bot.storage.db import is_sqlite
from bot.storage.mapping import to_domain
from bot.storage.models import (
    AuditRow,
    OrderRow,
    RatingRow,
    ReviewRequestRow,
    StatusChangeRow,
    table_of,
)

T = TypeVar("T")

_PART = 500  # rows fetched at a time where they are awaited


@dataclass(frozen=True)
class ExportRows:
    """Read once each, in this order; on SQLite the orders and reviews come as they are read
    (a large export never holds them all at once)."""

    reminders_by_order: dict[int, int]
    orders: Iterable[Order]  # by id
    ratings: Iterable[Rating]  # by id
    status_changes: Iterable[RowMapping]  # rows of `status_changes`, by id
    audit: Iterable[AuditEntry]  # by id


def _queries() -> tuple[Select[Any], ...]:
    orders, ratings = table_of(OrderRow), table_of(RatingRow)
    requests, changes, audit = (table_of(ReviewRequestRow), table_of(StatusChangeRow),
                                table_of(AuditRow))
    return (select(requests.c.order_id, func.sum(requests.c.reminders_sent))
            .group_by(requests.c.order_id),
            select(orders).order_by(orders.c.id),
            select(ratings).order_by(ratings.c.id),
            select(changes).order_by(changes.c.id),
            select(audit).order_by(audit.c.id))


def _rows(reminders: Iterable[Sequence[Any]], orders: Iterable[RowMapping],
          ratings: Iterable[RowMapping], changes: Iterable[RowMapping],
          audit: Iterable[RowMapping]) -> ExportRows:
    return ExportRows(
        reminders_by_order={int(order_id): int(total or 0) for order_id, total in reminders},
        orders=(to_domain(Order, dict(row)) for row in orders),
        ratings=(to_domain(Rating, dict(row)) for row in ratings),
        status_changes=changes,
        audit=(AuditEntry(**dict(row)) for row in audit))


def _read(conn: Connection) -> ExportRows:
    """The statements run now, in one transaction; their rows are fetched as they are used."""
    reminders, orders, ratings, changes, audit = (conn.execute(q) for q in _queries())
    return _rows(reminders, orders.mappings(), ratings.mappings(), changes.mappings(),
                 audit.mappings())


async def _read_awaited(conn: AsyncConnection) -> ExportRows:
    reminders, orders, ratings, changes, audit = _queries()
    return _rows((await conn.execute(reminders)).all(), await _fetched(conn, orders),
                 await _fetched(conn, ratings), await _fetched(conn, changes),
                 await _fetched(conn, audit))


async def _fetched(conn: AsyncConnection, query: Select[Any]) -> list[RowMapping]:
    """All of the rows, taken from a server-side cursor a part at a time where the driver has
    one (PostgreSQL): the loop goes on to other work between parts, instead of turning every
    row of a large table into a result row at once."""
    if not conn.dialect.supports_server_side_cursors:
        return list((await conn.execute(query)).mappings().all())
    rows: list[RowMapping] = []
    result = await conn.stream(query.execution_options(yield_per=_PART))
    async for part in result.mappings().partitions():
        rows.extend(part)
    return rows


def _sqlite_file(conn: AsyncConnection) -> str | None:
    """The SQLite database file behind `conn`, or None (PostgreSQL, or SQLite in memory)."""
    url = conn.engine.url
    path = url.database
    if not is_sqlite(str(url)) or not path or path == ":memory:" or path.startswith("file:"):
        return None
    return path


def _read_file_and_build(path: str, build: Callable[[ExportRows], T]) -> T:
    # A URI filename opens the file read-only.
    url = URL.create("sqlite", database=f"{Path(path).absolute().as_uri()}?mode=ro",
                     query={"uri": "true"})
    engine = create_sync_engine(url, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # BEGIN is emitted below, not by the driver

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # One read transaction for all five queries: one snapshot of the database.
        conn.exec_driver_sql("BEGIN")

    try:
        with engine.connect() as conn, conn.begin():
            return build(_read(conn))
    finally:
        engine.dispose()


class ExportReader:
    """Reads what /export needs and hands it to a builder, off the event loop."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def build(self, build: Callable[[ExportRows], T]) -> T:
        """`build(rows)`: on a SQLite file, read and built in a worker thread on an engine of
        its own; elsewhere read on this unit of work's connection and built in a thread."""
        path = _sqlite_file(self.conn)
        if path is not None:
            return await asyncio.to_thread(_read_file_and_build, path, build)
        rows = await _read_awaited(self.conn)
        return await asyncio.to_thread(build, rows)
