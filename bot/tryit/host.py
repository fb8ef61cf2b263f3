"""Holds the current try-out; a reset starts a fresh one and then stops the old one."""

from __future__ import annotations

import asyncio

from bot.tryit.world import Options, World


class Host:
    def __init__(self, options: Options) -> None:
        self.options = options
        self._world: World | None = None
        self._generation = 0
        self._lock = asyncio.Lock()

    @property
    def world(self) -> World:
        if self._world is None:
            raise RuntimeError("no try-out is running")
        return self._world

    async def start_fresh(self) -> None:
        """The first try-out, or a reset: everything from scratch."""
        async with self._lock:
            await self._replace()

    async def _replace(self) -> None:
        self._generation += 1
        fresh = World(self.options, self._generation)
        await fresh.start()
        old, self._world = self._world, fresh
        if old is not None:
            old.changed()  # the page's streams wake up on the old notifier and move over
            await old.stop()

    async def close(self) -> None:
        async with self._lock:
            old, self._world = self._world, None
            if old is not None:
                old.changed()
                await old.stop()
