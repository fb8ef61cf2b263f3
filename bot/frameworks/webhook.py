"""Webhook mode, shared by both adapters: check the secret, store the update, answer 200 at once.

An update is committed to the inbox before its 200, then handled in the background by one
worker (in arrival order), so a slow handler never delays Telegram and a crash after the 200
loses nothing. Every stored update ends in one final state: handled, ignored (a kind the bot
does not take) or parked (`bot.intake`). The worker leases what it stored and renews the lease
while it lives; the updates of a worker that died are taken over by another (or by this one at
its next start) once their lease has run out. The worker settles (commits what it has handled)
whenever its queue runs empty. While the database cannot store an update, the answer is 503
(Telegram sends it again later) and a tap is answered that the bot is temporarily unavailable.
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
from bot.delivery.timer import LoopTimer, Timer
from bot.frameworks.webhook_body import DEFAULT_MAX_BYTES, BadUpdate, kind_of, parse_update
from bot.frameworks.webhook_leases import Leases
from bot.intake import Outage
from bot.services.failed import error_line
from bot.storage.faults import is_database_fault
from bot.storage.uow import UnitOfWorkFactory

log = logging.getLogger("orderbot.webhook")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DRAIN_SECONDS = 5.0

Process = Callable[[dict[str, Any]], Awaitable[bool]]
Settle = Callable[[], Awaitable[None]]
Unstored = Callable[[dict[str, Any]], Awaitable[None]]


async def _nothing(_payload: dict[str, Any]) -> None:
    return None


class WebhookReceiver:
    """The POST route, its background worker and its leases."""

    def __init__(self, secret: str, uow_factory: UnitOfWorkFactory, clock: Clock,
                 process: Process, settle: Settle, max_bytes: int = DEFAULT_MAX_BYTES, *,
                 lease_seconds: float = 6.0, timer: Timer | None = None,
                 unstored: Unstored = _nothing, outage: Outage | None = None) -> None:
        if not secret:
            raise ValueError("webhook mode needs a secret (ORDERBOT_WEBHOOK_SECRET)")
        self._secret = secret.encode()
        self.uow_factory = uow_factory
        self.clock = clock
        self.process = process  # False: the bot does not take this update
        self.settle = settle
        self.max_bytes = max_bytes
        self.unstored = unstored  # a tap's answer when its update could not be stored
        self.leases = Leases(uow_factory, clock, lease_seconds)
        self.timer = timer or LoopTimer()
        self.outage = outage or Outage()
        self._queue: asyncio.Queue[tuple[int, dict[str, Any]]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    def add_route(self, web_app: web.Application, path: str) -> None:
        web_app.router.add_post(path, self.receive)

    async def start(self) -> int:
        """Queue the stored updates no live worker holds, then start the worker and the
        heartbeat; return how many were queued."""
        taken = await self.leases.renew_and_take_over()
        self._queue_stored(taken)
        self._tasks = [asyncio.create_task(self._work()), asyncio.create_task(self._beat())]
        return len(taken)

    async def stop(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), DRAIN_SECONDS)
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

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
        try:
            async with self.uow_factory() as uow:
                await uow.inbox.record(update.update_id, self.clock.now(), update.text,
                                       self.leases.owner, self.leases.until())
                await uow.commit()
        except Exception as error:
            if not is_database_fault(error):
                raise
            self.outage.fault(error)  # Telegram sends it again
            await self.unstored(update.payload)
            return web.Response(status=503, text="temporarily unavailable")
        self.outage.cleared()
        self._queue.put_nowait((update.update_id, update.payload))
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

    def _queue_stored(self, stored: list[tuple[int, str]]) -> None:
        for update_id, payload in stored:
            try:
                self._queue.put_nowait((update_id, json.loads(payload)))
            except ValueError:
                log.error("stored update is not JSON", extra={"update_id": update_id})

    async def _work(self) -> None:
        while True:
            update_id, payload = await self._queue.get()
            try:
                await self._one(update_id, payload)
            finally:
                if self._queue.empty():
                    await self._settled()
                self._queue.task_done()

    async def _one(self, update_id: int, payload: dict[str, Any]) -> None:
        try:
            taken = await self.process(payload)
        except Exception as error:  # the core parks its own failures: this one is the
            # framework's, which could not read the update; it is kept, never run again
            log.exception("webhook update could not be read", extra={"update_id": update_id})
            await self._finish(update_id, parked=error)
            return
        if not taken:
            await self._finish(update_id, ignored=f"not taken by the bot: {kind_of(payload)}")

    async def _finish(self, update_id: int, *, ignored: str | None = None,
                      parked: BaseException | None = None) -> None:
        try:
            async with self.uow_factory() as uow:
                now = self.clock.now()
                if parked is not None:
                    await uow.inbox.park(update_id, now, chat_id=None, event=None,
                                         error=error_line(parked),
                                         attempts=1)
                else:
                    await uow.inbox.ignore(update_id, now, ignored or "")
                await uow.commit()
        except Exception:
            log.exception("update %s could not be recorded as finished", update_id)

    async def _beat(self) -> None:
        """Renew this worker's leases, take over those that ran out, every third of a
        lease."""
        while True:
            await self.timer.sleep(self.leases.seconds / 3)
            try:
                self._queue_stored(await self.leases.renew_and_take_over())
            except Exception as error:
                log.warning("webhook leases not renewed: %s", error)

    async def _settled(self) -> None:
        try:
            await self.settle()
        except Exception:
            log.exception("webhook updates could not be committed")
