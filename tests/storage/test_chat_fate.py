"""A migrated chat and a lost chat: each recorded once, whatever repeats it."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.core.events import SendMessage
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.helpers import add_order, enqueue, order_chat, rows


async def test_migrate_and_lose_are_idempotent(
        uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    order_id = await add_order(uow_factory, -1, clock.now())
    await enqueue(uow_factory, clock, SendMessage(-1, "x"))
    results = []
    for _ in range(2):
        async with uow_factory() as uow:
            results.append(await uow.chats.migrate(-1, -1002, clock.now()))
            await uow.commit()
    assert results == [True, False]
    assert await order_chat(uow_factory, order_id) == (-1002, True)
    assert [r["chat_id"] for r in await rows(uow_factory)] == [-1002]
    lost = []
    for _ in range(2):
        async with uow_factory() as uow:
            lost.append(await uow.chats.lose(-1002, "forbidden: kicked", clock.now()))
            await uow.commit()
    assert lost == [True, False]
    assert await order_chat(uow_factory, order_id) == (-1002, False)
    [row] = await rows(uow_factory)
    assert (row["state"], row["outcome_reason"]) == ("failed", "forbidden: kicked")
