"""Exactly one active scheduler per database: leader election.

- PostgreSQL: `pg_try_advisory_lock` on a dedicated connection (its own engine, no pool), held
  for as long as the scheduler is active. If the process dies, its connection closes and the
  server frees the lock; a standby that retries takes over. Advisory locks are per database.
- SQLite: one process owns the scheduler through an OS file lock (`flock`) on
  `<db file>.scheduler.lock`; the OS frees it when the process dies.
- An in-memory SQLite database lives in one process only: that process is always the leader.

Each process keeps its own in-memory APScheduler job store, so no job store is ever shared by
two schedulers (APScheduler 3 does not support that: both would run every job).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

log = logging.getLogger("orderbot.scheduler")

# A fixed key for "the orderbot scheduler" (advisory locks are scoped to the database).
ADVISORY_KEY = 0x0DE7_B075_C4ED


class Leadership(Protocol):
    async def acquire(self) -> bool:
        """Try once, without waiting: True if this process is (still) the leader."""
        ...

    async def alive(self) -> bool:
        """True while the leadership is still held (the lock connection still answers)."""
        ...

    async def release(self) -> None:
        ...


class AlwaysLeader:
    """For a database only this process can see (in-memory SQLite)."""

    async def acquire(self) -> bool:
        return True

    async def alive(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class FileLeader:
    """An exclusive `flock` on a file next to the SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    async def acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def alive(self) -> bool:
        return self._fd is not None

    async def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


class PostgresLeader:
    """A session-level advisory lock held on a dedicated, unpooled connection."""

    def __init__(self, url: str, key: int = ADVISORY_KEY, timeout: float = 5.0) -> None:
        self.url = url
        self.key = key
        self.timeout = timeout
        self._engine: AsyncEngine | None = None
        self.connection: AsyncConnection | None = None

    async def acquire(self) -> bool:
        if self.connection is not None:
            return await self.alive()
        self._engine = self._engine or create_async_engine(self.url, poolclass=NullPool)
        try:
            conn = await asyncio.wait_for(self._connect(self._engine), self.timeout)
        except Exception as error:
            log.warning("scheduler lock: database unreachable (%s)", error)
            return False
        held = await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
        if not held:
            await conn.close()
            return False
        self.connection = conn
        return True

    async def alive(self) -> bool:
        if self.connection is None:
            return False
        try:
            await asyncio.wait_for(self.connection.scalar(text("SELECT 1")), self.timeout)
        except Exception as error:
            log.warning("scheduler lock connection lost (%s)", error)
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):
                await self.connection.scalar(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        await self._drop()
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def _connect(self, engine: AsyncEngine) -> AsyncConnection:
        conn = await engine.connect()
        return await conn.execution_options(isolation_level="AUTOCOMMIT")

    async def _drop(self) -> None:
        conn, self.connection = self.connection, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()


def leadership_for(url: str) -> Leadership:
    """The election that fits the database behind `url`."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return PostgresLeader(url)
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        return AlwaysLeader()
    return FileLeader(Path(f"{database}.scheduler.lock"))
