"""Statements built once per table and reused, their values passed at execution.

A statement built anew for each call (`insert(t).values(**row)`, `update(t).where(t.c.id ==
5)`) costs SQLAlchemy several hundred microseconds to construct and to derive its cache key
from, five times what running it costs on SQLite. Built once, with its values as parameters,
its cache key is memoised and its compiled form cached, so only the execution remains.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from sqlalchemy import Delete, Insert, Select, Table, Update, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

S = TypeVar("S", Insert, Update, Delete, Select[Any])
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
    def build() -> Update:
        where = [table.c.id == bindparam("_id")]
        if versioned:
            where.append(table.c.version == bindparam("_version"))
        return update(table).where(*where)
    return cached(("update_by_id", table, versioned), build)


def select_by(table: Table, *columns: str, newest_first: bool = False) -> Select[Any]:
    """SELECT the rows whose `columns` equal the parameters named after them (`:_<column>`),
    by id if the table has one (newest first: only the newest, LIMIT 1)."""
    def build() -> Select[Any]:
        query = select(table).where(*(table.c[name] == bindparam(f"_{name}")
                                      for name in columns))
        if newest_first:
            return query.order_by(table.c.id.desc()).limit(1)
        return query.order_by(table.c.id) if "id" in table.c else query
    return cached(("select_by", table, columns, newest_first), build)


def by_params(**values: Any) -> dict[str, Any]:
    """The parameters of a `select_by` statement: `_<column>` for each column."""
    return {f"_{name}": value for name, value in values.items()}


def select_where(table: Table, newest_first: bool = False,
                 **values: Any) -> tuple[Select[Any], dict[str, Any]]:
    """The `select_by` statement for the rows whose columns equal `values`, and its parameters:
    `conn.execute(*select_where(t, chat_id=5))`."""
    return select_by(table, *values, newest_first=newest_first), by_params(**values)


def _dialect_module(dialect_name: str) -> Any:
    return postgresql if dialect_name == "postgresql" else sqlite


def insert_ignore_row(table: Table, dialect_name: str) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING."""
    return cached(("insert_ignore", table, dialect_name),
                  lambda: cast(Insert, _dialect_module(dialect_name).insert(table)
                               .on_conflict_do_nothing()))


def upsert_row(table: Table, dialect_name: str, keys: tuple[str, ...],
               update_columns: tuple[str, ...], returning: tuple[str, ...] = ()) -> Insert:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET the `update_columns` [RETURNING ...]."""
    def build() -> Insert:
        stmt = _dialect_module(dialect_name).insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=list(keys), set_={name: stmt.excluded[name] for name in update_columns})
        if returning:
            stmt = stmt.returning(*(table.c[name] for name in returning))
        return cast(Insert, stmt)
    return cached(("upsert", table, dialect_name, keys, update_columns, returning), build)


async def insert_ignore(conn: AsyncConnection, table: Table, values: dict[str, Any]) -> bool:
    """Insert unless the key exists; True if a row was inserted."""
    result = await conn.execute(insert_ignore_row(table, conn.dialect.name), values)
    return bool(result.rowcount == 1)


async def upsert(conn: AsyncConnection, table: Table, values: dict[str, Any], keys: list[str],
                 update_columns: list[str]) -> None:
    await conn.execute(upsert_row(table, conn.dialect.name, tuple(keys), tuple(update_columns)),
                       values)
