"""The bot-wide limit and the bot-wide pause, shared through Redis by several senders.

The same rules as `LocalGlobalLimiter`, kept in Redis so that every sender of one bot obeys
them together: the messages spaced evenly, a late one made up by up to `burst` sooner ones
(GCRA, `<key>`), and a message leaves only when
fewer than `per_second` of the earlier ones, whichever sender sent them, can still reach
Telegram within the second before it (`<key>:window`: those answered less than a second ago,
and those still on their way). A message on its way counts until its answer comes, or for
`IN_FLIGHT_TTL_S` if its sender was killed before. A 429 one sender sees pauses them all
(`<key>:pause`).

Times are the senders' wall clocks (NTP-synced in production, one fake clock in tests). If
Redis fails, the sender limits itself alone for `RESTING_S` (a failing call can take seconds
of the client's own retries) and says so in the log.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import uuid
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError

from bot.delivery.limits import BOT_BURST, CLOCK_MARGIN, EPSILON, Departure, LocalGlobalLimiter
from bot.delivery.timer import Timer

log = logging.getLogger("orderbot.delivery")

IN_FLIGHT_TTL_S = 30.0  # a message in flight longer than this no longer holds a place
RESTING_S = 10.0  # after a Redis failure, this long on the process's own limits
POLL_S = 0.05  # the longest wait before asking Redis again (an answer may free a place)

# KEYS: the bucket, the window. ARGV: now (ms), interval between sends (ms), burst, limit a
# second, window (ms), in-flight ttl (ms), the message's id. Returns the wait in ms (0: taken).
ACQUIRE_LUA = """
local now, interval = tonumber(ARGV[1]), tonumber(ARGV[2])
local tolerance = (tonumber(ARGV[3]) - 1) * interval
local limit, window, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = 0
if tat - now > tolerance then wait = math.ceil(tat - tolerance - now) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
if redis.call('ZCARD', KEYS[2]) >= limit then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  wait = math.max(wait, math.ceil(tonumber(first[2]) + window - now))
end
if wait > 0 then return math.max(1, wait) end
redis.call('SET', KEYS[1], tostring(tat + interval), 'PX', math.ceil(tat + interval - now) + 1000)
redis.call('ZADD', KEYS[2], now + ttl, ARGV[7])
redis.call('PEXPIRE', KEYS[2], math.ceil(ttl + window) + 1000)
return 0
"""

# The bot-wide pause: KEYS[1] holds the time (ms, the callers' clock) until which nothing is
# sent; a later pause extends it, an earlier one leaves it. ARGV: now (ms), until (ms).
PAUSE_LUA = """
local now = tonumber(ARGV[1])
local until_ms = tonumber(ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > current then
  redis.call('SET', KEYS[1], tostring(until_ms), 'PX', math.ceil(until_ms - now) + 1000)
end
return 0
"""


class Resting:
    """After a Redis failure, a while without asking Redis; logged once each time."""

    def __init__(self, wall_ms: Callable[[], float], what: str) -> None:
        self._wall_ms = wall_ms
        self._what = what
        self._until = -math.inf

    def now(self) -> bool:
        return self._wall_ms() / 1000.0 < self._until

    def start(self) -> None:
        self._until = self._wall_ms() / 1000.0 + RESTING_S
        log.warning("%s failed; each sender keeps its own for %.0f s", self._what, RESTING_S,
                    exc_info=True)


class RedisGlobalLimiter:
    def __init__(self, redis: Any, timer: Timer, wall_ms: Callable[[], float],
                 per_second: float, key: str = "orderbot:rate:global", burst: int = BOT_BURST,
                 in_flight_ttl: float = IN_FLIGHT_TTL_S) -> None:
        self._redis = redis
        self._script = redis.register_script(ACQUIRE_LUA)
        self._timer = timer
        self._wall_ms = wall_ms
        self._interval_ms = 1000.0 / per_second
        self._limit = max(1, int(per_second))
        self._window_ms = (1.0 + CLOCK_MARGIN) * 1000.0
        self._in_flight_ttl_ms = in_flight_ttl * 1000.0
        self._key = key
        self._window_key = f"{key}:window"
        self._burst = burst
        self._fallback = LocalGlobalLimiter(timer, per_second, burst=burst)
        self._pause_key = f"{key}:pause"
        self._pause_script = redis.register_script(PAUSE_LUA)
        self._resting = Resting(wall_ms, "the Redis rate limiter")
        self._ids = (f"{uuid.uuid4().hex[:12]}:{n}" for n in itertools.count())
        self._answers: set[asyncio.Task[None]] = set()

    async def acquire(self) -> Departure:
        """The next slot by every sender's messages; on this process's own if Redis fails."""
        member = next(self._ids)
        while True:
            if self._resting.now():
                return await self._fallback.acquire()
            try:
                wait_ms = await self.try_acquire(self._wall_ms(), member)
            except (RedisError, OSError):
                self._resting.start()
                continue
            if wait_ms <= 0:
                return Departure(self._timer.monotonic(), lambda: self._answered(member))
            await self._timer.sleep(min(wait_ms / 1000.0, POLL_S))

    async def try_acquire(self, now_ms: float, member: str) -> int:
        """Take a slot at `now_ms` for `member` (0), or say how many ms until one may be free."""
        result = await self._script(keys=[self._key, self._window_key], args=[
            now_ms, self._interval_ms, self._burst, self._limit, self._window_ms,
            self._in_flight_ttl_ms, member])
        return int(result)

    def _answered(self, member: str) -> None:
        """The answer came: the message counts from now (a task: the caller cannot wait)."""
        task = asyncio.get_running_loop().create_task(self.record_answer(member,
                                                                         self._wall_ms()))
        self._answers.add(task)
        task.add_done_callback(self._answers.discard)

    async def record_answer(self, member: str, at_ms: float) -> None:
        """`member`'s answer came at `at_ms`: it counts for a second from then."""
        try:
            await self._redis.zadd(self._window_key, {member: at_ms}, xx=True)
        except (RedisError, OSError):
            log.debug("could not record an answer in Redis", exc_info=True)

    async def pause(self, seconds: float) -> None:
        self._fallback.pause_now(seconds)  # at once, before the await: this process stops now
        now_ms = self._wall_ms()
        try:
            await self._pause_script(keys=[self._pause_key],
                                     args=[now_ms, now_ms + seconds * 1000.0])
        except (RedisError, OSError):
            log.warning("could not share the pause through Redis; pausing this process only",
                        exc_info=True)

    async def paused_for(self) -> float:
        local = await self._fallback.paused_for()
        if self._resting.now():
            return local
        try:
            raw = await self._redis.get(self._pause_key)
        except (RedisError, OSError):
            self._resting.start()
            return local
        shared = (float(raw) - self._wall_ms()) / 1000.0 if raw is not None else 0.0
        return max(local, shared if shared > EPSILON else 0.0)

    async def wait_answers(self) -> None:
        """Until every answer so far is recorded in Redis."""
        if self._answers:
            await asyncio.gather(*self._answers, return_exceptions=True)

    async def aclose(self) -> None:
        await self.wait_answers()
        await self._redis.aclose()
