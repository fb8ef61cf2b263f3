"""Repositories: load and store domain objects. They never commit; the unit of work does."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.errors import ConcurrentChange
from bot.domain.events import DomainEvent, RecordsEvents
from bot.storage import prepared
from bot.storage.mapping import to_domain, to_values
from bot.storage.statements import insert_row, select_where, update_by_id

T = TypeVar("T")


class TableRepository(Generic[T]):
    """Plain CRUD for one table and one dataclass with an `id` (and maybe a `version`).

    A repository lives as long as its unit of work and remembers the columns of the rows it
    loaded or stored, so that a save writes only the columns that changed."""

    def __init__(self, conn: AsyncConnection, table: Table, cls: type[T],
                 events: list[DomainEvent] | None = None) -> None:
        self.conn = conn
        self.table = table
        self.cls = cls
        # Where the events an aggregate recorded go when it is stored (the unit of work's).
        self.events: list[DomainEvent] = [] if events is None else events
        self._versioned = "version" in table.c
        self._stored: dict[int, dict[str, Any]] = {}  # by id: the row as last read or written

    async def get(self, id_: int) -> T | None:
        rows = await self.load_by(id=id_)
        return rows[0] if rows else None

    async def load_by(self, newest_first: bool = False, **values: Any) -> list[T]:
        """The objects whose columns equal `values` (only the newest, if `newest_first`)."""
        return await self.load(*select_where(self.table, newest_first, **values))

    async def load(self, query: Select[Any], params: dict[str, Any]) -> list[T]:
        """The objects a prepared query (`bot.storage.statements`) finds with `params`."""
        return [self._read(row) for row in await prepared.fetch(self.conn, query, params)]

    async def find(
        self, *where: ColumnElement[bool], order_by: Any = None, limit: int | None = None,
        offset: int | None = None,
    ) -> list[T]:
        query = select(self.table).where(*where)
        query = query.order_by(order_by if order_by is not None else self.table.c.id)
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        result = await self.conn.execute(query)
        return [self._read(row) for row in result.mappings()]

    def _read(self, row: Any) -> T:
        values = dict(row)
        if values.get("id") is not None:
            self._stored[values["id"]] = values
        return to_domain(self.cls, values)

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
        if not getattr(obj, "id", 0) and "id" in self.table.c:
            obj.id = await prepared.insert(  # type: ignore[attr-defined]
                self.conn, insert_row(self.table), values)
        else:
            await prepared.write(self.conn, insert_row(self.table), values)
        if getattr(obj, "id", 0):
            self._stored[obj.id] = values  # type: ignore[attr-defined]
        return obj

    async def save(self, obj: T) -> T:
        """Store a loaded object; refused if someone changed the row since it was loaded."""
        id_ = obj.id  # type: ignore[attr-defined]
        values = self._changed(id_, to_values(obj, self.table))
        self._take_events(obj)
        if not values and not self._versioned:
            return obj  # a versioned save still bumps the version: the row was claimed
        params = {**values, "_id": id_}
        if self._versioned:
            version = obj.version  # type: ignore[attr-defined]
            params.update(version=version + 1, _version=version)
        if await prepared.write(self.conn, update_by_id(self.table, self._versioned), params) != 1:
            raise ConcurrentChange("the row changed meanwhile", table=self.table.name, id=id_)
        if self._versioned:
            obj.version = version + 1  # type: ignore[attr-defined]
            values["version"] = version + 1
        self._stored.setdefault(id_, {}).update(values)
        return obj

    def _changed(self, id_: int, values: dict[str, Any]) -> dict[str, Any]:
        """The columns that differ from the row as this unit of work last saw it (all of them
        for an object it never saw). Fewer columns: a shorter statement, fewer conversions."""
        stored = self._stored.get(id_)
        if stored is None:
            return values
        return {name: value for name, value in values.items()
                if name not in stored or stored[name] != value}

    async def count(self, *where: ColumnElement[bool]) -> int:
        from sqlalchemy import func

        result = await self.conn.execute(
            select(func.count()).select_from(self.table).where(*where))
        return int(result.scalar_one())
