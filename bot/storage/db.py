"""Engines for SQLite (embedded default) and PostgreSQL, configured the same way everywhere.

SQLite is set up as SQLAlchemy's SQLite documentation shows: the driver's transactions off,
BEGIN IMMEDIATE emitted in the "begin" event (a transaction takes the write lock when it starts,
and savepoints work). The async engine (aiosqlite) serves the scheduler's and the tools' own
connections; units of work run on a sync pysqlite engine on the same file (`inline_engine`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

# SQLite's wait for a write lock held by another process (on aiosqlite's thread).
SQLITE_BUSY_TIMEOUT_MS = 30_000
# The same wait on the loop's thread (`inline_engine`): short, the unit of work waits on asleep.
INLINE_BUSY_TIMEOUT_MS = 20
# asyncpg's prepared statements kept per connection by SQLAlchemy (its default is 100): the
# bot runs a few hundred distinct statements, each then prepared once per connection.
PREPARED_STATEMENT_CACHE_SIZE = 500


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(parsed.set(drivername="sqlite+aiosqlite"), **kwargs)
        _configure_sqlite(engine.sync_engine, SQLITE_BUSY_TIMEOUT_MS)
        return engine
    if "prepared_statement_cache_size" not in parsed.query:  # the URL may set it (0: off)
        parsed = parsed.update_query_dict(
            {"prepared_statement_cache_size": str(PREPARED_STATEMENT_CACHE_SIZE)})
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(parsed, **kwargs)


def inline_engine(engine: AsyncEngine) -> Engine:
    """A sync engine on `engine`'s SQLite file for statements on the loop's thread
    (`bot.storage.inline`), disposed with `engine`. Its connections may read on a worker
    thread too (/export), one thread at a time."""
    url = engine.url.set(drivername="sqlite+pysqlite")
    sync = create_sync_engine(url, connect_args={"check_same_thread": False})
    _configure_sqlite(sync, INLINE_BUSY_TIMEOUT_MS)
    event.listen(engine.sync_engine, "engine_disposed", lambda _engine: sync.dispose())
    return sync


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, the busy timeout, foreign keys, and BEGIN IMMEDIATE. The commit that takes the
    WAL past 1,000 pages checkpoints it (a few milliseconds)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # BEGIN is emitted below, not by the driver
        cursor = dbapi_connection.cursor()
        for pragma in (f"busy_timeout={busy_timeout_ms}", "journal_mode=WAL",
                       "synchronous=NORMAL", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
