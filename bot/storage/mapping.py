"""Rows to domain dataclasses and back: the columns are named as the dataclass fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Table

T = TypeVar("T")


def to_domain(cls: type[T], row: Mapping[str, Any]) -> T:
    names = _init_fields(cls)  # type: ignore[arg-type]
    return cls(**{name: value for name, value in row.items() if name in names})


@cache
def _init_fields(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls) if f.init)


def to_values(obj: object, table: Table,
              skip: tuple[str, ...] = ("id", "version")) -> dict[str, Any]:
    """The object's attributes named as the table's columns (but `skip`), by column name."""
    values = {}
    for name in _column_names(table, skip):
        value = getattr(obj, name, _ABSENT)
        if value is not _ABSENT:
            values[name] = value
    return values


_ABSENT = object()


@cache
def _column_names(table: Table, skip: tuple[str, ...]) -> tuple[str, ...]:
    # a Table's columns are fixed once defined, and walking them costs more than the lookups
    return tuple(c.name for c in table.columns if c.name not in skip)
