"""Fixtures: a started sandbox with a fake clock, its control client, and a raw Bot API caller."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from tests.sandbox.helpers import TOKEN, BotApi, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def server(clock: FakeClock) -> AsyncIterator[SandboxServer]:
    sandbox = SandboxServer(clock=clock, webhook_retry_delay=0.01, bot_token=TOKEN)
    await sandbox.start()
    yield sandbox
    await sandbox.stop()


@pytest.fixture
async def control(server: SandboxServer) -> AsyncIterator[SandboxControl]:
    async with SandboxControl(server.base_url) as client:
        yield client


@pytest.fixture
async def api(server: SandboxServer) -> AsyncIterator[BotApi]:
    async with aiohttp.ClientSession() as session:
        yield BotApi(session, server.base_url, TOKEN)
