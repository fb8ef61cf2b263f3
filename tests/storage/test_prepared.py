"""Shared statements run straight on SQLite's cursor give what `conn.execute` gives: the same
rows with the same types, the same counts and ids, the same errors; and whatever the plan
cannot reproduce (listeners, echo, no transaction, expanding IN lists, callable defaults) goes
through SQLAlchemy."""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.storage import prepared
from bot.storage.db import create_engine
from bot.storage.statements import (
    cached,
    insert_ignore_row,
    insert_row,
    select_where,
    update_by_id,
    upsert_row,
)
from bot.storage.types import StrEnumType, UTCDateTime


class Shade(enum.StrEnum):
    LIGHT = "light"
    DARK = "dark"


METADATA = MetaData()
THINGS = Table(
    "things", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("name", String(50), nullable=False, default="unnamed"),
    Column("note", Text),
    Column("active", Boolean, nullable=False, default=True),
    Column("shade", StrEnumType(Shade)),
    Column("at", UTCDateTime),
    Column("day", Date),
    Column("stamp", String(40), default=lambda: "made-by-a-function"),
    Column("version", Integer, nullable=False, default=0),
)
AT = datetime(2026, 12, 3, 10, 30, 15, 123456, tzinfo=UTC)
ROW = {"chat_id": -100123, "name": "Ana", "note": "ç ã ع", "active": False,
       "shade": Shade.DARK, "at": AT.astimezone(timezone(timedelta(hours=-3))),
       "day": date(2026, 12, 24), "stamp": "given", "version": 3}


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    made = create_engine(f"sqlite:///{tmp_path / 'p.db'}")
    async with made.begin() as conn:
        await conn.run_sync(METADATA.create_all)
    try:
        yield made
    finally:
        await made.dispose()


async def _both(engine: AsyncEngine, run: Any) -> tuple[Any, Any]:
    """`run(conn, direct)` with and then without the direct path, each in a transaction that
    is rolled back, so both meet the same rows."""
    outcomes = []
    for direct in (True, False):
        async with engine.connect() as conn:
            await conn.begin()
            outcomes.append(await run(conn, direct))
            await conn.rollback()
    return outcomes[0], outcomes[1]


async def _seed(engine: AsyncEngine) -> int:
    async with engine.begin() as conn:
        return await prepared.insert(conn, insert_row(THINGS), ROW)


