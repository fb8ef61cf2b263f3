"""Who waits after a 429 (the chat or the whole bot), and the bot-wide pause shared in Redis."""

from __future__ import annotations

import uuid

import pytest
import redis.asyncio as aioredis

from bot.clock import FakeClock
from bot.core.events import SendMessage
from bot.delivery.limits import LocalGlobalLimiter
from bot.delivery.pauses import Pauses
from bot.delivery.redis_limits import RedisGlobalLimiter
from bot.delivery.sender import OutboxSender
from bot.delivery.transport import RetryAfter
from bot.metrics import Metrics
from bot.storage.outbox import SqlOutbox
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.conftest import REDIS_URL, delivery_config
from tests.delivery.fakes import FakeTimer, FakeTransport
from tests.delivery.helpers import enqueue, rows

GROUP, OTHER, PRIVATE = -100, -200, 42


async def test_a_chats_own_429s_hold_that_chat_only(timer: FakeTimer) -> None:
    limiter = LocalGlobalLimiter(timer, 30)
    pauses = Pauses(timer, limiter)
    assert await pauses.on_429(RetryAfter(5, GROUP)) is False
    assert await pauses.on_429(RetryAfter(5, GROUP)) is False  # the same chat again
    assert await pauses.left() == 0
    timer.advance_to(6)  # its wait is over
    assert await pauses.on_429(RetryAfter(3, OTHER)) is False
    assert await pauses.left() == 0


async def test_a_second_chat_told_to_wait_meanwhile_pauses_the_bot(timer: FakeTimer) -> None:
    pauses = Pauses(timer, LocalGlobalLimiter(timer, 30))
    assert await pauses.on_429(RetryAfter(10, GROUP)) is False
    timer.advance_to(4)
    assert await pauses.on_429(RetryAfter(7, OTHER)) is True
    assert await pauses.left() == pytest.approx(7)
    timer.advance_to(11)
    assert await pauses.left() == 0


async def test_a_429_bound_to_no_chat_pauses_the_bot(timer: FakeTimer) -> None:
    pauses = Pauses(timer, LocalGlobalLimiter(timer, 30))
    assert await pauses.on_429(RetryAfter(12)) is True
    assert await pauses.on_429(RetryAfter(2)) is True  # a shorter pause does not end it sooner
    assert await pauses.left() == pytest.approx(12)


def _key() -> str:
    return f"orderbot:test:{uuid.uuid4().hex}"


async def test_the_pause_is_shared_through_redis(
        redis_client: aioredis.Redis, clock: FakeClock, timer: FakeTimer) -> None:
    key = _key()

    def limiter() -> RedisGlobalLimiter:
        return RedisGlobalLimiter(redis_client, timer, lambda: clock.now().timestamp() * 1000,
                                  30, key=key)

    here, there = limiter(), limiter()
    await here.pause(20)
    await here.pause(5)  # shorter: the longer pause stays
    assert await there.paused_for() == pytest.approx(20, abs=0.01)
    timer.advance_to(15)
    assert await there.paused_for() == pytest.approx(5, abs=0.01)
    timer.advance_to(21)
    assert await there.paused_for() == 0
    await redis_client.delete(key, f"{key}:pause")


async def test_a_bot_wide_429_in_one_process_pauses_the_others(
        redis_client: aioredis.Redis, uow_factory: UnitOfWorkFactory, clock: FakeClock,
        timer: FakeTimer) -> None:
    key = _key()
    config = delivery_config(redis_url=REDIS_URL, redis_rate_key=key)
    first, second = FakeTransport(timer), FakeTransport(timer)
    senders = [OutboxSender(SqlOutbox(uow_factory), t, clock, config, timer=timer,
                            metrics=Metrics()) for t in (first, second)]
    first.fail(GROUP, RetryAfter(30))
    await enqueue(uow_factory, clock, SendMessage(GROUP, "g"))
    await senders[0].drain()  # the 429: this process pauses, and tells Redis
    [told] = [a.at for a in first.attempts]
    await enqueue(uow_factory, clock, *[SendMessage(PRIVATE, f"p{i}") for i in range(3)])
    await senders[1].flush(timeout=30)  # another process, the same Redis
    assert len(second.performed) == 4
    assert min(a.at for a in second.performed) >= told + 30 - 1e-3
    assert {r["state"] for r in await rows(uow_factory)} == {"sent"}
    for sender in senders:
        await sender.stop()
    await redis_client.delete(key, f"{key}:pause")
