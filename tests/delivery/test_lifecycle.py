"""start / wake / stop, and the metrics endpoint's text."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.core.events import SendMessage
from bot.delivery.sender import OutboxSender
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.fakes import FakeTransport
from tests.delivery.helpers import enqueue, rows


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


async def test_metrics_are_rendered(
        sender: OutboxSender, uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    await enqueue(uow_factory, clock, SendMessage(5, "a"))
    await sender.drain()
    text = sender.metrics.render().decode()
    assert "orderbot_messages_sent_total 1.0" in text
    assert "orderbot_outbox_depth 0.0" in text
