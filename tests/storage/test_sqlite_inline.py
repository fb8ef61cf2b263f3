"""The inline SQLite driver: statements run on the loop's thread, and a write lock held by
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
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import engine as engine_module

from bot.storage import uow as uow_module
from bot.storage.db import create_engine
from bot.storage.uow import UnitOfWorkFactory
from tests.storage.factories import T0, order


@contextmanager
def write_lock_held(path: Path, hold_s: float) -> Iterator[threading.Event]:
    """Another connection, on a thread of its own, takes the write lock (BEGIN IMMEDIATE),
    adds moderator 42 and commits after `hold_s` or when the returned event is set. The
    block is entered only once the lock is held."""
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
        yield release
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
    engine = factory.engine
    assert engine.dialect.driver == "orderbot_inline"
    listener_threads: list[int] = []
    sqlite_threads: list[int] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _seen(*_args: Any) -> None:
        listener_threads.append(threading.get_ident())

    # The listener runs on the loop's thread with any async driver (SQLAlchemy's greenlet);
    # a function called by SQLite itself shows the thread the driver really runs on.
    def thread_probe() -> int:
        sqlite_threads.append(threading.get_ident())
        return 1

    @event.listens_for(engine.sync_engine, "connect")
    def _probe(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.create_function("thread_probe", 0, thread_probe)

    async with factory() as uow:
        await uow.conn.execute(text("SELECT thread_probe()"))
    here = threading.get_ident()
    assert listener_threads and set(listener_threads) == {here}
    assert sqlite_threads == [here]


async def test_a_held_write_lock_is_waited_for_without_blocking_the_loop(
        factory: UnitOfWorkFactory, db_path: Path) -> None:
    ticks: list[float] = []
    with write_lock_held(db_path, hold_s=0.5):
        ticker = asyncio.create_task(_ticking(ticks))
        started = time.monotonic()
        try:
            async with factory() as uow:
                ticks.append(time.monotonic())  # a stall just before opening counts too
                waited = ticks[-1] - started
                rows = (await uow.conn.execute(text("SELECT user_id FROM moderators"))).all()
        finally:
            ticker.cancel()
    assert waited > 0.3  # it did wait for the holder's commit
    assert rows == [(42,)]  # and then saw what the holder committed
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    assert len(ticks) > 10, "the ticker hardly ran while the unit of work waited"
    assert max(gaps) < 0.2, f"the loop stalled for {max(gaps):.3f} s"


async def test_patience_runs_out_with_an_error_and_nothing_written(
        factory: UnitOfWorkFactory, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uow_module, "LOCKED_PATIENCE_S", 0.2)
    reached_body = False
    with write_lock_held(db_path, hold_s=1.5):
        started = time.monotonic()
        with pytest.raises(OperationalError, match="locked"):
            async with factory() as uow:
                reached_body = True
                await uow.orders.add(order())
                await uow.commit()
        gave_up_after = time.monotonic() - started
    assert 0.2 <= gave_up_after < 1.0  # at its patience, not when the holder let go
    assert not reached_body
    assert await _orders(factory) == 0


async def test_rollback_stores_nothing_and_commit_stores(factory: UnitOfWorkFactory) -> None:
    with pytest.raises(RuntimeError):
        async with factory() as uow:
            await uow.orders.add(order())
            raise RuntimeError("boom")
    assert await _orders(factory) == 0
    async with factory() as uow:
        await uow.orders.add(order())
        await uow.commit()
    assert await _orders(factory) == 1


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


async def test_a_unit_of_work_runs_without_a_greenlet_once_a_connection_is_free(
        factory: UnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    async with factory() as uow:  # the pool's first connection is made through the greenlet
        await uow.moderators.add(7, 1, T0)
        await uow.commit()
    spawned: list[Any] = []
    real_spawn = engine_module.greenlet_spawn

    async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
        spawned.append(fn)
        return await real_spawn(fn, *args, **kwargs)

    monkeypatch.setattr(engine_module, "greenlet_spawn", counted)
    async with factory() as uow:
        await uow.moderators.add(8, 1, T0)
        await uow.commit()
    async with factory() as uow:
        await uow.conn.begin_nested()  # a savepoint too
        assert await uow.moderators.ids() == {7, 8}
    assert spawned == []


async def test_a_connect_waits_for_the_pool_when_none_is_free(db_path: Path) -> None:
    engine = create_engine(f"sqlite:///{db_path}", pool_size=1, max_overflow=0)
    try:
        first = await engine.connect()
        waiting = asyncio.ensure_future(engine.connect())
        await asyncio.sleep(0.05)
        assert not waiting.done()  # asleep in the pool's queue, the loop still running
        await first.close()
        second = await asyncio.wait_for(waiting, 5)
        assert (await second.execute(text("SELECT 1"))).scalar() == 1
        await second.close()
    finally:
        await engine.dispose()
