"""Webhook mode: the 200 comes before the handling, and a crash after the 200 loses nothing."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.clock import FakeClock
from bot.config import Settings
from bot.runner import start
from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from bot.storage.db import create_engine
from bot.storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import SECRET
from tests.e2e.world import World
from tests.frameworks.fakes import EchoCore
from tests.storage.factories import unfinished_updates

pytestmark = pytest.mark.e2e
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def private_command(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    sender = {"id": user_id, "is_bot": False, "first_name": "Ana"}
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": 1_700_000_000, "from": sender, "text": text,
        "chat": {"id": user_id, "type": "private", "first_name": "Ana"}}}


async def test_the_200_does_not_wait_for_a_slow_handler(database_url: str) -> None:
    from bot.frameworks.webhook import WebhookReceiver

    release, handled = asyncio.Event(), asyncio.Event()

    async def slow(payload: dict[str, Any]) -> None:
        await release.wait()
        handled.set()

    async def settled() -> None:
        return None

    uow_factory = UnitOfWorkFactory(create_engine(database_url))
    receiver = WebhookReceiver(SECRET, uow_factory, FakeClock(), slow, settled)
    web_app = web.Application()
    receiver.add_route(web_app, "/hook")
    await receiver.start()
    async with TestClient(TestServer(web_app)) as client:
        response = await client.post("/hook", json=private_command(7, 5, "/x"),
                                     headers={HEADER: SECRET})
        assert response.status == 200 and not handled.is_set()
        async with uow_factory() as uow:  # stored, committed, not yet handled
            assert await unfinished_updates(uow) == [(7, json.dumps(private_command(7, 5, "/x")))]
        bad = await client.post("/hook", json=private_command(8, 5, "/x"), headers={HEADER: "x"})
        assert bad.status == 403
        release.set()
        await asyncio.wait_for(handled.wait(), 5)
    await receiver.stop()
    await uow_factory.engine.dispose()


async def test_stored_but_unhandled_updates_are_handled_at_start(
        sandbox: SandboxServer, settings: Settings, database_url: str) -> None:
    async with SandboxControl(sandbox.base_url) as control:
        ana = await control.create_user("Ana", "en")
        engine = create_engine(database_url)
        async with UnitOfWorkFactory(engine)() as uow:  # received, 200 sent, then a crash
            payload = json.dumps(private_command(31337, ana, "/echo stored"))
            await uow.inbox.record(31337, FakeClock().now(), payload)
            await uow.commit()
        await engine.dispose()
        running = await start(settings, mode="webhook", app_factory=EchoCore)
        try:
            entry = await control.wait_for(ana, lambda e: e.get("text") == "echo echo stored")
            assert entry["from"]["is_bot"]
            assert running.webhook is not None
            await running.webhook.idle()
            async with running.app.uow_factory() as uow:
                assert await unfinished_updates(uow) == []
        finally:
            await running.stop()


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"metrics_port": 0}


@pytest.fixture
def app_factory() -> Any:
    return EchoCore


async def test_polling_mode_serves_health_on_the_metrics_port(world: World) -> None:
    port = world.running.health_port
    assert port
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
            assert response.status == 200
            assert await response.json() == {"ok": True, "database": True, "intake": "running",
                                             "outbox_pending": 0}
        async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
            assert response.status == 404  # EchoCore has no metrics
