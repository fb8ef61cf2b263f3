"""Several units of work in one SQLite transaction: a savepoint each, one COMMIT for all.

On SQLite an update's own statements cost about as much as the transaction around them: the
writer's turn, a connection from the pool, BEGIN IMMEDIATE, and a COMMIT that appends the
transaction to the write-ahead log. A commit group pays for that once for several units of
work. It takes the writer's turn and opens one transaction; each member runs in a savepoint of
its own, so a member that rolls back (a refused tap) undoes only itself; the group's COMMIT
makes every member durable at once. Nothing a member queued (outbox rows) is visible to
anyone else, the sender included, before that COMMIT, and the members' after-commit
callbacks run only after it.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import prepared
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory

SAVEPOINT = "member"


class MemberUnitOfWork(UnitOfWork):
    """A unit of work inside its group's transaction: commit releases its savepoint, roll
    back returns to it. Its after-commit callbacks wait for the group's COMMIT."""

    def __init__(self, group: UnitOfWork) -> None:
        super().__init__(group.engine, None)
        self._group = group

    async def __aenter__(self) -> MemberUnitOfWork:
        self._conn = self._group.conn
        _plain(self._conn, f"SAVEPOINT {SAVEPOINT}")
        self._bind(self._conn)
        return self

    async def __aexit__(
        self, _exc_type: type[BaseException] | None, exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if not self.committed:
            _plain(conn, f"ROLLBACK TO {SAVEPOINT}")
            _plain(conn, f"RELEASE {SAVEPOINT}")
        elif exc is None:
            for callback in self._after_commit:
                self._group.after_commit(callback)

    async def commit(self) -> None:
        await self.orders.save_touched()
        _plain(self.conn, f"RELEASE {SAVEPOINT}")
        self.committed = True

    async def rollback(self) -> None:
        _plain(self.conn, f"ROLLBACK TO {SAVEPOINT}")
        self.forget_loaded()

    async def _go_on(self) -> None:
        """A restarted member goes on inside its savepoint, which ROLLBACK TO keeps."""


class CommitGroup:
    """One transaction, held while members come and go, committed once."""

    def __init__(self, factory: UnitOfWorkFactory) -> None:
        self._carrier = factory()  # holds the writer's turn, the connection, the transaction
        self._closed = False
        self.members = 0

    async def open(self) -> None:
        await self._carrier.__aenter__()

    def member(self) -> MemberUnitOfWork:
        self.members += 1
        return MemberUnitOfWork(self._carrier)

    async def commit(self) -> None:
        """COMMIT, give the writer's turn back, then run the members' after-commit callbacks.
        If the COMMIT fails, the error is raised and the group is left to `abandon`."""
        await self._carrier.commit()
        self._closed = True
        await self._carrier.__aexit__(None, None, None)

    async def abandon(self) -> None:
        """Roll back whatever is not committed and give the writer's turn back."""
        if not self._closed:
            self._closed = True
            await self._carrier.__aexit__(None, None, None)


def _plain(conn: AsyncConnection, sql: str) -> None:
    prepared.plain(conn.sync_connection, sql)  # type: ignore[arg-type]