async def test_the_statements_in_the_hot_path_are_run_directly(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.begin()
        for statement, params in [select_where(THINGS, chat_id=1),
                                  (insert_row(THINGS), ROW),
                                  (update_by_id(THINGS, True), {"name": "x", "_id": 1,
                                                                "_version": 0}),
                                  (insert_ignore_row(THINGS, "sqlite"), ROW)]:
            assert prepared._direct(conn, statement, params) is not None, statement


async def test_rows_read_alike_with_their_types(engine: AsyncEngine) -> None:
    await _seed(engine)

    async def read(conn: AsyncConnection, direct: bool) -> list[dict[str, Any]]:
        statement, params = select_where(THINGS, chat_id=ROW["chat_id"])
        if direct:
            return await prepared.fetch(conn, statement, params)
        return [dict(row) for row in (await conn.execute(statement, params)).mappings()]

    fast, slow = await _both(engine, read)
    assert fast == slow
    [row] = fast
    assert row["at"] == AT and row["at"].tzinfo is not None
    assert row["shade"] is Shade.DARK and row["active"] is False
    assert row["day"] == date(2026, 12, 24) and row["note"] == "ç ã ع"


async def test_an_insert_fills_in_the_plain_defaults_and_gives_the_id(engine: AsyncEngine) -> None:
    first = await _seed(engine)

    async def add(conn: AsyncConnection, direct: bool) -> tuple[int, list[Any]]:
        values = {"chat_id": 7, "stamp": "s"}  # name, active and version from their defaults
        if direct:
            new_id = await prepared.insert(conn, insert_row(THINGS), values)
        else:
            new_id = (await conn.execute(insert_row(THINGS), values)).inserted_primary_key[0]
        rows = (await conn.execute(select(THINGS).where(THINGS.c.id == new_id))).all()
        return new_id, rows

    fast, slow = await _both(engine, add)
    assert fast == slow
    assert fast[0] == first + 1
    assert fast[1][0][2:5] == ("unnamed", None, True)


async def test_a_function_default_is_left_to_sqlalchemy(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.begin()
        values = {"chat_id": 7}
        assert prepared._direct(conn, insert_row(THINGS), values) is None
        new_id = await prepared.insert(conn, insert_row(THINGS), values)
        stamp = (await conn.execute(select(THINGS.c.stamp).where(THINGS.c.id == new_id))).scalar()
        assert stamp == "made-by-a-function"


async def test_counts_of_updates_and_ignored_inserts_alike(engine: AsyncEngine) -> None:
    row_id = await _seed(engine)

    async def change(conn: AsyncConnection, direct: bool) -> list[int]:
        def run(statement: Any, params: dict[str, Any]) -> Any:
            return prepared.write(conn, statement, params) if direct else conn.execute(
                statement, params)
        counts = []
        for statement, params in [
                (update_by_id(THINGS, True), {"name": "B", "version": 4, "_id": row_id,
                                              "_version": 3}),
                (update_by_id(THINGS, True), {"name": "C", "version": 5, "_id": row_id,
                                              "_version": 3}),  # stale: no row
                (insert_ignore_row(THINGS, "sqlite"), {**ROW, "id": row_id}),
                (insert_ignore_row(THINGS, "sqlite"), {**ROW, "id": row_id + 1})]:
            outcome = await run(statement, params)
            counts.append(outcome if direct else outcome.rowcount)
        return counts

    fast, slow = await _both(engine, change)
    assert fast == slow == [1, 0, 0, 1]


async def test_an_upsert_returns_its_row(engine: AsyncEngine) -> None:
    row_id = await _seed(engine)
    statement = upsert_row(THINGS, "sqlite", ("id",), ("name", "at"),
                           returning=("id", "name", "at", "shade"))
    later = AT + timedelta(days=1)

    async def upsert(conn: AsyncConnection, direct: bool) -> list[dict[str, Any]]:
        params = {**ROW, "id": row_id, "name": "Bea", "at": later}
        if direct:
            return await prepared.fetch(conn, statement, params)
        return [dict(row) for row in (await conn.execute(statement, params)).mappings()]

    fast, slow = await _both(engine, upsert)
    assert fast == slow == [{"id": row_id, "name": "Bea", "at": later, "shade": Shade.DARK}]


async def test_a_broken_constraint_raises_sqlalchemys_error(engine: AsyncEngine) -> None:
    row_id = await _seed(engine)
    async with engine.connect() as conn:
        await conn.begin()
        with pytest.raises(IntegrityError, match="UNIQUE"):
            await prepared.insert(conn, insert_row(THINGS), {**ROW, "id": row_id})
        # the transaction is still usable, as after conn.execute's error
        assert await prepared.fetch(conn, *select_where(THINGS, id=row_id))


@pytest.mark.parametrize("on_every_engine", [False, True])
async def test_a_listener_sees_every_statement(engine: AsyncEngine, on_every_engine: bool) -> None:
    seen: list[str] = []
    target: Any = Engine if on_every_engine else engine.sync_engine

    def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split()[0])

    event.listen(target, "before_cursor_execute", listen)
    try:
        async with engine.begin() as conn:
            await prepared.insert(conn, insert_row(THINGS), ROW)
            await prepared.fetch(conn, *select_where(THINGS, chat_id=ROW["chat_id"]))
    finally:
        event.remove(target, "before_cursor_execute", listen)
    assert seen == ["BEGIN", "INSERT", "SELECT"]


async def test_outside_a_transaction_sqlalchemy_begins_one(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        statement, params = select_where(THINGS, chat_id=1)
        assert prepared._direct(conn, statement, params) is None
        assert await prepared.fetch(conn, statement, params) == []
        assert conn.in_transaction()  # begun by SQLAlchemy: the write lock is taken there
        await conn.rollback()


async def test_what_the_plan_cannot_bind_goes_through_sqlalchemy(engine: AsyncEngine) -> None:
    await _seed(engine)
    expanding = cached(("test_prepared_in", THINGS),
                       lambda: select(THINGS.c.name).where(THINGS.c.chat_id.in_([1, -100123])))
    built_here = select(THINGS.c.name)
    async with engine.connect() as conn:
        await conn.begin()
        for statement in (expanding, built_here):
            assert prepared._direct(conn, statement, {}) is None
            assert await prepared.fetch(conn, statement, {}) == [{"name": "Ana"}]


async def test_a_missing_parameter_gets_sqlalchemys_answer(engine: AsyncEngine) -> None:
    from sqlalchemy.exc import StatementError

    async with engine.connect() as conn:
        await conn.begin()
        statement, _params = select_where(THINGS, chat_id=1)
        with pytest.raises(StatementError, match="_chat_id"):
            await prepared.fetch(conn, statement, {})
