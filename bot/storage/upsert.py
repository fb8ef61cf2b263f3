"""INSERT ... ON CONFLICT, written once for both databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import prepared
from bot.storage.statements import insert_ignore_row, upsert_row


async def insert_ignore(conn: AsyncConnection, table: Table, values: dict[str, Any]) -> bool:
    """Insert unless the key exists; True if a row was inserted."""
    return await prepared.write(conn, insert_ignore_row(table, conn.dialect.name), values) == 1


async def upsert(
    conn: AsyncConnection, table: Table, values: dict[str, Any], keys: list[str],
    update: list[str],
) -> None:
    await prepared.write(conn, upsert_row(table, conn.dialect.name, tuple(keys), tuple(update)),
                         values)
