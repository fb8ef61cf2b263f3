"""/export reads and builds its files without holding the event loop: while it runs, the other
coroutines on the loop keep being scheduled (on SQLite, whose statements otherwise run on the
loop's own thread, and on PostgreSQL)."""

from __future__ import annotations

import asyncio
import csv
import gc
import io
from datetime import timedelta

from sqlalchemy import insert

from bot.domain.order import Role, Status
from bot.services.export import export_files
from bot.storage.mapping import to_values
from bot.storage.models import AuditRow, OrderRow, StatusChangeRow, table_of
from bot.storage.uow import UnitOfWorkFactory
from tests.storage.factories import MOD, PRO, T0, order

ROWS = 4000
# The longest the loop may go without running a ready coroutine while the export runs; before,
# it was the whole export (several hundred milliseconds for these rows).
MAX_GAP_S = 0.05


async def _fill(factory: UnitOfWorkFactory) -> None:
    orders = table_of(OrderRow)
    async with factory() as uow:
        await uow.conn.execute(insert(orders), [
            to_values(order(title=f"Obra {n}", status=Status.IN_PROGRESS), orders)
            for n in range(ROWS)])
        await uow.conn.execute(insert(table_of(StatusChangeRow)), [
            {"order_id": n + 1, "from_status": None, "to_status": Status.IN_PROGRESS,
             "by_user_id": PRO, "role": Role.PRO, "at": T0 + timedelta(seconds=n),
             "reason": None} for n in range(ROWS)])
        await uow.conn.execute(insert(table_of(AuditRow)), [
            {"at": T0 + timedelta(seconds=n), "actor_id": MOD, "action": "note",
             "order_id": n + 1, "detail": f"=detail {n}"} for n in range(ROWS)])
        await uow.commit()


async def test_the_loop_goes_on_while_the_export_runs(uow_factory: UnitOfWorkFactory) -> None:
    await _fill(uow_factory)
    gc.collect()  # the filling's garbage, so that collecting it does not fall in the measure
    loop = asyncio.get_running_loop()
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = loop.time()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = loop.time()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    try:
        async with uow_factory() as uow:
            files = await export_files(uow, T0)
    finally:
        done.set()
        await ticking

    orders = list(csv.reader(io.StringIO(files[0][1].decode("utf-8-sig"))))
    audit = list(csv.reader(io.StringIO(files[2][1].decode("utf-8-sig"))))
    assert len(orders) == ROWS + 1 and len(audit) == 2 * ROWS + 1
    assert max(gaps) < MAX_GAP_S, f"the loop stood still for {max(gaps) * 1000:.0f} ms"
