"""Live updates for the page as server-sent events: `entry` (a transcript entry), `status`
(clock, people, groups, faults) and `reset` (a fresh try-out: start again from nothing).

An event's id is `<generation>:<seq>`, so a reconnecting browser (Last-Event-ID) gets only what
it missed, or a reset if the try-out was replaced meanwhile.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.tryit.host import Host
from bot.tryit.views import entry_view, status_changed, status_view
from bot.tryit.world import World

KEEP_ALIVE_SECONDS = 15.0


def resume_point(last_event_id: str | None) -> tuple[int, int]:
    """(generation, seq) from a Last-Event-ID; (0, 0) for a new stream."""
    try:
        generation, seq = (last_event_id or "").split(":")
        return int(generation), int(seq)
    except ValueError:
        return 0, 0


def sse(event: str, data: Any, event_id: str | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


class Stream:
    """One browser's stream: what it has been sent so far."""

    def __init__(self, host: Host, response: web.StreamResponse, last_event_id: str | None):
        self.host, self.response = host, response
        self.generation, self.seq = resume_point(last_event_id)
        self.status: dict[str, Any] | None = None

    async def run(self) -> None:
        while True:
            await self._round(self.host.world)

    async def _round(self, world: World) -> None:
        """Send what is new, then wait for a change (or send a keep-alive)."""
        await self._catch_up(world)
        woke = await world.sandbox.state.changed.wait_until(lambda: self._behind(world),
                                                             KEEP_ALIVE_SECONDS)
        if not woke:
            await self.response.write(b": keep-alive\n\n")

    def _behind(self, world: World) -> bool:
        try:
            current = self.host.world
        except RuntimeError:  # closing
            return True
        return (current is not world or len(world.sandbox.state.transcript) > self.seq
                or status_changed(self.status, status_view(world)))

    async def _catch_up(self, world: World) -> None:
        if world.generation != self.generation:
            if self.generation:
                await self.response.write(sse("reset", {"generation": world.generation}))
            self.generation, self.seq, self.status = world.generation, 0, None
        for entry in world.entries_after(self.seq):
            self.seq = int(entry["seq"])
            view = entry_view(world, entry)
            if view is not None:
                await self.response.write(sse("entry", view, f"{self.generation}:{self.seq}"))
        status = status_view(world)
        if status_changed(self.status, status):
            self.status = status
            await self.response.write(sse("status", status))
