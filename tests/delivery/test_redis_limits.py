"""The bot-wide limit shared in Redis counts from every sender's answers: messages on their
way hold their places until answered (or, for a killed sender's, until their time runs out),
so Telegram never sees 31 in a second whatever the latency; a failing Redis is rested."""

from __future__ import annotations

import random

import redis.asyncio as aioredis

from bot.delivery.redis_limits import RESTING_S, RedisGlobalLimiter
from tests.delivery.fakes import FailingRedis, ScaledTime, Wall, max_in_window


def _limiter(redis_client: aioredis.Redis, wall: Wall, redis_key: str,
             ttl: float = 30.0) -> RedisGlobalLimiter:
    return RedisGlobalLimiter(redis_client, ScaledTime(1), wall, 30, key=redis_key,
                              in_flight_ttl=ttl)


async def test_messages_on_their_way_hold_the_window_for_every_sender(
        redis_client: aioredis.Redis, redis_key: str) -> None:
    wall = Wall()
    a, b = _limiter(redis_client, wall, redis_key), _limiter(redis_client, wall, redis_key)
    start = wall.ms
    for n in range(30):  # 15 each, none answered yet
        assert await (a if n % 2 else b).try_acquire(wall.ms, f"m{n}") == 0, n
        wall.advance(0.04)
    assert await a.try_acquire(wall.ms, "m30") > 1000  # all 30 may still arrive
    wall.ms = start + 1300
    await b.record_answer("m0", wall.ms)  # the first is answered, late
    assert await a.try_acquire(wall.ms, "m30") == 1005  # a second (and the margin) after it
    wall.advance(1.005)
    assert await a.try_acquire(wall.ms, "m30") == 0


async def test_a_killed_senders_messages_stop_counting_after_their_time(
        redis_client: aioredis.Redis, redis_key: str) -> None:
    wall = Wall()
    killed, survivor = _limiter(redis_client, wall, redis_key, ttl=2.0), _limiter(
        redis_client, wall, redis_key, ttl=2.0)
    for n in range(30):
        assert await killed.try_acquire(wall.ms, f"k{n}") == 0
        wall.advance(0.034)
    wall.advance(1.0)
    assert await survivor.try_acquire(wall.ms, "s") > 0
    wall.advance(2.0 + 1.005)
    assert await survivor.try_acquire(wall.ms, "s") == 0


async def test_two_senders_never_have_31_arrivals_in_a_second_whatever_the_latency(
        redis_client: aioredis.Redis, redis_key: str) -> None:
    """Two senders, step by step on one clock: the first 16 messages are slow (0.8 s on the
    way), the rest fast. Spaced evenly alone, 46 would arrive within one second."""
    wall = Wall()
    senders = [_limiter(redis_client, wall, redis_key) for _ in range(2)]
    start, arrivals = wall.ms, []
    answers: list[tuple[float, RedisGlobalLimiter, str]] = []  # (when, by whom, message)
    sent = 0
    while sent < 60:
        for when, limiter, member in [a for a in answers if a[0] <= wall.ms]:
            await limiter.record_answer(member, when)
            answers.remove((when, limiter, member))
        for limiter in senders:
            member = f"m{sent}"
            if sent < 60 and await limiter.try_acquire(wall.ms, member) == 0:
                arrival = wall.ms + (800 if sent < 16 else 0)
                arrivals.append((arrival - start) / 1000)
                answers.append((arrival, limiter, member))
                sent += 1
        wall.advance(0.005)
    assert max_in_window(arrivals, 1.0) <= 30
    assert max(arrivals) < 3.5  # and the fast ones were not held back for long


async def test_a_failing_redis_is_rested_and_the_sender_limits_itself() -> None:
    redis, wall = FailingRedis(), Wall()
    limiter = RedisGlobalLimiter(redis, ScaledTime(1000), wall, 30)
    await limiter.acquire()
    await limiter.acquire()
    assert redis.calls == 1  # the second went by the process's own limiter
    wall.advance(RESTING_S)
    await limiter.acquire()
    assert redis.calls == 2


async def test_late_sends_are_made_up_without_more_than_30_a_second(
        redis_client: aioredis.Redis, redis_key: str) -> None:
    """Like the process's own limiter: a sender that woke up late may send up to two more
    sooner, so the bot keeps 30 a second on average, and never more."""
    wall, rng = Wall(), random.Random(3)
    limiter, start, left = _limiter(redis_client, wall, redis_key), wall.ms, []
    while len(left) < 300:
        member = f"m{len(left)}"
        wait_ms = await limiter.try_acquire(wall.ms, member)
        if wait_ms == 0:
            left.append((wall.ms - start) / 1000)
            await limiter.record_answer(member, wall.ms + 2)
        wall.advance((wait_ms + rng.uniform(0.0, 6.0)) / 1000)  # woke up late
    assert max_in_window(left, 1.0) <= 30
    assert left[-1] < 299 / 30 * 1.01 + 0.05
