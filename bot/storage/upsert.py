"""INSERT ... ON CONFLICT, written once for both databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.statements import insert_ignore_row, upsert_row


async def insert_ignore(conn: AsyncConnection, table: Table, values: dict[str, Any]) -> bool:
    """Insert unless the key exists; True if a row was inserted."""
    result = await conn.execute(insert_ignore_row(table, conn.dialect.name), values)
    return bool(result.rowcount == 1)


async def upsert(
    conn: AsyncConnection, table: Table, values: dict[str, Any], keys: list[str],
    update: list[str],
) -> None:
    await conn.execute(upsert_row(table, conn.dialect.name, tuple(keys), tuple(update)), values)
