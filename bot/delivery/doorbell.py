"""A wake-up call for a background task: rung by whoever commits work for it.

Made by the composition root before the task itself, so the parts that ring it (the
pipeline, the scheduler, a unit of work) are built with it, and the task started later
listens to it."""

from __future__ import annotations

import asyncio


class Doorbell:
    def __init__(self) -> None:
        self._rung = asyncio.Event()

    def ring(self) -> None:
        self._rung.set()

    def rung(self) -> bool:
        return self._rung.is_set()

    def answer(self) -> None:
        """Forget the rings so far (about to look for work)."""
        self._rung.clear()

    async def wait(self) -> None:
        await self._rung.wait()
