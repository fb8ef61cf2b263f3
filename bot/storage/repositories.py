"""Repositories: load and store domain objects. They never commit; the unit of work does.

On SQLAlchemy Core, with explicit statements, rather than the ORM: the domain's dataclasses
stay plain (no instrumented attributes, no session state), every statement an update runs is
visible here, and nothing is loaded lazily, which asyncio forbids anyway. The identity map the
behaviour needs, a row loaded once per unit of work, is `keeps_loaded`; optimistic
versioning is `update_by_id`'s `WHERE version = :_version`. Columns are named as the fields.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import fields
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, Table, func, select

from bot.core.errors import ConcurrentChange
from bot.domain.events import DomainEvent, RecordsEvents
from bot.storage.inline import Conn
from bot.storage.statements import insert_row, select_where, update_by_id

if TYPE_CHECKING:  # the unit of work imports the repositories
    from bot.storage.uow import UnitOfWork, UnitOfWorkFactory

T = TypeVar("T")


def to_domain(cls: type[T], row: Mapping[Any, Any]) -> T:
    names = _init_fields(cls)  # type: ignore[arg-type]
    return cls(**{name: value for name, value in row.items() if name in names})


@cache
def _init_fields(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls) if f.init)


def to_values(obj: object, table: Table) -> dict[str, Any]:
    """The object's attributes named as the table's columns (but id and version)."""
    return {name: getattr(obj, name) for name in _column_names(table) if hasattr(obj, name)}


@cache
def _column_names(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns if c.name not in ("id", "version"))


class Repository:
    """The statements of one table, on the unit of work's connection."""

    table: Table

    def __init__(self, conn: Conn) -> None:
        self.conn = conn


class TableRepository(Repository, Generic[T]):
    """Plain CRUD for one table and one dataclass with an `id` (and maybe a `version`)."""

    cls: type[T]
    # One object per row within the unit of work (an identity map): every load of a row
    # gives the object loaded first, which may hold changes not saved yet.
    keeps_loaded = False

    def __init__(self, conn: Conn, events: list[DomainEvent] | None = None) -> None:
        super().__init__(conn)
        # Where the events an aggregate recorded go when it is stored (the unit of work's).
        self.events: list[DomainEvent] = [] if events is None else events
        self._versioned = "version" in self.table.c
        self.loaded: dict[int, T] = {}

    def known(self, obj: T) -> T:
        """The object already loaded for `obj`'s row, else `obj` (kept, if `keeps_loaded`)."""
        if not self.keeps_loaded:
            return obj
        return self.loaded.setdefault(obj.id, obj)  # type: ignore[attr-defined]

    def forget(self) -> None:
        """Drop what was loaded (its changes were rolled back): the next load reads the row."""
        self.loaded.clear()

    async def get(self, id_: int) -> T | None:
        if id_ in self.loaded:
            return self.loaded[id_]
        return await self.first(id=id_)

    async def first(self, newest_first: bool = False, **values: Any) -> T | None:
        rows = await self.load_by(newest_first, **values)
        return rows[0] if rows else None

    async def load_by(self, newest_first: bool = False, **values: Any) -> list[T]:
        """The objects whose columns equal `values` (only the newest, if `newest_first`)."""
        return await self.load(*select_where(self.table, newest_first, **values))

    async def load(self, query: Select[Any], params: dict[str, Any] | None = None) -> list[T]:
        result = await self.conn.execute(query, params)
        return [self.known(to_domain(self.cls, row)) for row in result.mappings()]

    async def find(
        self, *where: ColumnElement[bool], order_by: Any = None, limit: int | None = None,
        offset: int | None = None,
    ) -> list[T]:
        query = select(self.table).where(*where)
        query = query.order_by(order_by if order_by is not None else self.table.c.id)
        return await self.load(query.limit(limit).offset(offset or None))

    def _take_events(self, obj: T) -> None:
        if isinstance(obj, RecordsEvents):
            self.events.extend(obj.pull_events())

    async def add(self, obj: T) -> T:
        self._take_events(obj)
        values = to_values(obj, self.table)
        if self._versioned:
            values["version"] = 0
        if getattr(obj, "id", 0):  # an id given before it is stored (0: not stored yet)
            values["id"] = obj.id  # type: ignore[attr-defined]
        result = await self.conn.execute(insert_row(self.table), values)
        if "id" in self.table.c and not getattr(obj, "id", 0):
            obj.id = result.inserted_primary_key[0]  # type: ignore[attr-defined,index]
        if self.keeps_loaded:
            self.loaded[obj.id] = obj  # type: ignore[attr-defined]
        return obj

    async def save(self, obj: T) -> T:
        """Store a loaded object; refused if someone changed the row since it was loaded."""
        id_ = obj.id  # type: ignore[attr-defined]
        self._take_events(obj)
        params = {**to_values(obj, self.table), "_id": id_}
        if self._versioned:
            version = obj.version  # type: ignore[attr-defined]
            params.update(version=version + 1, _version=version)
        result = await self.conn.execute(update_by_id(self.table, self._versioned), params)
        if result.rowcount != 1:
            raise ConcurrentChange("the row changed meanwhile", table=self.table.name, id=id_)
        if self._versioned:
            obj.version = version + 1  # type: ignore[attr-defined]
        if self.keeps_loaded:
            self.loaded[id_] = obj  # the stored state now
        return obj

    async def count(self, *where: ColumnElement[bool]) -> int:
        result = await self.conn.execute(
            select(func.count()).select_from(self.table).where(*where))
        return int(result.scalar_one())


class Transactions:
    """A port's transactions (the sender's, the pruner's), each a short unit of work of its
    own, never held across a network call."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow = uow_factory

    async def committed(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        async with self._uow() as uow:
            result = await work(uow)
            await uow.commit()
        return result
