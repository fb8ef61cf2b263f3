"""Domain objects for the storage tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.domain.order import Order
from bot.domain.reviews import Rating, RequestMode, ReviewRequest
from bot.storage.models import HookEventRow, InboxRow, table_of
from bot.storage.uow import UnitOfWork

T0 = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
PRO, CLIENT, MOD = 5_000_000_001, 5_000_000_002, 7001
CHAT = -1_001_234_567_890


def order(**kwargs: Any) -> Order:
    values: dict[str, Any] = {
        "chat_id": CHAT, "title": "Reforma cocina", "pro_id": PRO, "language": "es",
        "timezone": "Europe/Madrid", "created_at": T0, "included_revisions": 2,
        "client_id": CLIENT, "pro_name": "Pro", "client_name": "Ana"}
    values.update(kwargs)
    return Order(**values)


def request(order_id: int, **kwargs: Any) -> ReviewRequest:
    values: dict[str, Any] = {"order_id": order_id, "mode": RequestMode.NOW,
                              "created_by": PRO, "created_at": T0}
    values.update(kwargs)
    return ReviewRequest(**values)


def rating(order_id: int, **kwargs: Any) -> Rating:
    values: dict[str, Any] = {"order_id": order_id, "client_id": CLIENT, "pro_id": PRO,
                              "stars": 4, "created_at": T0, "updated_at": T0}
    values.update(kwargs)
    return Rating(**values)


async def unfinished_updates(uow: UnitOfWork) -> list[tuple[int, str]]:
    """The stored updates not yet finished (update id, payload), in arrival order."""
    c = table_of(InboxRow).c
    rows = await uow.conn.execute(select(c.update_id, c.payload).where(
        c.state == "received", c.payload.is_not(None)).order_by(c.update_id))
    return [(int(update_id), str(payload)) for update_id, payload in rows.all()]


async def hook_rows(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every row of `hook_events`, by id."""
    table = table_of(HookEventRow)
    result = await uow.conn.execute(select(table).order_by(table.c.id))
    return [dict(row) for row in result.mappings().all()]
