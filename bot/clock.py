"""Time is injected: production reads the system clock, tests and the demo move a fake one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2027, 3, 8, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment


class ClockTimer:
    """A delivery timer on a FakeClock: waiting moves the clock instead of real time.

    The demo and end-to-end tests use it so that Telegram's limits (20 messages a minute
    in a group) are respected in simulated time without slowing the run.
    """

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    def monotonic(self) -> float:
        return self.clock.now().timestamp()

    async def sleep(self, seconds: float) -> None:
        import asyncio

        if seconds > 0:
            self.clock.advance(timedelta(seconds=seconds))
        await asyncio.sleep(0)

    async def follow(self, seconds: float) -> None:
        """Wait until the others' sleeps have moved the clock `seconds` on (looking every
        few milliseconds of real time)."""
        import asyncio

        target = self.monotonic() + max(0.0, seconds)
        while self.monotonic() < target:
            await asyncio.sleep(0.005)

    async def idle(self, seconds: float) -> None:
        """Wait in real time, leaving the clock where it is: an idle bot's clock does not
        race ahead of the world it shares with the people and the scheduler."""
        import asyncio

        await asyncio.sleep(max(0.0, seconds))
