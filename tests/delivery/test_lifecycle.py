"""start / wake / stop, the chat events' idempotency, and the metrics endpoint's text."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.core.events import SendMessage
from bot.delivery.chat_events import lose_chat, migrate_chat
from bot.delivery.sender import OutboxSender
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.fakes import FakeTransport
from tests.delivery.helpers import add_order, enqueue, order_chat, rows


async def test_the_background_loop_delivers_on_wake(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    await sender.start()
    try:
        async with uow_factory() as uow:
            await uow.outbox.add(SendMessage(5, "hello"), clock.now())
            uow.after_commit(sender.wake)
            await uow.commit()
        await sender.flush()
    finally:
        await sender.stop()
    assert [a.effect.text for a in transport.performed] == ["hello"]  # type: ignore[union-attr]
    await enqueue(uow_factory, clock, SendMessage(5, "after stop"))
    assert [r["state"] for r in await rows(uow_factory)] == ["sent", "pending"]


async def test_migrate_and_lose_are_idempotent(
        uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    order_id = await add_order(uow_factory, -1, clock.now())
    await enqueue(uow_factory, clock, SendMessage(-1, "x"))
    results = []
    for _ in range(2):
        async with uow_factory() as uow:
            results.append(await migrate_chat(uow, -1, -1002, clock.now()))
            await uow.commit()
    assert results == [True, False]
    assert await order_chat(uow_factory, order_id) == (-1002, True)
    assert [r["chat_id"] for r in await rows(uow_factory)] == [-1002]
    lost = []
    for _ in range(2):
        async with uow_factory() as uow:
            lost.append(await lose_chat(uow, -1002, "forbidden: kicked", clock.now()))
            await uow.commit()
    assert lost == [True, False]
    assert await order_chat(uow_factory, order_id) == (-1002, False)
    [row] = await rows(uow_factory)
    assert (row["state"], row["outcome_reason"]) == ("failed", "forbidden: kicked")


async def test_metrics_are_rendered(
        sender: OutboxSender, uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    await enqueue(uow_factory, clock, SendMessage(5, "a"))
    await sender.drain()
    text = sender.metrics.render().decode()
    assert "orderbot_messages_sent_total 1.0" in text
    assert "orderbot_outbox_depth 0.0" in text
