"""Queue effects and read outbox rows back, as the pipeline and a test would."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from bot.clock import FakeClock
from bot.core.events import Effect
from bot.domain.order import Status
from bot.metrics import Metrics
from bot.storage.models import OrderRow, OutboxRow
from bot.storage.uow import UnitOfWorkFactory


async def enqueue(uow_factory: UnitOfWorkFactory, clock: FakeClock, *effects: Effect) -> list[int]:
    """Queue `effects` in one unit of work; their rows' ids, in order."""
    async with uow_factory() as uow:
        for effect in effects:
            await uow.outbox.add(effect, clock.now())
        await uow.commit()
    return [row["id"] for row in await rows(uow_factory)][-len(effects):]


async def rows(uow_factory: UnitOfWorkFactory) -> list[dict[str, Any]]:
    table = OutboxRow.__table__
    async with uow_factory() as uow:
        result = await uow.conn.execute(select(table).order_by(table.c.id))  # type: ignore[arg-type]
        return [dict(r) for r in result.mappings()]


async def add_order(uow_factory: UnitOfWorkFactory, chat_id: int, now: datetime) -> int:
    table = OrderRow.__table__
    async with uow_factory() as uow:
        result = await uow.conn.execute(insert(table).values(  # type: ignore[arg-type]
            chat_id=chat_id, title="Logo", pro_id=1, language="en", timezone="UTC",
            status=Status.IN_PROGRESS, created_at=now, included_revisions=2, chat_active=True,
            revisions_used=0, can_read_all=False, version=0, pro_name="", client_name=""))
        await uow.commit()
        return int(result.inserted_primary_key[0])  # type: ignore[index]


async def order_chat(uow_factory: UnitOfWorkFactory, order_id: int) -> tuple[int, bool]:
    table = OrderRow.__table__
    async with uow_factory() as uow:
        row = (await uow.conn.execute(select(table.c.chat_id, table.c.chat_active).where(
            table.c.id == order_id))).one()
        return int(row[0]), bool(row[1])


def count(metrics: Metrics, counter: str) -> float:
    """A counter's value, as the registry exports it (`orderbot_<counter>_total`)."""
    value = metrics.registry.get_sample_value(f"orderbot_{counter}_total")
    assert value is not None, f"no counter {counter}"
    return value
