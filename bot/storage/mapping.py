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
    return {c.name: getattr(obj, c.name) for c in table.columns
            if c.name not in skip and hasattr(obj, c.name)}
