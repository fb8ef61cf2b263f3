"""Engines for SQLite (embedded default) and PostgreSQL, configured the same way everywhere.

SQLite goes through SQLAlchemy's aiosqlite dialect, set up as its SQLite documentation shows:
the driver's transactions off, BEGIN IMMEDIATE emitted in the "begin" event (a transaction takes
the write lock when it starts, and savepoints work). Statements, and the wait for a lock another
process holds, run on aiosqlite's thread, never on the event loop's."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

# SQLite's wait for a write lock held by another process (on aiosqlite's thread).
SQLITE_BUSY_TIMEOUT_MS = 30_000
# asyncpg's prepared statements kept per connection by SQLAlchemy (its default is 100): the
# bot runs a few hundred distinct statements, each then prepared once per connection.
PREPARED_STATEMENT_CACHE_SIZE = 500


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(parsed.set(drivername="sqlite+aiosqlite"), **kwargs)
        _configure_sqlite(engine)
        return engine
    if "prepared_statement_cache_size" not in parsed.query:  # the URL may set it (0: off)
        parsed = parsed.update_query_dict(
            {"prepared_statement_cache_size": str(PREPARED_STATEMENT_CACHE_SIZE)})
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(parsed, **kwargs)


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL, the busy timeout, foreign keys, and BEGIN IMMEDIATE. The commit that takes the
    WAL past 1,000 pages checkpoints it, on aiosqlite's thread: the loop goes on meanwhile."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # BEGIN is emitted below, not by the driver
        cursor = dbapi_connection.cursor()
        for pragma in (f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}", "journal_mode=WAL",
                       "synchronous=NORMAL", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
