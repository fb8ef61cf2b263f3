"""SQLite's units of work on the event loop's thread: SQLAlchemy's sync `Connection` behind the
awaitable methods of `AsyncConnection` that the repositories use. A statement on a local SQLite
file takes microseconds, a hand-off to aiosqlite's thread about ten times that. Writers in one
process take turns (the unit of work's lock) and WAL readers never wait for a writer, so a
statement holds the loop only for its own run; another process's write lock is waited for
asleep by the unit of work (`bot.storage.uow`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from sqlalchemy.engine import Connection, CursorResult, Dialect, Transaction
from sqlalchemy.sql.base import Executable

T = TypeVar("T")
Rows = CursorResult[*tuple[Any, ...]]  # as `AsyncConnection.execute` types them


class Savepoint(Protocol):
    @property
    def is_active(self) -> bool: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class Conn(Protocol):
    """What the repositories use of a connection: `AsyncConnection` or `InlineConnection`."""

    @property
    def dialect(self) -> Dialect: ...

    async def execute(self, statement: Executable, parameters: Any = None) -> Rows: ...

    def begin(self) -> Awaitable[Any]: ...

    def begin_nested(self) -> Awaitable[Savepoint]: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...

    async def close(self) -> None: ...

    async def run_sync(self, fn: Callable[..., T], *args: Any) -> T: ...


class InlineTransaction:
    def __init__(self, transaction: Transaction) -> None:
        self.transaction = transaction

    @property
    def is_active(self) -> bool:
        return self.transaction.is_active

    async def commit(self) -> None:
        self.transaction.commit()

    async def rollback(self) -> None:
        self.transaction.rollback()


class InlineConnection:
    """Each method runs its statement at once, on the calling (the loop's) thread."""

    def __init__(self, sync_connection: Connection) -> None:
        self.sync_connection = sync_connection
        self.dialect = sync_connection.dialect

    async def execute(self, statement: Executable, parameters: Any = None) -> Rows:
        return self.sync_connection.execute(statement, parameters)

    async def begin(self) -> InlineTransaction:
        return InlineTransaction(self.sync_connection.begin())

    async def begin_nested(self) -> InlineTransaction:
        return InlineTransaction(self.sync_connection.begin_nested())

    async def commit(self) -> None:
        self.sync_connection.commit()

    async def rollback(self) -> None:
        self.sync_connection.rollback()

    async def close(self) -> None:
        self.sync_connection.close()

    async def run_sync(self, fn: Callable[..., T], *args: Any) -> T:
        return fn(self.sync_connection, *args)

    async def run_in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(sync_connection, *args)` in a worker thread, for a long read (/export)."""
        return await asyncio.to_thread(fn, self.sync_connection, *args)
