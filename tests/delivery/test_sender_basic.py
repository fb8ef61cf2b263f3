"""Order per chat, refs, outcomes recorded: the sender's everyday work."""

from __future__ import annotations

import asyncio
from collections.abc import Collection

from bot.clock import ClockTimer, FakeClock
from bot.core.events import EditKeyboard, EditMessage, Ref, SendMessage
from bot.core.outbox import Backlog
from bot.delivery.sender import OutboxSender
from bot.metrics import Metrics
from bot.storage.outbox import SqlOutbox
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.conftest import delivery_config
from tests.delivery.fakes import FakeTimer, FakeTransport
from tests.delivery.helpers import count, enqueue, rows
from tests.e2e.conftest import until

GROUP, PRIVATE = -100, 42


async def test_sends_in_order_and_marks_sent(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    await enqueue(uow_factory, clock, *[SendMessage(GROUP, f"g{i}") for i in range(3)],
                  *[SendMessage(PRIVATE, f"p{i}") for i in range(3)])
    assert await sender.drain() == 6
    texts = [a.effect.text for a in transport.performed]  # type: ignore[union-attr]
    assert [t for t in texts if t.startswith("g")] == ["g0", "g1", "g2"]
    assert [t for t in texts if t.startswith("p")] == ["p0", "p1", "p2"]
    outbox = await rows(uow_factory)
    assert {r["state"] for r in outbox} == {"sent"}
    assert all(r["sent_at"] is not None and r["sent_message_id"] for r in outbox)
    assert count(sender.metrics, "messages_sent") == 6


async def test_edit_by_ref_waits_for_its_send(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    card = Ref("card", 7)
    await enqueue(uow_factory, clock, SendMessage(GROUP, "card v1", ref=card),
                  EditMessage(GROUP, "card v2", ref=card),
                  EditKeyboard(GROUP, keyboard=None, ref=card))
    await sender.drain()
    sent_id = transport.performed[0].effect and (await rows(uow_factory))[0]["sent_message_id"]
    edits = transport.performed[1:]
    assert [type(a.effect) for a in edits] == [EditMessage, EditKeyboard]
    assert all(a.effect.message_id == sent_id for a in edits)  # type: ignore[union-attr]
    async with uow_factory() as uow:
        assert await uow.refs.latest(card) == (GROUP, sent_id)


async def test_edit_of_an_unknown_ref_is_given_up(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    await enqueue(uow_factory, clock, EditMessage(GROUP, "v2", ref=Ref("card", 99)))
    await sender.drain()
    assert transport.performed == []
    [row] = await rows(uow_factory)
    assert row["state"] == "failed"
    assert "card:99" in row["outcome_reason"]


async def test_flush_waits_until_nothing_is_open(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    await enqueue(uow_factory, clock, *[SendMessage(PRIVATE, str(i)) for i in range(5)])
    await sender.flush()
    assert len(transport.performed) == 5
    assert {r["state"] for r in await rows(uow_factory)} == {"sent"}


async def test_an_idle_sender_leaves_simulated_time_where_it_is(
        uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    """On a ClockTimer (the demo, the try-out page, the end-to-end world) a sender with
    nothing to send waits for a wake in real time: the world's clock does not race ahead of
    the people and the scheduler while the bot idles. A wake still sends at once."""
    transport = FakeTransport(FakeTimer(clock))
    sender = OutboxSender(SqlOutbox(uow_factory), transport, clock, delivery_config(),
                          timer=ClockTimer(clock), metrics=Metrics())
    start = clock.now()
    await sender.start()
    try:
        for _ in range(50):  # many turns of the loop, a few real milliseconds
            await asyncio.sleep(0.002)
        assert clock.now() == start
        await enqueue(uow_factory, clock, SendMessage(PRIVATE, "p0"))
        sender.wake()
        assert await until(lambda: asyncio.sleep(0, bool(transport.performed)), 5.0)
        assert [a.effect.text for a in transport.performed] == ["p0"]  # type: ignore[union-attr]
    finally:
        await sender.stop()


class CountingOutbox(SqlOutbox):
    """The outbox, counting the sender's looks at it."""

    looks = 0

    async def backlog(self, skip: Collection[int]) -> Backlog:
        self.looks += 1
        return await super().backlog(skip)


async def test_a_chat_held_back_by_its_limit_is_waited_for_in_one_step(
        uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    """On a ClockTimer a group past its 20 messages a minute is waited for through the clock
    in one step, not looked at again every `poll` of simulated time (some 200 looks for a
    minute of 0.2 s polls); the messages still keep the group's limit."""
    transport = FakeTransport(FakeTimer(clock))
    outbox = CountingOutbox(uow_factory)
    sender = OutboxSender(outbox, transport, clock, delivery_config(outbox_poll_seconds=0.2),
                          timer=ClockTimer(clock), metrics=Metrics())
    await enqueue(uow_factory, clock, *[SendMessage(GROUP, f"g{i}") for i in range(22)])
    start = clock.now()
    await sender.start()
    try:
        sender.wake()
        assert await until(lambda: asyncio.sleep(0, len(transport.performed) == 22), 10.0)
    finally:
        await sender.stop()
    waited = (clock.now() - start).total_seconds()
    assert 40 <= waited <= 70, waited  # the 21st and 22nd wait for the group's minute
    assert outbox.looks <= 10, outbox.looks
