"""The unit of work: one transaction, the repositories on it, commit once or roll back."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.events import DomainEvent
from bot.storage import order_repos, support_repos
from bot.storage.db import inline_engine
from bot.storage.export_reader import ExportReader
from bot.storage.hook_repos import HookEventRepository
from bot.storage.inbox_repo import InboxRepository
from bot.storage.inline import Conn, InlineConnection, Savepoint

T = TypeVar("T")

# How long a unit of work waits for SQLite's write lock while another process holds it.
LOCKED_PATIENCE_S = 30.0
_FIRST_RETRY_S = 0.005
_LAST_RETRY_S = 0.25


class UnitOfWork:
    def __init__(self, engine: AsyncEngine, lock: asyncio.Lock | None,
                 on_wait: Callable[[], None] | None = None, inline: Engine | None = None) -> None:
        self.engine = engine
        self._inline = inline  # SQLite's: statements on the loop's thread (`bot.storage.inline`)
        self._lock = lock
        # Called when this unit of work has to wait for the writer's turn (`UnitOfWorkFactory`).
        self._on_wait = on_wait
        self._conn: Conn | None = None
        self._after_commit: list[Callable[[], None]] = []
        self.committed = False
        # What the aggregates stored in this unit of work recorded (`bot.domain.events`).
        self.events: list[DomainEvent] = []

    @property
    def conn(self) -> Conn:
        if self._conn is None:
            raise RuntimeError("the unit of work is not open")
        return self._conn

    async def __aenter__(self) -> UnitOfWork:
        if self._lock is not None:
            if self._lock.locked() and self._on_wait is not None:
                self._on_wait()
            await self._lock.acquire()
        try:
            self._conn = await self._patiently(self._connect_and_begin)
        except BaseException:
            await self._release()
            raise
        self._bind(self._conn)
        return self

    async def __aexit__(
        self, _exc_type: type[BaseException] | None, exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        await self._release()  # closing rolls back what was not committed
        if self.committed and exc is None:
            for callback in self._after_commit:
                callback()

    async def _connect_and_begin(self) -> Conn:
        conn: Conn = (InlineConnection(self._inline.connect()) if self._inline is not None
                      else await self.engine.connect())
        try:  # connecting can meet the lock too: a new file's first PRAGMA journal_mode
            await conn.begin()  # BEGIN IMMEDIATE on SQLite (`bot.storage.db`)
        except BaseException:
            await conn.close()
            raise
        return conn

    async def _patiently(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """`attempt()`, again while another process holds SQLite's write lock: waited for
        here, asleep, for the inline engine's own busy wait is short (`bot.storage.db`)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LOCKED_PATIENCE_S
        pause = _FIRST_RETRY_S
        while True:
            try:
                return await attempt()
            except OperationalError as error:
                locked = "database is locked" in str(error.orig).lower()
                if self._inline is None or not locked or loop.time() >= deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, _LAST_RETRY_S)

    async def commit(self) -> None:
        await self.orders.save_touched()
        await self.outbox.flush()
        await self._transaction().commit()
        self.committed = True

    async def rollback(self) -> None:
        await self._transaction().rollback()
        self.forget_loaded()

    def _transaction(self) -> Conn | Savepoint:
        """What `commit` and `rollback` end: the connection's transaction."""
        return self.conn

    def forget_loaded(self) -> None:
        """After a rollback, objects loaded before may hold undone changes."""
        for repository in (self.orders, self.requests, self.ratings):
            repository.forget()
        self.outbox.queued.clear()

    async def restart(self) -> None:
        """Roll back everything done so far and go on in a new transaction, on the same
        connection (and, on SQLite, still holding this process's turn to write)."""
        await self.rollback()
        self._after_commit.clear()
        self.events.clear()
        await self._go_on()

    async def _go_on(self) -> None:
        """After a restart's rollback: a new transaction."""
        await self._patiently(self.conn.begin)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the transaction is committed (to wake the sender, say)."""
        self._after_commit.append(callback)

    async def _release(self) -> None:
        # The writer lock is released even when closing is cancelled (a job stopped at
        # shutdown), or every later unit of work in this process would wait for ever.
        try:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                await conn.close()
        finally:
            if self._lock is not None and self._lock.locked():
                self._lock.release()

    def _bind(self, conn: Conn) -> None:
        self.requests = order_repos.RequestRepository(conn, self.events)
        self.ratings = order_repos.RatingRepository(conn)
        self.orders = order_repos.OrderRepository(conn, self.events, self.requests,
                                                  self.ratings)
        self.revisions = order_repos.RevisionRepository(conn)
        self.proposals = order_repos.ProposalRepository(conn)
        self.prompts = order_repos.PromptRepository(conn)
        self.people = support_repos.PeopleRepository(conn)
        self.moderators = support_repos.ModeratorRepository(conn)
        self.audit = support_repos.AuditRepository(conn)
        self.chats = support_repos.ChatRepository(conn)
        self.inbox = InboxRepository(conn)
        self.outbox = support_repos.OutboxRepository(conn)
        self.refs = support_repos.MessageRefRepository(conn)
        self.hooks = HookEventRepository(conn)
        self.exports = ExportReader(conn)


class UnitOfWorkFactory:
    """Makes units of work. On SQLite, writers in one process take turns (one writer)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        sqlite = engine.dialect.name == "sqlite"
        # SQLite's units of work run on this sync engine (`bot.storage.inline`).
        self.sync_engine = inline_engine(engine) if sqlite else None
        self._lock = asyncio.Lock() if sqlite else None
        # Told when a unit of work has to wait for the writer's turn: an open commit group
        # (`bot.storage.commit_group`) then commits, so that the turn passes on.
        self._writer_waiting_listeners: list[Callable[[], None]] = []

    @property
    def takes_turns(self) -> bool:
        """True where writers in this process take turns (SQLite): commit groups pay there."""
        return self._lock is not None

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self._lock, self._writer_waiting, self.sync_engine)

    def when_a_writer_waits(self, listener: Callable[[], None]) -> None:
        """Call `listener` whenever a unit of work has to wait for the writer's turn."""
        self._writer_waiting_listeners.append(listener)

    def _writer_waiting(self) -> None:
        for listener in self._writer_waiting_listeners:
            listener()
