"""Monotonic time and sleeping, injected so that tests wait out 30 s in no real time."""

from __future__ import annotations

import asyncio
from typing import Protocol


class Timer(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (only differences matter)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` (at least yield to the loop)."""
        ...

    async def follow(self, seconds: float) -> None:
        """Wait `seconds` in a periodic background task (a heartbeat). Real time waits as
        `sleep` does; simulated time is waited for until others' sleeps have moved it that
        far, never moved by the follower itself."""
        ...

    async def idle(self, seconds: float) -> None:
        """Wait up to `seconds` when nothing is due, only to look again for work that came
        unannounced (from another process). Real time waits as `sleep` does; simulated time
        is not moved, since nothing waits for it to pass: the wait is in real time."""
        ...


class LoopTimer:
    """The running event loop's clock, the one asyncio uses."""

    def monotonic(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

    async def follow(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

    async def idle(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))
