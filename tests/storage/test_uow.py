"""The unit of work: nothing is kept without a commit, after_commit runs only after one."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.order import Status
from bot.storage.db import create_engine
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory
from tests.storage.factories import order


async def _count(factory: UnitOfWorkFactory) -> int:
    async with factory() as uow:
        return len(await uow.orders.listing(None, limit=100, offset=0))


async def test_commit_keeps_the_work(uow_factory: UnitOfWorkFactory) -> None:
    ran: list[str] = []
    async with uow_factory() as uow:
        await uow.orders.add(order())
        uow.after_commit(lambda: ran.append("wake"))
        await uow.commit()
        assert ran == []  # not before the unit of work ends
    assert ran == ["wake"]
    assert uow.committed
    assert await _count(uow_factory) == 1


async def test_no_commit_rolls_back_and_skips_callbacks(uow_factory: UnitOfWorkFactory) -> None:
    ran: list[str] = []
    async with uow_factory() as uow:
        await uow.orders.add(order())
        uow.after_commit(lambda: ran.append("wake"))
    assert ran == [] and not uow.committed
    assert await _count(uow_factory) == 0


async def test_an_error_rolls_back_and_skips_callbacks(uow_factory: UnitOfWorkFactory) -> None:
    ran: list[str] = []
    with pytest.raises(RuntimeError):
        async with uow_factory() as uow:
            await uow.orders.add(order())
            uow.after_commit(lambda: ran.append("wake"))
            raise RuntimeError("boom")
    assert ran == []
    assert await _count(uow_factory) == 0


async def test_explicit_rollback(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.orders.add(order(status=Status.DONE))
        await uow.rollback()
    assert await _count(uow_factory) == 0


async def test_callbacks_run_in_order_once(uow_factory: UnitOfWorkFactory) -> None:
    ran: list[int] = []
    async with uow_factory() as uow:
        uow.after_commit(lambda: ran.append(1))
        uow.after_commit(lambda: ran.append(2))
        await uow.commit()
    assert ran == [1, 2]


async def test_the_connection_is_closed_after_the_unit_of_work(
        uow_factory: UnitOfWorkFactory) -> None:
    uow = uow_factory()
    with pytest.raises(RuntimeError):
        _ = uow.conn
    async with uow:
        assert uow.conn is not None
    with pytest.raises(RuntimeError):
        _ = uow.conn


async def test_units_of_work_take_turns_on_sqlite(factory: UnitOfWorkFactory) -> None:
    """A failed unit of work hands the writer's turn on: the next one does not wait for it."""
    waits: list[str] = []
    factory.when_a_writer_waits(lambda: waits.append("waited"))
    assert factory.takes_turns
    with pytest.raises(ValueError):
        async with factory():
            raise ValueError
    async with factory():
        assert waits == []  # the turn was free
        second = asyncio.create_task(factory().__aenter__())
        await asyncio.sleep(0)
        assert waits == ["waited"] and not second.done()  # while one writes, the next waits
    await (await second).__aexit__(None, None, None)


async def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    """Readers do not wait for the writer: the embedded database is in write-ahead-log mode."""
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as conn:
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
            keys = (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one()
    finally:
        await engine.dispose()
    assert (mode, keys) == ("wal", 1)


async def test_a_unit_of_work_cancelled_while_closing_frees_the_writer_turn(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    factory = UnitOfWorkFactory(create_engine(sqlite_url))
    try:
        uow = factory()
        await uow.__aenter__()
        conn = uow.conn

        async def cancelled_close(_self: AsyncConnection) -> None:
            raise asyncio.CancelledError

        monkeypatch.setattr(type(conn), "close", cancelled_close)
        with pytest.raises(asyncio.CancelledError):
            await uow.__aexit__(None, None, None)
        monkeypatch.undo()
        await conn.close()
        async with asyncio.timeout(5), factory() as again:
            assert isinstance(again, UnitOfWork)
    finally:
        await factory.engine.dispose()
