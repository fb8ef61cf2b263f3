"""Start the configured framework around the core, run until told to stop, stop cleanly.

`orderbot run` (long polling) and `orderbot webhook` call `run`; tests call it too, with a
fake clock and a stop event. Frameworks are imported here lazily, never at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse

from bot.clock import Clock
from bot.config import Settings
from bot.startup import StartupError

if TYPE_CHECKING:
    from bot.delivery.inbox_pruner import InboxPruner
    from bot.frameworks.base import Adapter, Core
    from bot.frameworks.health import HttpServer
    from bot.frameworks.webhook import WebhookReceiver

log = logging.getLogger("orderbot.runner")
Mode = Literal["polling", "webhook"]
AppFactory = Callable[[Settings, Clock | None], "Core"]
DEFAULT_WEBHOOK_PATH = "/webhook"
SWITCH_TO_POLLING = ('stop the webhook workers and run "orderbot run --drop-webhook" to switch '
                     'to polling')


class WebhookIsSet(StartupError):
    """Long polling was asked for while Telegram sends this bot's updates to a webhook."""


def load_adapter(settings: Settings) -> Adapter:
    """The adapter of `settings.framework`; only that framework gets imported."""
    if settings.framework == "ptb":
        from bot.frameworks.ptb import PtbAdapter

        return PtbAdapter(settings)
    from bot.frameworks.aiogram import AiogramAdapter

    return AiogramAdapter(settings)


def _build_app(settings: Settings, clock: Clock | None) -> Core:
    from bot.app import build_app

    return build_app(settings, clock)


@dataclass
class Running:
    """A started bot: the core, the adapter and whatever servers the mode needs."""

    app: Core
    adapter: Adapter
    mode: Mode
    username: str = ""
    webhook: WebhookReceiver | None = None
    servers: list[HttpServer] = field(default_factory=list)
    webhook_url: str | None = None
    health_port: int | None = None
    pruner: InboxPruner | None = None

    async def stop(self) -> None:
        """Stop receiving, then the core (sender, scheduler), then the framework's session."""
        with _logged("stop polling"):
            await self.adapter.stop_polling()
        for server in self.servers:
            with _logged("stop server"):
                await server.stop()
        if self.webhook is not None:
            with _logged("stop webhook worker"):
                await self.webhook.stop()
        if self.pruner is not None:
            with _logged("stop inbox pruner"):
                await self.pruner.stop()
        with _logged("stop app"):
            await self.app.stop()
        with _logged("close adapter"):
            await self.adapter.close()


async def start(settings: Settings, *, clock: Clock | None = None, mode: Mode = "polling",
                app_factory: AppFactory | None = None, drop_webhook: bool = False) -> Running:
    """Build the app, open the framework, start the core and the chosen way of receiving.

    Long polling refuses to start (`WebhookIsSet`) while a webhook is set, unless
    `drop_webhook`: then the webhook is deleted, and Telegram keeps the updates it holds."""
    app = (app_factory or _build_app)(settings, clock)
    running = Running(app, load_adapter(settings), mode)
    try:
        running.username = await running.adapter.open()
        if mode == "polling":
            await _leave_no_webhook(running.adapter, drop_webhook)
        await app.start(running.adapter.transport, running.username,
                        bot_reads_all=running.adapter.reads_all)
        await _start_pruner(running, settings)
        await _publish_commands(running, settings)
        if mode == "webhook":
            await _start_webhook(running, settings)
        else:
            await running.adapter.start_polling(app)
            await _start_health(running, settings)
    except BaseException:
        await running.stop()
        raise
    log.info("bot @%s running (%s, %s)", running.username, settings.framework, mode)
    return running


async def run(settings: Settings, *, clock: Clock | None = None,
              stop: asyncio.Event | None = None, mode: Mode = "polling",
              app_factory: AppFactory | None = None,
              on_started: Callable[[Running], None] | None = None,
              drop_webhook: bool = False) -> None:
    """Run until `stop` is set or SIGINT/SIGTERM arrives."""
    stop = stop or asyncio.Event()
    with _signals(stop):
        running = await start(settings, clock=clock, mode=mode, app_factory=app_factory,
                              drop_webhook=drop_webhook)
        try:
            if on_started is not None:
                on_started(running)
            await stop.wait()
        finally:
            await running.stop()


