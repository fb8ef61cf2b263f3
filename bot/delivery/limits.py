"""Telegram's limits: about 30 messages a second for the bot, 1 a second per chat, 20 a minute
per group.

All limiters read the injected `Timer`, so tests drive them with fake time. The rate limiter is
aiolimiter's leaky bucket with its time source (`loop.time()`) replaced by the timer and its
waiting done with `timer.sleep` (its own wake-up uses `loop.call_at`, which fake time cannot
drive). Each limiter answers `delay()` (seconds before one more is allowed) and `take()`, so the
sender can defer a row that would wait long instead of holding its claim.
"""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any, Protocol

from aiolimiter import AsyncLimiter
from redis.exceptions import RedisError

from bot.delivery.timer import Timer

log = logging.getLogger("orderbot.delivery")

EPSILON = 1e-6  # waits shorter than this are rounding noise (a float clock would never pass them)
# Telegram counts a group's 20 a minute when messages arrive, we when they leave: a message
# that took longer on the way than the 21st would make 21 in Telegram's minute. The margin
# absorbs that difference in latency.
GROUP_WINDOW_MARGIN = 1.0


class Limiter(Protocol):
    def delay(self) -> float: ...

    def take(self) -> None: ...


class TimedLimiter(AsyncLimiter):
    """aiolimiter's leaky bucket on the injected timer: `max_rate` per `time_period`."""

    def __init__(self, timer: Timer, max_rate: float, time_period: float) -> None:
        super().__init__(max_rate, time_period)
        self._timer = timer

    def _leak(self) -> None:
        now = self._timer.monotonic()
        if self._level:
            elapsed = max(0.0, now - self._last_check)
            self._level = max(self._level - elapsed * self._rate_per_sec, 0.0)
        self._last_check = now

    def delay(self) -> float:
        self._leak()
        wait = (self._level + 1 - self.max_rate) / self._rate_per_sec
        return wait if wait > EPSILON else 0.0

    def take(self) -> None:
        self._leak()
        self._level += 1

    async def acquire(self, amount: float = 1) -> None:
        if amount != 1:
            raise ValueError("only single acquisitions are supported")
        while (wait := self.delay()) > 0:
            await self._timer.sleep(wait)
        self.take()


class WindowLimiter:
    """At most `limit` in any `window` seconds (a sliding log of the last `limit` times)."""

    def __init__(self, timer: Timer, limit: int, window: float) -> None:
        self._timer = timer
        self._window = window
        self._times: deque[float] = deque(maxlen=limit)

    def delay(self) -> float:
        if len(self._times) < (self._times.maxlen or 0):
            return 0.0
        wait = self._times[0] + self._window - self._timer.monotonic()
        return wait if wait > EPSILON else 0.0

    def take(self) -> None:
        self._times.append(self._timer.monotonic())


class AllOf:
    """Several limits at once (a group: 1 a second and 20 a minute)."""

    def __init__(self, *limiters: Limiter) -> None:
        self._limiters = limiters

    def delay(self) -> float:
        return max(limiter.delay() for limiter in self._limiters)

    def take(self) -> None:
        for limiter in self._limiters:
            limiter.take()


class ChatLimits:
    """Per-chat limiters in a bounded LRU, so memory stays flat with many chats.

    Evicting the least recently used chat is safe while `max_chats` exceeds what the bot can
    reach within a limit's window (at 30/s, 10 000 chats span 333 s > the 60 s group window).
    """

    def __init__(self, timer: Timer, private_per_second: float = 1.0,
                 group_per_minute: int = 20, max_chats: int = 10_000) -> None:
        self._timer = timer
        self._private = private_per_second
        self._group = group_per_minute
        self._max = max_chats
        self._chats: OrderedDict[int, Limiter] = OrderedDict()

    def __len__(self) -> int:
        return len(self._chats)

    def for_chat(self, chat_id: int) -> Limiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            limiter = self._make(chat_id)
            self._chats[chat_id] = limiter
            while len(self._chats) > self._max:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        return limiter

    def _make(self, chat_id: int) -> Limiter:
        per_second = TimedLimiter(self._timer, 1, 1.0 / self._private)
        if chat_id > 0:
            return per_second
        return AllOf(per_second,
                     WindowLimiter(self._timer, self._group, 60.0 + GROUP_WINDOW_MARGIN))


