"""SQLite's units of work: statements run on the loop's thread, and a write lock held by
another process is waited for asleep (the loop keeps running), up to the unit of work's patience.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from bot.storage import uow as uow_module
from bot.storage.db import create_engine
from bot.storage.uow import UnitOfWorkFactory
from tests.storage.factories import order


@contextmanager
def write_lock_held(path: Path, hold_s: float) -> Iterator[None]:
    """Another connection, on a thread of its own, takes the write lock (BEGIN IMMEDIATE),
    adds moderator 42 and commits after `hold_s`. The block is entered once the lock is held."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO moderators (user_id, added_by, added_at) "
                         "VALUES (42, 1, '2027-03-08 09:00:00.000000')")
            locked.set()
            release.wait(hold_s)
            conn.execute("COMMIT")
        finally:
            conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(5), "the holder never took the write lock"
        yield
    finally:
        release.set()
        thread.join(5)


async def _ticking(ticks: list[float]) -> None:
    while True:
        ticks.append(time.monotonic())
        await asyncio.sleep(0.01)


async def _orders(factory: UnitOfWorkFactory) -> int:
    async with factory() as uow:
        return len(await uow.orders.listing(None, limit=100, offset=0))


async def test_statements_run_on_the_event_loops_thread(factory: UnitOfWorkFactory) -> None:
    sqlite_threads: list[int] = []

    def thread_probe() -> int:  # called by SQLite itself: the thread it really runs on
        sqlite_threads.append(threading.get_ident())
        return 1

    def register(conn: Connection) -> None:
        conn.connection.driver_connection.create_function(  # type: ignore[union-attr]
            "thread_probe", 0, thread_probe)

    async with factory() as uow:
        await uow.conn.run_sync(register)
        assert (await uow.conn.execute(text("SELECT thread_probe()"))).scalar() == 1
    assert sqlite_threads == [threading.get_ident()]


async def test_a_held_write_lock_is_waited_for_without_blocking_the_loop(
        factory: UnitOfWorkFactory, db_path: Path) -> None:
    ticks: list[float] = []
    with write_lock_held(db_path, hold_s=0.5):
        ticker = asyncio.create_task(_ticking(ticks))
        try:
            async with factory() as uow:
                ticks.append(time.monotonic())  # a stall just before opening counts too
                rows = (await uow.conn.execute(text("SELECT user_id FROM moderators"))).all()
        finally:
            ticker.cancel()
    assert rows == [(42,)]  # it waited for the holder's commit, and saw it
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    assert len(ticks) > 10, "the ticker hardly ran while the unit of work waited"
    assert max(gaps) < 0.2, f"the loop stalled for {max(gaps):.3f} s"


async def test_patience_runs_out_with_an_error_and_nothing_written(
        factory: UnitOfWorkFactory, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uow_module, "LOCKED_PATIENCE_S", 0.2)
    reached_body = False
    with write_lock_held(db_path, hold_s=3.0), pytest.raises(OperationalError, match="locked"):
        async with factory() as uow:
            reached_body = True
            await uow.orders.add(order())
            await uow.commit()
    assert not reached_body
    assert await _orders(factory) == 0


async def test_a_new_connection_waits_too_when_the_file_is_not_in_wal_yet(
        db_path: Path) -> None:
    """Switching a file to WAL (every new connection asks for it) needs the lock as well."""
    plain = sqlite3.connect(db_path)
    plain.execute("PRAGMA journal_mode=DELETE")
    plain.close()
    factory = UnitOfWorkFactory(create_engine(f"sqlite:///{db_path}"))
    try:
        with write_lock_held(db_path, hold_s=0.5):
            async with factory() as uow:
                rows = (await uow.conn.execute(text("SELECT user_id FROM moderators"))).all()
    finally:
        await factory.engine.dispose()
    assert rows == [(42,)]
