"""Telegram's limits, in fake time: the sender never causes a 429 itself."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.delivery.limits import ChatLimits
from bot.delivery.sender import OutboxSender
from bot.storage.uow import UnitOfWorkFactory
from handlers.events import SendMessage
from tests.delivery.fakes import FakeTimer, FakeTransport, max_in_window
from tests.delivery.helpers import enqueue, rows

GROUP, PRIVATE = -100, 42


async def test_a_group_gets_at_most_20_a_minute(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    await enqueue(uow_factory, clock, *[SendMessage(GROUP, str(i)) for i in range(45)])
    await sender.flush()
    times = [a.at for a in transport.sent_to(GROUP)]
    assert len(times) == 45
    assert max_in_window(times, 60.0) <= 20
    assert max_in_window(times, 1.0) <= 1
    assert [a.effect.text for a in transport.performed] == [str(i) for i in range(45)]  # type: ignore[union-attr]
    assert times[-1] < 150  # and no slower than it must be


async def test_a_private_chat_gets_at_most_one_a_second(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    await enqueue(uow_factory, clock, *[SendMessage(PRIVATE, str(i)) for i in range(10)])
    await sender.flush()
    times = [a.at for a in transport.sent_to(PRIVATE)]
    assert len(times) == 10
    assert max_in_window(times, 1.0) <= 1


async def test_the_bot_sends_at_most_30_a_second(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    await enqueue(uow_factory, clock, *[SendMessage(1000 + i, "hi") for i in range(120)])
    await sender.flush()
    times = [a.at for a in transport.performed]
    assert len(times) == 120
    assert max_in_window(times, 1.0) <= 30
    assert {r["state"] for r in await rows(uow_factory)} == {"sent"}


def test_chat_limiters_are_a_bounded_lru(clock: FakeClock) -> None:
    limits = ChatLimits(FakeTimer(clock), max_chats=100)
    first = limits.for_chat(1)
    for chat_id in range(2, 300):
        limits.for_chat(chat_id)
        limits.for_chat(1)  # kept: recently used
    assert len(limits) == 100
    assert limits.for_chat(1) is first
