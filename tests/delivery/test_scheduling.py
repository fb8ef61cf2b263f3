"""What goes first and when: the chats with the most work left first, limits held where Telegram
counts them (on arrival), chats held back by their limits left unclaimed."""

from __future__ import annotations

import random
from datetime import timedelta
from itertools import pairwise

from bot.clock import FakeClock
from bot.core.events import SendMessage
from bot.delivery.sender import OutboxSender
from bot.metrics import Metrics
from bot.storage.outbox import SqlOutbox
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.conftest import delivery_config
from tests.delivery.fakes import FakeTimer, FakeTransport, max_in_window
from tests.delivery.helpers import enqueue, rows

GROUP, OTHER_GROUP, PRIVATE, OTHER = -100, -200, 42, 43
LEASE = timedelta(seconds=60)


def _arrivals(transport: FakeTransport, chat_id: int) -> list[float]:
    return [a.arrived for a in transport.performed
            if getattr(a.effect, "chat_id", None) == chat_id]


async def test_limits_hold_where_telegram_counts_them_whatever_the_latency(
        uow_factory: UnitOfWorkFactory, clock: FakeClock, timer: FakeTimer) -> None:
    """Requests take 0 to 0.4 s to arrive (and up to 0.1 s more to be answered): counted from
    the answers, every limit holds at arrival."""
    rng = random.Random(11)
    transport = FakeTransport(timer, latency=lambda: (rng.uniform(0.0, 0.4),
                                                      rng.uniform(0.0, 0.1)))
    sender = OutboxSender(SqlOutbox(uow_factory), transport, clock, delivery_config(), timer=timer,
                          metrics=Metrics())
    singles = [SendMessage(1000 + i, "hi") for i in range(90)]
    await enqueue(uow_factory, clock, *[SendMessage(GROUP, f"g{i}") for i in range(25)],
                  *[SendMessage(PRIVATE, f"p{i}") for i in range(8)], *singles)
    await sender.flush(timeout=60)
    assert {r["state"] for r in await rows(uow_factory)} == {"sent"}
    assert max_in_window([a.arrived for a in transport.performed], 1.0) <= 30
    group, private = _arrivals(transport, GROUP), _arrivals(transport, PRIVATE)
    assert (len(group), len(private)) == (25, 8)
    assert max_in_window(group, 60.0) <= 20
    assert min(b - a for a, b in pairwise(group)) >= 1.0
    assert min(b - a for a, b in pairwise(private)) >= 1.0


async def test_the_chats_with_the_most_work_left_go_first(
        uow_factory: UnitOfWorkFactory, clock: FakeClock, timer: FakeTimer) -> None:
    """450 single messages queued first (15 s of the bot's 30 a second), then two groups with
    25 and a private chat with 20: the long chats start at once, so they finish near their own
    bound (64 s for a group, 19 s for the private chat), not 15 s later as in queue order.
    (Fake time runs on, slot after slot, while a row is read from the database in real time,
    so the bounds here are looser than what real time shows.)"""
    transport = FakeTransport(timer)
    sender = OutboxSender(SqlOutbox(uow_factory), transport, clock, delivery_config(), timer=timer,
                          metrics=Metrics())
    await enqueue(uow_factory, clock, *[SendMessage(1000 + i, "hi") for i in range(450)])
    await enqueue(uow_factory, clock, *[SendMessage(chat, f"{chat}:{n}") for n in range(25)
                                        for chat in (GROUP, OTHER_GROUP)],
                  *[SendMessage(PRIVATE, f"p{n}") for n in range(20)])
    await sender.flush(timeout=60)
    assert {r["state"] for r in await rows(uow_factory)} == {"sent"}
    for chat in (GROUP, OTHER_GROUP):
        times = [a.at for a in transport.sent_to(chat)]
        assert times[0] < 0.5 and times[-1] < 64 + 3, (chat, times)  # queue order: 79 s
        assert max_in_window(times, 60.0) <= 20
    private = [a.at for a in transport.sent_to(PRIVATE)]
    assert private[0] < 0.5 and private[-1] < 19 + 6, private  # queue order: 34 s
    assert max_in_window([a.at for a in transport.performed], 1.0) <= 30


async def test_a_chat_held_back_is_claimed_only_when_about_to_be_free(
        uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    """While the chat's spacing runs, its next row stays pending (holding no slot, free for
    another sender); then it goes at once."""
    seen: list[str] = []

    class Watching(FakeTimer):
        async def sleep(self, seconds: float) -> None:
            if seconds > 0.5:  # the wait for the chat's spacing
                seen.append((await rows(uow_factory))[1]["state"])
            await super().sleep(seconds)

    timer = Watching(clock)
    transport = FakeTransport(timer)
    sender = OutboxSender(SqlOutbox(uow_factory), transport, clock, delivery_config(), timer=timer,
                          metrics=Metrics())
    await enqueue(uow_factory, clock, SendMessage(PRIVATE, "p0"), SendMessage(PRIVATE, "p1"))
    assert await sender.drain() == 2
    assert seen == ["pending"]
    sent = [a.at for a in transport.sent_to(PRIVATE)]
    assert 1.0 <= sent[1] - sent[0] < 1.1
