"""The shared statements (`bot.storage.statements`) run straight on SQLite's cursor.

A cached statement still costs SQLAlchemy about twenty microseconds per execution on top of
SQLite's own few: the compiled-cache lookup, the execution context, the parameters dictionary,
the result's metadata and the event hooks. An update runs a dozen such statements, so that
overhead was about a third of its handling. Here a shared statement is compiled once for each
set of parameter names, and then only its bind and result conversions (SQLAlchemy's own, from
the compiled statement) run around the cursor call.

Only what runs exactly as SQLAlchemy would run it takes this path: the inline SQLite driver,
inside a transaction, with no statement listener on the engine (a listener sees every
statement the normal way) and no echo. Anything the plan cannot reproduce (expanding or literal
parameters, callable defaults) runs through `conn.execute`, as does everything on PostgreSQL.
Errors are SQLAlchemy's, as `conn.execute` raises them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import exc
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.base import Executable

from bot.storage.sqlite_inline import InlineAsyncConnection
from bot.storage.statements import is_shared

Processor = Callable[[Any], Any]
_MISSING = object()


@dataclass(frozen=True, slots=True)
class _Slot:
    """One `?` of the SQL: the parameter it takes (or, if none, its fixed value)."""
    key: str | None
    fixed: Any
    convert: Processor | None


@dataclass(frozen=True, slots=True)
class Plan:
    sql: str
    slots: tuple[_Slot, ...]
    names: tuple[str, ...]  # the result's columns
    converts: tuple[Processor | None, ...]

    def args(self, params: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(slot.fixed if slot.key is None
                     else slot.convert(params[slot.key]) if slot.convert
                     else params[slot.key] for slot in self.slots)

    def rows(self, raw: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
        if not any(self.converts):
            return [dict(zip(self.names, row, strict=True)) for row in raw]
        return [{name: convert(value) if convert else value
                 for name, convert, value in zip(self.names, self.converts, row, strict=True)}
                for row in raw]


_plans: dict[tuple[int, tuple[str, ...]], tuple[Executable, Plan | None]] = {}


async def fetch(conn: AsyncConnection, statement: Executable,
                params: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows (SELECT or RETURNING) as dictionaries by column key."""
    direct = _direct(conn, statement, params)
    if direct is None:
        result = await conn.execute(statement, params)
        return [dict(row) for row in result.mappings()]
    plan, sync = direct
    return plan.rows(_run(sync, plan, params, lambda cursor: cursor.fetchall()))


async def write(conn: AsyncConnection, statement: Executable, params: dict[str, Any]) -> int:
    """Run an INSERT, UPDATE or DELETE; the number of rows it changed."""
    direct = _direct(conn, statement, params)
    if direct is None:
        return int((await conn.execute(statement, params)).rowcount)
    plan, sync = direct
    return int(_run(sync, plan, params, lambda cursor: cursor.rowcount))


async def insert(conn: AsyncConnection, statement: Executable, params: dict[str, Any]) -> int:
    """Run an INSERT of one row; the new row's primary key."""
    direct = _direct(conn, statement, params)
    if direct is None:
        result = await conn.execute(statement, params)
        return int(result.inserted_primary_key[0])  # type: ignore[index]
    plan, sync = direct
    return int(_run(sync, plan, params, lambda cursor: cursor.lastrowid))


def plain(sync: Connection, sql: str) -> None:
    """Run a statement with no parameters and no rows (BEGIN IMMEDIATE), directly where a
    shared statement would be."""
    if sync._echo or _listened(sync):
        sync.exec_driver_sql(sql)
    else:
        _execute(sync, sql, (), lambda _cursor: None)


def _run(sync: Connection, plan: Plan, params: dict[str, Any],
         read: Callable[[Any], Any]) -> Any:
    return _execute(sync, plan.sql, plan.args(params), read)


