"""Engines for SQLite (embedded default) and PostgreSQL, configured the same way everywhere."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.storage import prepared
from bot.storage.checkpoint import BACKSTOP_PAGES, Checkpointer
from bot.storage.sqlite_inline import InlineAsyncEngine, inline_url

# SQLite's own wait for a lock held by another process. Statements run on the event loop's
# thread, so this wait blocks the loop: it is kept short, and the unit of work waits for a
# busy database asynchronously instead (`bot.storage.uow.LOCKED_PATIENCE_S`).
SQLITE_BUSY_TIMEOUT_MS = 20
# Migrations and the schema check run before the bot does, where a blocking wait harms nothing.
BLOCKING_BUSY_TIMEOUT_MS = 30_000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
                  **kwargs: Any) -> AsyncEngine:
    if is_sqlite(url):
        engine = InlineAsyncEngine(create_async_engine(
            inline_url(make_url(url)), connect_args={"timeout": sqlite_busy_timeout_ms / 1000},
            **kwargs).sync_engine)
        _configure_sqlite(engine, sqlite_busy_timeout_ms)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    """WAL, checkpointed on a thread of its own (`bot.storage.checkpoint`), a short busy
    timeout, and BEGIN IMMEDIATE so that a transaction takes the write lock when it starts (and
    waits for it there) instead of failing half-way."""

    path = engine.url.database
    checkpointer = Checkpointer(path) if path and path != ":memory:" else None

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over BEGIN from the driver so that every transaction starts IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if checkpointer is not None:
            cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
            checkpointer.start()
        cursor.close()

    if checkpointer is not None:
        event.listen(engine.sync_engine, "engine_disposed", lambda _engine: checkpointer.stop())

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        prepared.plain(conn, "BEGIN IMMEDIATE")