class GlobalLimiter(Protocol):
    """The bot-wide limit, and the bot-wide pause a 429 can call for."""

    async def acquire(self) -> None: ...

    async def pause(self, seconds: float) -> None:
        """Nothing is sent for `seconds` (a pause already longer stays)."""
        ...

    async def paused_for(self) -> float:
        """Seconds left of the bot-wide pause (0 when there is none)."""
        ...


class LocalGlobalLimiter:
    """The bot-wide limit in one process: evenly spaced, at most `per_second` in any second."""

    def __init__(self, timer: Timer, per_second: float) -> None:
        self._timer = timer
        self._limiter = TimedLimiter(timer, 1, 1.0 / per_second)
        self._paused_until = 0.0

    async def acquire(self) -> None:
        await self._limiter.acquire()

    async def pause(self, seconds: float) -> None:
        self.pause_now(seconds)

    def pause_now(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._timer.monotonic() + seconds)

    async def paused_for(self) -> float:
        left = self._paused_until - self._timer.monotonic()
        return left if left > EPSILON else 0.0


# GCRA (a token bucket kept as one "theoretical arrival time"), atomic in Redis.
# KEYS[1] the bucket; ARGV: now (ms), interval between sends (ms), burst. Returns the wait in ms
# (0: taken). The time comes from the callers' clock, so every process must share a clock
# (NTP-synced wall time in production, one fake clock in tests).
GCRA_LUA = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = (tonumber(ARGV[3]) - 1) * interval
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if tat - now > tolerance then
  return math.max(1, math.ceil(tat - tolerance - now))
end
redis.call('SET', KEYS[1], tostring(tat + interval), 'PX', math.ceil(tat + interval - now) + 1000)
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


class RedisGlobalLimiter:
    """The bot-wide limit shared by every sender on one Redis (several processes, one bot),
    and the bot-wide pause too (`<key>:pause`): a 429 one process sees pauses them all.

    If Redis fails, this process falls back to its own limiter (and logs it) rather than stop.
    """

    def __init__(self, redis: Any, timer: Timer, wall_ms: Callable[[], float],
                 per_second: float, key: str = "orderbot:rate:global", burst: int = 1) -> None:
        self._redis = redis
        self._script = redis.register_script(GCRA_LUA)
        self._timer = timer
        self._wall_ms = wall_ms
        self._interval_ms = 1000.0 / per_second
        self._key = key
        self._burst = burst
        self._fallback = LocalGlobalLimiter(timer, per_second)
        self._pause_key = f"{key}:pause"
        self._pause_script = redis.register_script(PAUSE_LUA)

    async def acquire(self) -> None:
        while True:
            try:
                wait_ms = await self.try_acquire(self._wall_ms())
            except (RedisError, OSError):
                log.warning("the Redis rate limiter failed; limiting in this process only",
                            exc_info=True)
                await self._fallback.acquire()
                return
            if wait_ms <= 0:
                return
            await self._timer.sleep(wait_ms / 1000.0)

    async def try_acquire(self, now_ms: float) -> int:
        """Take a slot at `now_ms` (0), or say how many ms until the next one is free."""
        result = await self._script(keys=[self._key],
                                    args=[now_ms, self._interval_ms, self._burst])
        return int(result)

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
        try:
            raw = await self._redis.get(self._pause_key)
        except (RedisError, OSError):
            log.warning("could not read the shared pause from Redis", exc_info=True)
            return local
        shared = (float(raw) - self._wall_ms()) / 1000.0 if raw is not None else 0.0
        return max(local, shared if shared > EPSILON else 0.0)

    async def aclose(self) -> None:
        await self._redis.aclose()
