"""Statements built once per table and reused, their values passed at execution: building one
anew for each call (`insert(t).values(**row)`) costs several hundred microseconds; built once,
its cache key is memoised and its compiled form cached, so only the execution remains."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Executable,
    Insert,
    Select,
    Table,
    Update,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from bot.storage.inline import Conn, Rows

S = TypeVar("S", bound=Executable)
_cache: dict[tuple[Any, ...], Any] = {}


def cached(key: tuple[Any, ...], build: Callable[[], S]) -> S:
    """The statement for `key`, built by `build` the first time it is asked for."""
    statement = _cache.get(key)
    if statement is None:
        statement = _cache[key] = build()
    return cast(S, statement)


def insert_row(table: Table) -> Insert:
    """INSERT into `table`; the columns are the keys of the parameters it is executed with."""
    return cached(("insert", table), lambda: insert(table))


def update_by_id(table: Table, versioned: bool) -> Update:
    """UPDATE of the row `:_id` (and, if versioned, still at version `:_version`); the SET
    columns are the other keys of the parameters."""
    version = [table.c.version == bindparam("_version")] if versioned else []
    return cached(("update_by_id", table, versioned),
                  lambda: update(table).where(table.c.id == bindparam("_id"), *version))


def by_params(**values: Any) -> dict[str, Any]:
    """The parameters of a `select_where` statement: `_<column>` for each column."""
    return {f"_{name}": value for name, value in values.items()}


def select_where(table: Table, newest_first: bool = False,
                 **values: Any) -> tuple[Select[Any], dict[str, Any]]:
    """The statement for the rows whose columns equal `values` (parameters `:_<column>`), by
    id if the table has one (newest first: only the newest), and its parameters:
    `conn.execute(*select_where(t, chat_id=5))`."""
    def build() -> Select[Any]:
        query = select(table).where(*(table.c[name] == bindparam(f"_{name}") for name in values))
        if newest_first:
            return query.order_by(table.c.id.desc()).limit(1)
        return query.order_by(table.c.id) if "id" in table.c else query
    return cached(("select_by", table, tuple(values), newest_first), build), by_params(**values)


def _insert_of(dialect_name: str) -> Any:
    return (postgresql if dialect_name == "postgresql" else sqlite).insert


async def insert_ignore(conn: Conn, table: Table, values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True if a row was inserted."""
    name = conn.dialect.name
    statement = cached(("insert_ignore", table, name),
                       lambda: _insert_of(name)(table).on_conflict_do_nothing())
    return bool((await conn.execute(statement, values)).rowcount == 1)


async def upsert(conn: Conn, table: Table, values: dict[str, Any], keys: tuple[str, ...],
                 update_columns: tuple[str, ...], returning: tuple[str, ...] = ()) -> Rows:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET the `update_columns` [RETURNING ...]."""
    dialect_name = conn.dialect.name

    def build() -> Insert:
        stmt = _insert_of(dialect_name)(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=list(keys), set_={name: stmt.excluded[name] for name in update_columns})
        if returning:
            stmt = stmt.returning(*(table.c[name] for name in returning))
        return cast(Insert, stmt)
    key = ("upsert", table, dialect_name, keys, update_columns, returning)
    return await conn.execute(cached(key, build), values)
