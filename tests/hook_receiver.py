"""A stand-in for the marketplace's hook endpoint: records every POST and answers what the
test says (200 unless told otherwise)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return dict(json.loads(self.body))

    @property
    def event(self) -> str:
        return str(self.json["event"])


Answer = Callable[[Received], tuple[int, dict[str, str]]]


def ok(_: Received) -> tuple[int, dict[str, str]]:
    return 200, {}


@dataclass
class HookReceiver:
    answer: Answer = ok
    delay: float = 0.0  # seconds before answering (to make a request time out)
    received: list[Received] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/hooks/orderbot", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/hooks/orderbot"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def answer_in_turn(self, *statuses: int, retry_after: str | None = None) -> None:
        """Answer these statuses to the next requests, in turn, then 200."""
        queue = list(statuses)

        def answer(_: Received) -> tuple[int, dict[str, str]]:
            if not queue:
                return 200, {}
            return queue.pop(0), ({"Retry-After": retry_after} if retry_after else {})
        self.answer = answer

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        async with self._arrived:
            await asyncio.wait_for(
                self._arrived.wait_for(lambda: len(self.received) >= count), timeout)
        return self.received

    async def _handle(self, request: web.Request) -> web.Response:
        received = Received(dict(request.headers), await request.read())
        if self.delay:
            await asyncio.sleep(self.delay)
        status, headers = self.answer(received)
        self.received.append(received)
        async with self._arrived:
            self._arrived.notify_all()
        return web.Response(status=status, headers=headers, text="")
