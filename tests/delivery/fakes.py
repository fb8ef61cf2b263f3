"""Fake time and a scripted fake transport for the sender's tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from redis.exceptions import ConnectionError as RedisConnectionError

from bot.clock import FakeClock
from bot.core.events import Effect, SendDocument, SendMessage


class FakeTimer:
    """Monotonic time that jumps when slept on, moving the shared FakeClock with it.

    A sleeper moves time forward to its own wake-up time (never backwards), so concurrent
    sleepers only ever over-wait, and a 30 s retry_after takes no real time.

    A background beat (`follow`, the sender's lease heartbeat) wakes once the others' sleeps
    have moved time past its wake-up time, and never moves it itself (a beat that jumped
    ahead would age every wait by its period).
    """

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.now = 0.0
        self._following: list[tuple[float, asyncio.Future[None]]] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        target = self.now + max(0.0, seconds)
        await asyncio.sleep(0)
        self.advance_to(target)

    async def follow(self, seconds: float) -> None:
        target = self.now + max(0.0, seconds)
        await asyncio.sleep(0)
        if target > self.now:
            woken = asyncio.get_running_loop().create_future()
            self._following.append((target, woken))
            await woken

    async def idle(self, seconds: float) -> None:
        """As ClockTimer's: a real wait that leaves time where it is."""
        await asyncio.sleep(max(0.0, seconds))

    def advance_to(self, target: float) -> None:
        if target > self.now:
            self.clock.advance(timedelta(seconds=target - self.now))
            self.now = target
        due = [f for t, f in self._following if t <= self.now]
        self._following = [(t, f) for t, f in self._following if t > self.now]
        for woken in due:
            if not woken.done():
                woken.set_result(None)


@dataclass
class Attempt:
    at: float
    effect: Effect
    error: Exception | None
    arrived: float = -1.0  # when "Telegram" had it (`at` unless the transport has a latency)


@dataclass
class FakeTransport:
    """Records every attempt; `fail(chat_id, *errors)` scripts the next answers for a chat.

    `latency`, if set, gives (on the way there, on the way back) in seconds for each request:
    the request arrives that long after it left, and its answer comes that long after."""

    timer: FakeTimer
    attempts: list[Attempt] = field(default_factory=list)
    script: dict[int, list[Exception]] = field(default_factory=dict)
    next_id: int = 1000
    latency: Callable[[], tuple[float, float]] | None = None

    def fail(self, chat_id: int, *errors: Exception) -> None:
        self.script.setdefault(chat_id, []).extend(errors)

    @property
    def performed(self) -> list[Attempt]:
        return [a for a in self.attempts if a.error is None]

    def sent_to(self, chat_id: int) -> list[Attempt]:
        return [a for a in self.performed if getattr(a.effect, "chat_id", None) == chat_id]

    async def perform(self, effect: Effect) -> int | None:
        issued = self.timer.monotonic()  # when the request leaves
        there, back = self.latency() if self.latency else (0.0, 0.0)
        await (self.timer.sleep(there) if there else asyncio.sleep(0))
        arrived = self.timer.monotonic()  # what Telegram's limits count
        chat_id = getattr(effect, "chat_id", 0)
        queue = self.script.get(chat_id)
        error = queue.pop(0) if queue else None
        self.attempts.append(Attempt(issued, effect, error, arrived))
        if back:
            await self.timer.sleep(back)
        if error is not None:
            raise error
        if isinstance(effect, SendMessage | SendDocument):
            self.next_id += 1
            return self.next_id
        return None


def max_in_window(times: list[float], window: float) -> int:
    """The most events in any half-open window [t, t + window)."""
    best, start = 0, 0
    ordered = sorted(times)
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - window:
            start += 1
        best = max(best, end - start + 1)
    return best


class ScaledTime:
    """Real time run `speed` times faster: a timer and a clock that agree.

    For senders that await real I/O (Redis, PostgreSQL) while they wait on each other: fake
    time that jumps when one sleeps would run out another's lease in the middle of its send.
    Here nobody's time passes without the others'; the limits still count in scaled seconds."""

    def __init__(self, speed: float, start: datetime | None = None) -> None:
        self.speed = speed
        self._origin = time.monotonic()
        self._start = start or datetime(2027, 3, 8, 9, 0, tzinfo=UTC)

    def monotonic(self) -> float:
        return (time.monotonic() - self._origin) * self.speed

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.speed)

    async def follow(self, seconds: float) -> None:
        await self.sleep(seconds)

    async def idle(self, seconds: float) -> None:
        await self.sleep(seconds)

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self.monotonic())


class Wall:
    """The wall clock both senders read, in ms."""

    def __init__(self) -> None:
        self.ms = 1_800_000_000_000.0

    def __call__(self) -> float:
        return self.ms

    def advance(self, seconds: float) -> None:
        self.ms += seconds * 1000


class FailingRedis:
    """A Redis that fails every script call, and counts them."""

    def __init__(self) -> None:
        self.calls = 0

    def register_script(self, _: str) -> object:
        async def script(**_: object) -> int:
            self.calls += 1
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379.")
        return script
