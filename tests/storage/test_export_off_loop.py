"""/export reads and builds its files without holding the event loop: on SQLite, whose
statements otherwise run on the loop's own thread, the rows are read and the files built in a
worker thread; on PostgreSQL the rows are awaited and the files built in a worker thread. (How
long the loop stands still meanwhile is measured by `bench/updates.py --export-rows`.)"""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from bot.domain.order import Role, Status
from bot.services import export
from bot.storage import export_reader
from bot.storage.models import AuditRow, OrderRow, StatusChangeRow, table_of
from bot.storage.repositories import to_values
from bot.storage.uow import UnitOfWorkFactory
from tests.storage.factories import MOD, PRO, T0, order

ROWS = 500


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


async def test_the_export_reads_and_builds_off_the_loop_thread(
        uow_factory: UnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    await _fill(uow_factory)
    loop_thread = threading.get_ident()
    threads: dict[str, set[int]] = {"read": set(), "build": set()}
    build, read = export.to_csv, export_reader.to_domain

    def noting_build(*args: Any, **kwargs: Any) -> bytes:
        threads["build"].add(threading.get_ident())
        return build(*args, **kwargs)

    def noting_read(*args: Any, **kwargs: Any) -> Any:
        threads["read"].add(threading.get_ident())
        return read(*args, **kwargs)

    monkeypatch.setattr(export, "to_csv", noting_build)
    monkeypatch.setattr(export_reader, "to_domain", noting_read)
    async with uow_factory() as uow:
        files = await export.export_files(uow, T0)

    orders = list(csv.reader(io.StringIO(files[0][1].decode("utf-8-sig"))))
    audit = list(csv.reader(io.StringIO(files[2][1].decode("utf-8-sig"))))
    assert len(orders) == ROWS + 1 and len(audit) == 2 * ROWS + 1
    assert threads["build"] and loop_thread not in threads["build"]
    assert threads["read"] and loop_thread not in threads["read"]
