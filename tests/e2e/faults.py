"""A database fault made on purpose: every connection the bot takes is read-only until the
fault is cleared (SQLite's `PRAGMA query_only`, PostgreSQL's
`default_transaction_read_only`). As root, file permissions would not stop a write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.uow import UnitOfWorkFactory


class ReadOnly:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.on = True

    def clear(self) -> None:
        self.on = False

    def apply(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        if self.engine.dialect.name == "sqlite":
            cursor.execute(f"PRAGMA query_only = {int(self.on)}")
        else:
            # The driver's cursor opens a transaction for this statement, which takes the
            # default it had: committed at once, the setting stays with the session (a rolled
            # back one would undo it) and the unit of work's transaction starts under it.
            cursor.execute(f"SET default_transaction_read_only = {'on' if self.on else 'off'}")
            dbapi_connection.commit()
        cursor.close()


@contextmanager
def read_only(factory: UnitOfWorkFactory) -> Iterator[ReadOnly]:
    """Read-only from the next connection the units of work take from the pool on (SQLite's
    sync engine's, or PostgreSQL's async engine's), until `clear()`."""
    fault = ReadOnly(factory.engine)
    event.listen(factory.sync_engine or factory.engine.sync_engine, "checkout", fault.apply)
    try:
        yield fault
    finally:
        fault.clear()
