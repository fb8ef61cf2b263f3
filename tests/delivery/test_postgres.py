"""Several senders on one PostgreSQL database, a crashed sender's lease, the Redis limiter."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import redis.asyncio as aioredis

from bot.clock import FakeClock
from bot.core.events import SendMessage
from bot.core.outbox import Pace
from bot.delivery.redis_limits import RedisGlobalLimiter
from bot.delivery.sender import OutboxSender
from bot.metrics import Metrics
from bot.storage.db import create_engine
from bot.storage.outbox import SqlOutbox
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.conftest import REDIS_URL, delivery_config
from tests.delivery.fakes import FakeTimer, FakeTransport, ScaledTime, max_in_window
from tests.delivery.helpers import enqueue, rows

pytestmark = pytest.mark.postgres


@pytest.fixture
async def two_factories(postgres_url: str) -> AsyncIterator[list[UnitOfWorkFactory]]:
    engines = [create_engine(postgres_url) for _ in range(2)]
    yield [UnitOfWorkFactory(engine) for engine in engines]
    for engine in engines:
        await engine.dispose()


def _sender(factory: UnitOfWorkFactory, clock: FakeClock, timer: FakeTimer,
            **settings: object) -> tuple[OutboxSender, FakeTransport]:
    transport = FakeTransport(timer)
    sender = OutboxSender(SqlOutbox(factory), transport, clock, delivery_config(**settings),
                          timer=timer, metrics=Metrics())
    return sender, transport


async def test_two_senders_send_every_row_exactly_once(
        two_factories: list[UnitOfWorkFactory], clock: FakeClock, timer: FakeTimer) -> None:
    (a, ta), (b, tb) = (_sender(f, clock, timer) for f in two_factories)
    effects = [SendMessage(1000 + chat, f"{chat}:{n}") for chat in range(40) for n in range(3)]
    await enqueue(two_factories[0], clock, *effects)
    await asyncio.gather(a.flush(timeout=60), b.flush(timeout=60))
    sent = Counter(att.effect.text for att in ta.performed + tb.performed)  # type: ignore[union-attr]
    assert sent == Counter(e.text for e in effects)  # every row exactly once
    assert ta.performed and tb.performed  # both took part
    assert {r["state"] for r in await rows(two_factories[0])} == {"sent"}


async def test_a_crashed_senders_lease_expires_and_the_row_is_retried(
        two_factories: list[UnitOfWorkFactory], clock: FakeClock, timer: FakeTimer) -> None:
    crashed, survivor = two_factories
    await enqueue(crashed, clock, SendMessage(7, "claimed, never finished"), SendMessage(7, "2"))
    claim = await SqlOutbox(crashed).claim(clock.now(), timedelta(seconds=60), 10, skip=(),
                                           pace=Pace())
    [claimed] = claim.rows
    sender, transport = _sender(survivor, clock, timer)
    assert await sender.drain() == 0  # leased: not touched
    clock.advance(timedelta(seconds=61))
    await sender.flush()
    assert [a.effect.text for a in transport.performed] == [  # type: ignore[union-attr]
        "claimed, never finished", "2"]
    assert claimed.id == (await rows(survivor))[0]["id"]


class RecordingLimiter(RedisGlobalLimiter):
    """Notes the (shared, fake) time of every slot Redis grants."""

    def __init__(self, granted: list[float], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.granted = granted

    async def try_acquire(self, now_ms: float, member: str) -> int:
        wait = await super().try_acquire(now_ms, member)
        if wait <= 0:
            self.granted.append(now_ms / 1000.0)
        return wait


async def test_the_redis_limiter_holds_the_rate_across_senders(
        two_factories: list[UnitOfWorkFactory], clock: FakeClock, timer: FakeTimer,
        redis_client: aioredis.Redis) -> None:
    key, granted = f"orderbot:test:{uuid.uuid4().hex}", []
    pairs = []
    for factory in two_factories:
        limiter = RecordingLimiter(granted, redis_client, timer,
                                   lambda: clock.now().timestamp() * 1000, 30, key=key)
        transport = FakeTransport(timer)
        pairs.append((OutboxSender(SqlOutbox(factory), transport, clock, delivery_config(),
                                   timer=timer, metrics=Metrics(), global_limiter=limiter),
                      transport))
    await enqueue(two_factories[0], clock, *[SendMessage(1000 + i, "hi") for i in range(90)])
    await asyncio.gather(*(s.flush(timeout=60) for s, _ in pairs))
    assert sum(len(t.performed) for _, t in pairs) == 90
    assert all(t.performed for _, t in pairs)
    assert len(granted) == 90
    assert max_in_window(granted, 1.0) <= 30
    await redis_client.delete(key)


async def test_a_sender_builds_the_redis_limiter_from_settings(
        postgres_url: str, clock: FakeClock, timer: FakeTimer,
        redis_client: aioredis.Redis) -> None:
    factory = UnitOfWorkFactory(create_engine(postgres_url))
    key = f"orderbot:test:{uuid.uuid4().hex}"
    sender, transport = _sender(factory, clock, timer, redis_url=REDIS_URL, redis_rate_key=key)
    await enqueue(factory, clock, *[SendMessage(1000 + i, "hi") for i in range(5)])
    await sender.flush()
    await sender.stop()
    await factory.engine.dispose()
    assert len(transport.performed) == 5
    assert await redis_client.exists(key)
    await redis_client.delete(key)


async def test_the_redis_script_spaces_acquisitions(
        redis_client: aioredis.Redis, clock: FakeClock, timer: FakeTimer) -> None:
    key = f"orderbot:test:{uuid.uuid4().hex}"
    limiter = RedisGlobalLimiter(redis_client, timer, lambda: clock.now().timestamp() * 1000,
                                 per_second=10, key=key, burst=1)
    moments = []
    for _ in range(25):
        departure = await limiter.acquire()
        moments.append(timer.monotonic())
        departure.answered(timer.monotonic())
    assert max_in_window(moments, 1.0 - 1e-6) <= 10  # float sums: 10 x 0.1 < 1.0
    assert moments[-1] == pytest.approx(2.4, abs=0.01)
    await redis_client.delete(key)


async def test_two_senders_keep_a_chats_limits_between_them(
        postgres_url: str, redis_key: str) -> None:
    """One group's messages (and one person's), claimed by whichever sender is free: together
    they still send at most 20 a minute and one a second to each, as the answers to each
    chat's messages are shared in Redis. Real time, twenty times faster: both senders wait on
    Redis and PostgreSQL as they would in production."""
    scaled = ScaledTime(speed=20)
    factories = [UnitOfWorkFactory(create_engine(postgres_url)) for _ in range(2)]
    pairs = []
    for factory in factories:
        transport = FakeTransport(scaled)  # type: ignore[arg-type]
        pairs.append((OutboxSender(SqlOutbox(factory), transport, scaled, delivery_config(
            redis_url=REDIS_URL, redis_rate_key=redis_key), timer=scaled, metrics=Metrics()),
            transport))
    await enqueue(factories[0], scaled, *[SendMessage(-100, str(i)) for i in range(45)]  # type: ignore[arg-type]
                  + [SendMessage(42, f"p{i}") for i in range(10)])
    try:
        await asyncio.gather(*(s.flush(timeout=30) for s, _ in pairs))
    finally:
        for sender, _ in pairs:
            await sender.stop()
        for factory in factories:
            await factory.engine.dispose()
    group = sorted(a.at for _, t in pairs for a in t.sent_to(-100))
    private = sorted(a.at for _, t in pairs for a in t.sent_to(42))
    assert (len(group), len(private)) == (45, 10)
    assert all(t.sent_to(-100) for _, t in pairs)  # both took part
    assert max_in_window(group, 60.0) <= 20 and max_in_window(group, 1.0) <= 1
    assert max_in_window(private, 1.0) <= 1
    assert group[-1] < 150  # and no slower than one sender alone
