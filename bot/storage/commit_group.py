"""Several units of work in one SQLite transaction: the writer's turn, a connection, BEGIN
IMMEDIATE and a COMMIT once for all; each member runs in a savepoint of its own, so a member
that rolls back (a refused tap) undoes only itself. Nothing a member queued (outbox rows) is
visible to anyone else before the group's COMMIT, nor do its after-commit callbacks run."""

from __future__ import annotations

from types import TracebackType

from bot.storage.inline import Savepoint
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory


class MemberUnitOfWork(UnitOfWork):
    """A unit of work in a savepoint (`begin_nested`) of its group's transaction."""

    _savepoint: Savepoint  # from its start on

    def __init__(self, group: UnitOfWork) -> None:
        super().__init__(group.engine, None)
        self._group = group

    async def __aenter__(self) -> MemberUnitOfWork:
        self._conn = self._group.conn
        self._savepoint = await self._conn.begin_nested()
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
            if self._savepoint.is_active:
                await self._savepoint.rollback()
        elif exc is None:
            for callback in self._after_commit:
                self._group.after_commit(callback)

    def _transaction(self) -> Savepoint:
        return self._savepoint

    async def _go_on(self) -> None:
        """A restarted member goes on in a new savepoint."""
        self._savepoint = await self.conn.begin_nested()


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

