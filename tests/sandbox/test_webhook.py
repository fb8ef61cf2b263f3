"""Webhook delivery: secret header, order, retries on non-2xx, getWebhookInfo."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.sandbox.control import SandboxControl
from tests.sandbox.helpers import BotApi


class Receiver:
    """A local webhook endpoint that fails its first `failures` calls."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.calls: list[tuple[str | None, dict[str, Any]]] = []
        self.arrived = asyncio.Condition()
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        async with self.arrived:
            self.calls.append((secret, await request.json()))
            self.arrived.notify_all()
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=500)
        return web.Response(text="ok")

    async def wait_calls(self, count: int, timeout: float = 5.0) -> None:
        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: len(self.calls) >= count), timeout)

    def delivered(self) -> list[dict[str, Any]]:
        return [body for _, body in self.calls]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver(failures=2)
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    hook.url = f"http://{host}:{port}/hook"
    yield hook
    await runner.cleanup()


async def test_push_with_secret_and_retry(
    api: BotApi, control: SandboxControl, receiver: Receiver
) -> None:
    assert (await api("setWebhook", url=receiver.url, secret_token="s3cret")).result
    user = await control.create_user("Ana")
    await control.post(user, user, "/start")
    await control.post(user, user, "second")
    await receiver.wait_calls(4)
    bodies = receiver.delivered()
    assert bodies[0] == bodies[1] == bodies[2]
    assert [b["message"]["text"] for b in bodies[2:]] == ["/start", "second"]
    assert {secret for secret, _ in receiver.calls} == {"s3cret"}
    info = (await api("getWebhookInfo")).result
    assert info["url"] == receiver.url and info["pending_update_count"] == 0
    assert "500" in info["last_error_message"]


async def test_redeliver_same_update_id(
    api: BotApi, control: SandboxControl, receiver: Receiver
) -> None:
    receiver.failures = 0
    await api("setWebhook", url=receiver.url)
    user = await control.create_user("Ana")
    await control.post(user, user, "/start")
    await receiver.wait_calls(1)
    update_id = receiver.delivered()[0]["update_id"]
    await control.redeliver(update_id)
    await receiver.wait_calls(2)
    assert receiver.calls[1][0] is None
    assert receiver.delivered()[1] == receiver.delivered()[0]


async def test_pending_count_and_delete_with_drop(api: BotApi, control: SandboxControl) -> None:
    await api("setWebhook", url="http://127.0.0.1:9/unreachable")
    user = await control.create_user("Ana")
    await control.post(user, user, "/start")
    assert (await api("getWebhookInfo")).result["pending_update_count"] == 1
    assert (await api("deleteWebhook", drop_pending_updates=True)).result
    info = (await api("getWebhookInfo")).result
    assert info == {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
    assert (await api("getUpdates")).result == []