async def _leave_no_webhook(adapter: Adapter, drop_webhook: bool) -> None:
    """Telegram gives a bot's updates to its webhook or to getUpdates, never both: a webhook
    set means another deployment receives them, and polling would take them away from it."""
    url = await adapter.current_webhook_url()
    if not url:
        return
    if not drop_webhook:
        raise WebhookIsSet(f"a webhook is set ({url}): this bot is receiving its updates there; "
                           f"{SWITCH_TO_POLLING}")
    await adapter.delete_webhook()
    log.info("webhook %s deleted (its pending updates kept): receiving by long polling", url)


async def _publish_commands(running: Running, settings: Settings) -> None:
    """The command menus in every language; moderators get theirs in their private chat.

    Each menu on its own: a moderator's chat the bot cannot reach (never started, blocked)
    fails alone and the other menus are still published."""
    from handlers.command_menus import command_menus

    async with running.app.uow_factory() as uow:
        moderators = set(settings.moderator_ids) | await uow.moderators.ids()
    for menu in command_menus(running.app.translations, moderators):
        with _logged(f"setMyCommands {menu.scope} {menu.language_code}"):
            await running.adapter.set_commands([menu])


async def _start_pruner(running: Running, settings: Settings) -> None:
    """Old update ids are deleted in the background (the inbox keeps them 72 h by default)."""
    from bot.delivery.inbox_pruner import InboxPruner
    from bot.storage.inbox_repo import SqlInbox

    running.pruner = InboxPruner.from_settings(SqlInbox(running.app.uow_factory),
                                               running.app.clock, settings)
    await running.pruner.start()


async def _start_webhook(running: Running, settings: Settings) -> None:
    from bot.frameworks.health import HttpServer, add_health_routes, metrics_renderer
    from bot.frameworks.webhook import WebhookReceiver
    from bot.frameworks.webhook_body import tap_of
    from handlers.failed import outage_answer

    app, adapter = running.app, running.adapter

    async def process(payload: dict[str, Any]) -> bool:
        return await adapter.process(payload, app)

    async def unstored(payload: dict[str, Any]) -> None:
        """A tap whose update the database could not store is still answered."""
        tap = tap_of(payload)
        if tap is not None:
            with _logged("answer a tap during a database fault"):
                await adapter.transport.perform(outage_answer(
                    app.translations, tap[0], tap[1], settings.default_language))

    receiver = WebhookReceiver(settings.webhook_secret or "", app.uow_factory, app.clock, process,
                               app.settle, settings.webhook_max_bytes,
                               lease_seconds=settings.webhook_lease_seconds, unstored=unstored,
                               outage=app.outage)
    web_app = _web_application()
    path = urlparse(settings.webhook_url).path if settings.webhook_url else ""
    receiver.add_route(web_app, path or DEFAULT_WEBHOOK_PATH)
    add_health_routes(web_app, app.uow_factory, metrics_renderer(app), app.outage)
    running.webhook = receiver
    replayed = await receiver.start()
    if replayed:
        log.info("re-processing %d stored updates", replayed)
    server = HttpServer(web_app)
    running.servers.append(server)
    port = await server.start(settings.webhook_host, settings.webhook_port)
    running.health_port = port
    running.webhook_url = settings.webhook_url or _local_url(settings.webhook_host, port)
    await adapter.set_webhook(running.webhook_url, settings.webhook_secret or "")


async def _start_health(running: Running, settings: Settings) -> None:
    if settings.metrics_port is None:
        return
    from bot.frameworks.health import health_server, metrics_renderer

    server = health_server(running.app.uow_factory, metrics_renderer(running.app),
                           running.app.outage)
    running.servers.append(server)
    running.health_port = await server.start(settings.webhook_host, settings.metrics_port)


def _web_application() -> Any:
    from aiohttp import web

    return web.Application(client_max_size=4 * 1024 * 1024)


def _local_url(host: str, port: int) -> str:
    if host in ("0.0.0.0", "::", ""):
        raise ValueError("webhook mode needs ORDERBOT_WEBHOOK_URL (the public https address)")
    return f"http://{host}:{port}{DEFAULT_WEBHOOK_PATH}"


@contextlib.contextmanager
def _signals(stop: asyncio.Event) -> Iterator[None]:
    """SIGINT/SIGTERM set `stop` (where the loop can take signals: the main thread, Unix)."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


@contextlib.contextmanager
def _logged(what: str) -> Iterator[None]:
    try:
        yield
    except Exception:
        log.exception("%s failed", what)
