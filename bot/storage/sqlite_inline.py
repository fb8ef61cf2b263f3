"""SQLite for the async engine without a thread hop per statement.

aiosqlite runs every call (cursor, execute, fetch, close) on its worker thread, so one statement
costs three or four hand-offs between threads, each far dearer than the statement itself: an
indexed SQLite statement on a local file takes microseconds. This dialect gives the async engine
the standard library's sqlite3, called on the event loop's own thread. Writers in one process
already take turns (the unit of work's lock) and WAL readers never wait for a writer, so a
statement holds the loop only for its own run; a write lock held by another process is waited
for asynchronously by the unit of work, not by blocking the loop.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL, CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction
from sqlalchemy.sql.base import Executable
from sqlalchemy.util.concurrency import await_, in_greenlet

NAME = "orderbot_inline"


async def _done() -> None:
    return None


def _report_awaited() -> None:
    # The async engine checks that a statement went through the driver's await (so that a
    # blocking driver is not used by mistake); this driver's statements are done when they
    # return, so it awaits a finished coroutine: a greenlet switch, no trip through the loop.
    if in_greenlet():
        await_(_done())


class InlineCursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> InlineCursor:
        super().execute(sql, parameters)
        _report_awaited()
        return self

    async def _async_soft_close(self) -> None:
        """The async result's hook for drivers that buffer; rows here are read in place."""

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> InlineCursor:
        super().executemany(sql, seq_of_parameters)
        _report_awaited()
        return self


class InlineConnection(sqlite3.Connection):
    def cursor(self, factory: Any = InlineCursor) -> Any:
        return super().cursor(factory)


class SQLiteDialect_inline(SQLiteDialect_pysqlite):
    driver = NAME
    is_async = True
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool

    def create_connect_args(self, url: URL) -> Any:
        args, kwargs = super().create_connect_args(url)
        kwargs["factory"] = InlineConnection
        # A connection is used by one unit of work at a time, on the loop's thread; the check
        # would only trip when the pool is cleaned up from another thread at exit.
        kwargs["check_same_thread"] = False
        return args, kwargs


def inline_url(url: URL) -> URL:
    """`sqlite+aiosqlite:///x.db` (or plain `sqlite:///x.db`) as this dialect's URL."""
    registry.register(f"sqlite.{NAME}", __name__, "SQLiteDialect_inline")
    return url.set(drivername=f"sqlite+{NAME}")


class InlineAsyncConnection(AsyncConnection):
    """The async connection API, run directly on the sync connection: this driver never
    suspends, so the greenlet that the async engine starts for every call (about half of a
    cached statement's cost) has nothing to do. Only a connect that may await still goes
    through the greenlet: one that has to wait for the pool, or makes its first connection
    (see `_free_in`)."""

    __slots__ = ()

    async def start(self, is_ctxmanager: bool = False) -> AsyncConnection:
        if self.sync_connection is None and _free_in(self.sync_engine.pool):
            self.sync_connection = self._assign_proxied(self.sync_engine.connect())
            return self
        return await super().start(is_ctxmanager)

    def begin(self) -> AsyncTransaction:
        return InlineAsyncTransaction(self)

    def begin_nested(self) -> AsyncTransaction:
        return InlineAsyncTransaction(self, nested=True)

    async def close(self) -> None:
        self._proxied.close()

    async def execute(self, statement: Executable, parameters: Any = None, *,
                      execution_options: Any = None) -> CursorResult[Any]:
        return self._proxied.execute(statement, parameters, execution_options=execution_options)

    async def scalar(self, statement: Executable, parameters: Any = None, *,
                     execution_options: Any = None) -> Any:
        return self._proxied.scalar(statement, parameters, execution_options=execution_options)

    async def exec_driver_sql(self, statement: str, parameters: Any = None,
                              execution_options: Any = None) -> CursorResult[Any]:
        return self._proxied.exec_driver_sql(statement, parameters, execution_options)

    async def commit(self) -> None:
        self._proxied.commit()

    async def rollback(self) -> None:
        self._proxied.rollback()


class InlineAsyncEngine(AsyncEngine):
    __slots__ = ()
    _connection_cls = InlineAsyncConnection


class InlineAsyncTransaction(AsyncTransaction):
    """A transaction of `InlineAsyncConnection`: BEGIN (IMMEDIATE, `bot.storage.db`), COMMIT
    and ROLLBACK are statements of this driver too. A BEGIN that meets another process's
    write lock fails after the short busy timeout, as through the greenlet."""

    __slots__ = ()

    async def start(self, is_ctxmanager: bool = False) -> AsyncTransaction:
        sync = self.connection._proxied
        self.sync_transaction = self._assign_proxied(
            sync.begin_nested() if self.nested else sync.begin())
        if is_ctxmanager:
            self.sync_transaction.__enter__()
        return self

    async def commit(self) -> None:
        self._proxied.commit()

    async def rollback(self) -> None:
        self._proxied.rollback()

    async def close(self) -> None:
        self._proxied.close()

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        self._proxied.__exit__(type_, value, traceback)


def _free_in(connections: pool.Pool) -> bool:
    """True if a connection made before can be had from the pool without waiting for one to
    come back. (A pool's first connection runs its first-connect events under an async lock;
    an in-memory database's single connection is not worth the care.)"""
    if not isinstance(connections, pool.QueuePool) or connections.checkedin() == 0:
        return False
    most = getattr(connections, "_max_overflow", 0)
    # QueuePool waits (an await in the async queue) only once its overflow is used up
    return most < 0 or connections.overflow() < most
