"""Webhook mode, shared by both adapters: check the secret, store the update, answer 200 at once.

An update is committed to the inbox before its 200, then handled in the background by one
worker (in arrival order), so a slow handler never delays Telegram and a crash after the 200
loses nothing: at start, stored-but-unhandled updates are handled first. The worker settles
(commits what it has handled) whenever its queue runs empty.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.clock import Clock
from bot.frameworks.webhook_body import DEFAULT_MAX_BYTES, BadUpdate, parse_update
from bot.storage.uow import UnitOfWorkFactory

log = logging.getLogger("orderbot.webhook")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
REPLAY_LIMIT = 10_000
DRAIN_SECONDS = 5.0

Process = Callable[[dict[str, Any]], Awaitable[None]]
Settle = Callable[[], Awaitable[None]]


class WebhookReceiver:
    """The POST route and its background worker."""

    def __init__(self, secret: str, uow_factory: UnitOfWorkFactory, clock: Clock,
                 process: Process, settle: Settle, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if not secret:
            raise ValueError("webhook mode needs a secret (ORDERBOT_WEBHOOK_SECRET)")
        self._secret = secret.encode()
        self.uow_factory = uow_factory
        self.clock = clock
        self.process = process
        self.settle = settle
        self.max_bytes = max_bytes
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    def add_route(self, web_app: web.Application, path: str) -> None:
        web_app.router.add_post(path, self.receive)

    async def start(self) -> int:
        """Queue the stored-but-unhandled updates, then start the worker; return how many."""
        async with self.uow_factory() as uow:
            stored = await uow.inbox.unhandled(REPLAY_LIMIT)
        for update_id, payload in stored:
            try:
                self._queue.put_nowait(json.loads(payload))
            except ValueError:
                log.error("stored update is not JSON", extra={"update_id": update_id})
        self._worker = asyncio.create_task(self._work())
        return len(stored)

    async def stop(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), DRAIN_SECONDS)
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    async def idle(self) -> None:
        """Wait until every received update has been handled (for tests and shutdown)."""
        await self._queue.join()

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=403, text="wrong secret token")
        body = await self._read_body(request)
        if body is None:
            return web.Response(status=400, text=f"body over {self.max_bytes} bytes")
        try:
            update = parse_update(body)
        except BadUpdate as error:
            return web.Response(status=400, text=str(error))
        async with self.uow_factory() as uow:
            await uow.inbox.record(update.update_id, self.clock.now(), update.text)
            await uow.commit()
        self._queue.put_nowait(update.payload)
        return web.Response(text="ok")

    async def _read_body(self, request: web.Request) -> bytes | None:
        """The body, or None when it is over the limit (read no further than that)."""
        if request.content_length is not None and request.content_length > self.max_bytes:
            return None
        body = bytearray()
        async for chunk in request.content.iter_chunked(64 * 1024):
            body += chunk
            if len(body) > self.max_bytes:
                return None
        return bytes(body)

    async def _work(self) -> None:
        while True:
            payload = await self._queue.get()
            try:
                await self.process(payload)
            except Exception:
                update_id = payload.get("update_id")
                log.exception("webhook update failed", extra={"update_id": update_id})
            finally:
                if self._queue.empty():
                    await self._settled()
                self._queue.task_done()

    async def _settled(self) -> None:
        try:
            await self.settle()
        except Exception:
            log.exception("webhook updates could not be committed")