def _execute(sync: Connection, sql: str, args: tuple[Any, ...],
             read: Callable[[Any], Any]) -> Any:
    dialect = sync.dialect
    cursor = sync.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, args)
        return read(cursor)
    except dialect.loaded_dbapi.Error as error:
        raise exc.DBAPIError.instance(sql, args, error, dialect.loaded_dbapi.Error,
                                      dialect=dialect) from error
    finally:
        cursor.close()


def _direct(conn: AsyncConnection, statement: Executable,
            params: dict[str, Any]) -> tuple[Plan, Connection] | None:
    """The plan and connection to run `statement` on directly, or None for `conn.execute`."""
    if not isinstance(conn, InlineAsyncConnection) or not is_shared(statement):
        return None
    sync = conn.sync_connection
    if sync is None or not sync.in_transaction() or sync._echo or _listened(sync):
        return None
    key = (id(statement), tuple(params))
    known = _plans.get(key)
    if known is None:
        # the statement is kept with its plan: shared statements live as long as the process
        known = _plans[key] = (statement, plan_of(statement, tuple(params), sync.dialect))
    plan = known[1]
    return None if plan is None else (plan, sync)


def _listened(sync: Connection) -> bool:
    """True if a statement listener is set on the engine (or on every engine, `Engine`).
    A connection's own dispatch joins the engine's on every look-up, dearer than the
    statement; listeners set on one connection alone are not used by the bot."""
    dispatch = sync.engine.dispatch
    return bool(dispatch.before_execute or dispatch.after_execute
                or dispatch.before_cursor_execute or dispatch.after_cursor_execute
                or sync.dialect.dispatch.handle_error)


def plan_of(statement: Executable, keys: tuple[str, ...], dialect: Dialect) -> Plan | None:
    """`statement` compiled for parameters named `keys`, as `conn.execute` compiles it; None
    if running it takes more than binding them (SQLAlchemy then runs it)."""
    try:
        compiled: Any = cast(Any, statement).compile(dialect=dialect, column_keys=sorted(keys))
    except exc.SQLAlchemyError:
        return None  # e.g. a parameter the statement has no column for: let SQLAlchemy say so
    if (not compiled.positional or compiled.literal_execute_params
            or compiled.post_compile_params or compiled.escaped_bind_names
            or getattr(compiled, "_collected_params", None)):
        return None
    defaults = _scalar_defaults(compiled)
    if defaults is None:
        return None
    slots = _slots(compiled, set(keys), defaults)
    if slots is None:
        return None
    columns = compiled._result_columns
    return Plan(sql=compiled.string, slots=slots,
                names=tuple(column.keyname for column in columns),
                converts=tuple(column.type._cached_result_processor(dialect, None)
                               for column in columns))


def _scalar_defaults(compiled: Any) -> dict[str, Any] | None:
    """The values of the columns whose Python-side default (or onupdate) fills them in;
    None if one is not a plain value (a function: SQLAlchemy calls it per execution)."""
    values = {}
    for column in [*compiled.insert_prefetch, *compiled.update_prefetch]:
        default = column.default if column in compiled.insert_prefetch else column.onupdate
        if default is None or not default.is_scalar:
            return None
        values[column.key] = default.arg
    return values


def _slots(compiled: Any, keys: set[str], defaults: dict[str, Any]) -> tuple[_Slot, ...] | None:
    """Each `?` in order, bound as `construct_params` binds it: by the parameter's key, else
    its name, else the default or the statement's own value."""
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    slots = []
    for name in compiled.positiontup:
        bind = by_name[name]
        convert = compiled._bind_processors.get(name)
        key = bind.key if bind.key in keys else name if name in keys else None
        if key is not None:
            slots.append(_Slot(key, None, convert))
            continue
        value = defaults.get(name, _MISSING)
        if value is _MISSING:
            if bind.required or bind.callable is not None:
                return None
            value = bind.value
        slots.append(_Slot(None, convert(value) if convert else value, None))
    return tuple(slots)
