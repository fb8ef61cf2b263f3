"""Each chat's limits shared through Redis between senders: counted from every sender's
answers, one sender's turn at a time, a killed sender's mark expiring, and each sender on
its own limits when Redis fails."""

from __future__ import annotations

import asyncio
import logging

import pytest
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from bot.delivery.redis_limits import RESTING_S
from bot.delivery.shared_limits import SharedChatLimits
from tests.delivery.fakes import FailingRedis, Wall

GROUP, PRIVATE = -100, 42


def _two(redis_client: aioredis.Redis, wall: Wall, redis_key: str,
         ttl: float = 30.0) -> tuple[SharedChatLimits, SharedChatLimits]:
    a, b = (SharedChatLimits(redis_client, wall, 1.0, 20, key=redis_key, in_flight_ttl=ttl)
            for _ in range(2))
    return a, b


async def test_a_chats_spacing_counts_from_the_other_senders_answer(
        redis_client: aioredis.Redis, redis_key: str) -> None:
    wall = Wall()
    a, b = _two(redis_client, wall, redis_key)
    assert await a.delay(PRIVATE) == 0 and await a.take(PRIVATE)
    assert await b.delay(PRIVATE) == pytest.approx(1.005)  # in flight: ask again later
    assert not await b.take(PRIVATE)
    wall.advance(3)  # a slow answer
    await a.done(PRIVATE)
    wall.advance(0.5)
    assert await b.delay(PRIVATE) == pytest.approx(0.505)
    wall.advance(0.505)
    assert await b.delay(PRIVATE) == 0 and await b.take(PRIVATE)
    assert await a.delay(GROUP) == 0  # other chats are not held


async def test_a_groups_minute_counts_every_senders_answers(
        redis_client: aioredis.Redis, redis_key: str) -> None:
    wall = Wall()
    senders = _two(redis_client, wall, redis_key)
    first = wall.ms
    for n in range(20):
        sender = senders[n % 2]
        assert await sender.take(GROUP), n
        await sender.done(GROUP)
        wall.advance(1.005)
    expected = (first + 61_000 - wall.ms) / 1000  # the first answer's minute, and its margin
    assert await senders[0].delay(GROUP) == pytest.approx(expected, abs=0.001)
    wall.advance(expected)
    assert await senders[1].take(GROUP)


async def test_two_senders_never_both_take_a_chats_turn(
        redis_client: aioredis.Redis, redis_key: str) -> None:
    wall = Wall()
    a, b = _two(redis_client, wall, redis_key)
    for chat in range(-50, -40):
        assert sorted(await asyncio.gather(a.take(chat), b.take(chat))) == [False, True]


async def test_a_killed_senders_mark_expires_and_a_cancelled_take_frees_the_chat(
        redis_client: aioredis.Redis, redis_key: str) -> None:
    wall = Wall()
    a, b = _two(redis_client, wall, redis_key, ttl=0.2)
    assert await a.take(PRIVATE)  # and then a is killed: no answer ever comes
    assert await b.delay(PRIVATE) > 0
    await asyncio.sleep(0.3)  # Redis expires the mark in its own time
    assert await b.delay(PRIVATE) == 0
    assert await b.take(GROUP)
    await b.done(GROUP, left=False)  # taken, then not sent (a 429 came meanwhile)
    assert await a.delay(GROUP) == 0  # nothing counted


async def test_answers_are_kept_only_while_they_count(
        redis_client: aioredis.Redis, redis_key: str) -> None:
    wall = Wall()
    a, _ = _two(redis_client, wall, redis_key)
    for chat in (GROUP, PRIVATE):
        await a.take(chat)
        await a.done(chat)
    group_ttl = await redis_client.pttl(f"{redis_key}:chat:{{{GROUP}}}")
    private_ttl = await redis_client.pttl(f"{redis_key}:chat:{{{PRIVATE}}}")
    assert 61_000 < group_ttl <= 62_010 and 1_000 < private_ttl <= 2_005
    assert await redis_client.llen(f"{redis_key}:chat:{{{PRIVATE}}}") == 1


async def test_without_redis_each_sender_keeps_its_own_limits_for_a_while(
        caplog: pytest.LogCaptureFixture) -> None:
    redis, wall = FailingRedis(), Wall()
    limits = SharedChatLimits(redis, wall, 1.0, 20)
    with caplog.at_level(logging.WARNING, "orderbot.delivery"):
        assert await limits.delay(GROUP) == 0
        assert await limits.take(GROUP)
        await limits.done(GROUP)
        assert redis.calls == 1  # resting: Redis is not asked again at every message
        wall.advance(RESTING_S)
        assert await limits.take(GROUP) and redis.calls == 2
    warnings = [r for r in caplog.records if "Redis chat limits failed" in r.getMessage()]
    assert len(warnings) == 2


async def test_a_real_unreachable_redis_is_survived() -> None:
    gone = aioredis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0))
    limits = SharedChatLimits(gone, Wall(), 1.0, 20)
    assert await limits.delay(PRIVATE) == 0 and await limits.take(PRIVATE)
    await gone.aclose()
