"""The inbox pruner: old handled update ids are forgotten, recent and unhandled ones kept, in
batches, periodically; an id that comes back after that is handled as new."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.config import Settings
from bot.delivery import inbox_pruner
from bot.delivery.inbox_pruner import InboxPruner
from bot.storage.inbox_repo import SqlInbox
from bot.storage.models import InboxRow
from bot.storage.uow import UnitOfWorkFactory

H = timedelta(hours=1)


async def _store(uow_factory: UnitOfWorkFactory, clock: FakeClock, *ids: int,
                 handled: bool = True) -> None:
    async with uow_factory() as uow:
        for update_id in ids:
            await uow.inbox.record(update_id, clock.now(), None if handled else "{}")
            if handled:
                await uow.inbox.claim(update_id, clock.now())
        await uow.commit()


async def _ids(uow_factory: UnitOfWorkFactory) -> list[int]:
    table = InboxRow.__table__
    async with uow_factory() as uow:
        rows = await uow.conn.execute(select(table.c.update_id).order_by(table.c.update_id))
        return [int(r) for r in rows.scalars()]


def test_the_retention_is_72_hours_and_never_under_48() -> None:
    assert Settings(_env_file=None).inbox_retention_hours == 72  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="greater than or equal to 48"):
        Settings(_env_file=None, inbox_retention_hours=47)  # type: ignore[call-arg]


async def test_old_ids_go_recent_and_unhandled_stay(
        uow_factory: UnitOfWorkFactory, clock: FakeClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox_pruner, "BATCH", 2)  # five old ids: three batches
    await _store(uow_factory, clock, 1, 2, 3, 4, 5)
    await _store(uow_factory, clock, 6, handled=False)  # stored by the webhook, not handled
    clock.advance(70 * H)
    await _store(uow_factory, clock, 7)
    clock.advance(3 * H)  # 1-6 are 73 h old, 7 is 3 h old
    pruner = InboxPruner.from_settings(SqlInbox(uow_factory), clock, Settings(_env_file=None))  # type: ignore[call-arg]
    assert await pruner.prune_once() == 5
    assert await _ids(uow_factory) == [6, 7]
    async with uow_factory() as uow:
        assert await uow.inbox.claim(1, clock.now()) is True  # back after pruning: new
        assert await uow.inbox.claim(7, clock.now()) is False  # still a repeat
        await uow.commit()


async def test_the_task_prunes_at_start_and_then_periodically(
        uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    await _store(uow_factory, clock, 1)
    clock.advance(73 * H)
    await _store(uow_factory, clock, 2)
    pruner = InboxPruner(SqlInbox(uow_factory), clock, 72 * H, interval=0.01)
    await pruner.start()
    try:
        await asyncio.wait_for(pruner.wait_runs(1), 5)
        assert await _ids(uow_factory) == [2]  # the run at start
        seen = pruner.runs
        clock.advance(73 * H)
        await asyncio.wait_for(pruner.wait_runs(seen + 2), 5)
        assert await _ids(uow_factory) == []  # a later run
    finally:
        await pruner.stop()
