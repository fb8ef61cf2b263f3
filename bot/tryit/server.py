"""The page's web server around the try-out: bound first (a taken port fails before anything
starts), then the sandbox and the bot."""

from __future__ import annotations

from aiohttp import web

from bot.tryit.host import Host
from bot.tryit.web import make_app
from bot.tryit.world import Options

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class PortTaken(Exception):
    """The address to serve the page on is in use."""


class TryServer:
    def __init__(self, options: Options, host: str = "127.0.0.1", port: int = 8090) -> None:
        self.host, self.port = host, port
        self.tryout = Host(options)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    async def start(self) -> str:
        self._runner = web.AppRunner(make_app(self.tryout), access_log=None,
                                     shutdown_timeout=0.5)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self.host, self.port).start()
        except OSError as error:
            await self.stop()
            raise PortTaken(f"cannot serve on {self.host}:{self.port}: "
                            f"{error.strerror or error}") from None
        if self.port == 0:
            self.port = self._runner.addresses[0][1]
        await self.tryout.start_fresh()
        return self.url

    async def stop(self) -> None:
        await self.tryout.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> TryServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
