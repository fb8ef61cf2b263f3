"""/healthz and /metrics, on the webhook server or on their own port in polling mode."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from aiohttp import web

from bot.intake import Outage
from bot.storage.uow import UnitOfWorkFactory

log = logging.getLogger("orderbot.health")
CHECK_TIMEOUT = 5.0
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"



class Render(Protocol):
    """What /metrics needs: `bot.metrics.Metrics` fits (render() and content_type)."""

    content_type: str

    def render(self) -> bytes: ...


def metrics_renderer(app: object) -> Render | None:
    """The app's `metrics` if it has one (`bot.metrics.Metrics`), else None: /metrics is 404."""
    metrics = getattr(app, "metrics", None)
    return metrics if callable(getattr(metrics, "render", None)) else None


async def health_status(uow_factory: UnitOfWorkFactory, outage: Outage | None = None
                        ) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body): is the database reachable, is intake running (a database fault
    stops it), how deep is the outbox."""
    if outage is not None and outage.stopped:
        return 503, {"ok": False, "database": False, "intake": "stopped",
                     "reason": outage.reason, "outbox_pending": None}
    async def probe() -> int:
        async with uow_factory() as uow:
            return await uow.outbox.pending_count()

    try:
        depth = await asyncio.wait_for(probe(), CHECK_TIMEOUT)
    except Exception as error:
        log.warning("health check failed: %s", error)
        return 503, {"ok": False, "database": False, "outbox_pending": None}
    return 200, {"ok": True, "database": True, "intake": "running", "outbox_pending": depth}


def add_health_routes(web_app: web.Application, uow_factory: UnitOfWorkFactory,
                      metrics: Render | None, outage: Outage | None = None) -> None:
    async def healthz(_request: web.Request) -> web.Response:
        status, body = await health_status(uow_factory, outage)
        return web.json_response(body, status=status)

    async def metrics_page(_request: web.Request) -> web.Response:
        if metrics is None:
            return web.Response(status=404, text="metrics are not configured")
        body = metrics.render()
        content_type = getattr(metrics, "content_type", METRICS_TYPE)
        return web.Response(body=body, headers={"Content-Type": content_type})

    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics_page)


class HttpServer:
    """An aiohttp application on host:port (0: any free port); `start` returns the bound port."""

    def __init__(self, web_app: web.Application) -> None:
        self.web_app = web_app
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> int:
        self._runner = web.AppRunner(self.web_app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = port
        for address in self._runner.addresses:
            self.port = int(address[1])
            break
        return self.port

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()


def health_server(uow_factory: UnitOfWorkFactory, metrics: Render | None,
                  outage: Outage | None = None) -> HttpServer:
    web_app = web.Application()
    add_health_routes(web_app, uow_factory, metrics, outage)
    return HttpServer(web_app)
