"""The sandbox server: the Bot API at /bot<token>/<method> and the control API at /control/."""

from __future__ import annotations

import time
from collections.abc import Callable

from aiohttp import web

from bot.sandbox import botapi, control_routes
from bot.sandbox.state import SandboxState
from bot.sandbox.webhook import WebhookPusher


class SandboxServer:
    """A local, faithful stand-in for the Telegram Bot API, run in-process or from the CLI."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.monotonic,
        webhook_retry_delay: float = 1.0,
        privacy: bool = True,
        limits: bool = False,
        bot_token: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.state = SandboxState(clock=clock)
        self.state.default_privacy = privacy
        self.state.limits.enabled = limits
        if bot_token is not None:
            self.state.register_bot(bot_token)
        self.webhooks = WebhookPusher(self.state, webhook_retry_delay)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._bot_api)
        app.router.add_post("/control/{action}", self._control)
        return app

    async def start(self) -> str:
        await self.webhooks.start()
        # As Telegram does, a request whose client has gone (a long poll of a bot that stopped
        # or was killed) ends at once, instead of holding the server's shutdown.
        self._runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=1.0,
                                     handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = _bound_port(self._runner, self.port)
        self.base_url = f"http://{self.host}:{self.port}"
        return self.base_url

    async def stop(self) -> None:
        await self.webhooks.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SandboxServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _bot_api(self, request: web.Request) -> web.StreamResponse:
        response = await botapi.handle(self.state, request)
        self._watch_webhooks()
        return response

    async def _control(self, request: web.Request) -> web.Response:
        response = await control_routes.handle(self.state, request)
        self._watch_webhooks()
        return response

    def _watch_webhooks(self) -> None:
        for bot in self.state.bots.values():
            if bot.webhook is not None:
                self.webhooks.watch(bot)


def _bound_port(runner: web.AppRunner, default: int) -> int:
    """The port the runner's site listens on (asked for 0: the one the system chose)."""
    addresses = runner.addresses  # (host, port) pairs; IPv6 ones with flow info and scope
    return int(addresses[0][1]) if addresses else default
