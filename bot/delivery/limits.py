"""Telegram's limits: about 30 messages a second for the bot, 1 a second per chat, 20 a minute
per group.

All limiters read the injected `Timer`, so tests drive them with fake time. The rate limiter is
aiolimiter's leaky bucket with its time source (`loop.time()`) replaced by the timer and its
waiting done with `timer.sleep` (its own wake-up uses `loop.call_at`, which fake time cannot
drive). Each limiter answers `delay()` (seconds before one more is allowed) and `take()`, so the
sender can defer a row that would wait long instead of holding its claim.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import Protocol

from aiolimiter import AsyncLimiter

from bot.delivery.timer import Timer


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
        needed = self._level + 1 - self.max_rate
        return max(0.0, needed / self._rate_per_sec)

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
        return max(0.0, self._times[0] + self._window - self._timer.monotonic())

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
        return AllOf(per_second, WindowLimiter(self._timer, self._group, 60.0))


class GlobalLimiter(Protocol):
    async def acquire(self) -> None: ...


class LocalGlobalLimiter:
    """The bot-wide limit in one process: evenly spaced, at most `per_second` in any second."""

    def __init__(self, timer: Timer, per_second: float) -> None:
        self._limiter = TimedLimiter(timer, 1, 1.0 / per_second)

    async def acquire(self) -> None:
        await self._limiter.acquire()
