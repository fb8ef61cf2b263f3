"""`orderbot run` while a webhook is set: it refuses in one line (exit 2) and leaves the webhook
alone, unless `--drop-webhook`, which deletes it and keeps the updates Telegram holds. With no
webhook it starts as it always has. The command runs as a person runs it, against the sandbox,
with either framework."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from tests.e2e.conftest import TOKEN

pytestmark = pytest.mark.slow

HOOK = "https://127.0.0.1:9/hook"  # refuses connections: Telegram keeps what it holds
STARTED = " running ("  # the runner's "bot @name running (framework, mode)" line
WAIT = 60.0


@dataclass
class Orderbot:
    """`orderbot run` in a child process, and its stderr lines as they come."""

    process: asyncio.subprocess.Process
    stderr: list[str] = field(default_factory=list)

    async def wait_started(self) -> None:
        assert self.process.stderr is not None
        while not any(STARTED in line for line in self.stderr):
            line = await asyncio.wait_for(self.process.stderr.readline(), WAIT)
            assert line, f"orderbot ended before it started: {''.join(self.stderr)}"
            self.stderr.append(line.decode())

    async def wait_exit(self) -> int:
        assert self.process.stderr is not None
        rest = await asyncio.wait_for(self.process.stderr.read(), WAIT)
        self.stderr.extend(rest.decode().splitlines(keepends=True))
        return await self.process.wait()

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await self.wait_exit()


Launch = Callable[..., Awaitable[Orderbot]]


@pytest.fixture
async def orderbot_run(sandbox: SandboxServer, database_url: str, framework: str,
                       tmp_path: Path) -> AsyncIterator[Launch]:
    """Starts `orderbot run --framework <framework> <args>` on the sandbox; stops it after."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("ORDERBOT_")}
    env |= {"ORDERBOT_BOT_TOKEN": TOKEN, "ORDERBOT_API_BASE_URL": sandbox.base_url,
            "ORDERBOT_DATABASE_URL": database_url, "ORDERBOT_DEFAULT_LANGUAGE": "en"}
    launched: list[Orderbot] = []

    async def launch(*args: str) -> Orderbot:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", "--framework", framework, *args,
            cwd=tmp_path, env=env, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE)
        launched.append(Orderbot(process))
        return launched[-1]

    yield launch
    for orderbot in launched:
        await orderbot.stop()


async def bot_api(sandbox: SandboxServer, method: str, **params: Any) -> Any:
    url = f"{sandbox.base_url}/bot{TOKEN}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, json=params) as response:
        return (await response.json())["result"]


async def set_webhook(sandbox: SandboxServer, url: str) -> None:
    assert await bot_api(sandbox, "setWebhook", url=url) is True


async def webhook_of(sandbox: SandboxServer) -> str:
    return str((await bot_api(sandbox, "getWebhookInfo"))["url"])


async def test_run_refuses_while_a_webhook_is_set(sandbox: SandboxServer,
                                                  orderbot_run: Launch) -> None:
    await set_webhook(sandbox, HOOK)
    orderbot = await orderbot_run()
    assert await orderbot.wait_exit() == 2, "".join(orderbot.stderr)
    assert "".join(orderbot.stderr) == (
        f"orderbot: a webhook is set ({HOOK}): this bot is receiving its updates there; stop "
        'the webhook workers and run "orderbot run --drop-webhook" to switch to polling\n')
    assert await webhook_of(sandbox) == HOOK


async def test_drop_webhook_switches_to_polling_keeping_the_pending_updates(
        sandbox: SandboxServer, orderbot_run: Launch) -> None:
    await set_webhook(sandbox, HOOK)
    async with SandboxControl(sandbox.base_url) as control:
        ana = await control.create_user("Ana", "en")
        await control.post(ana, ana, "/help")  # held: the webhook does not answer
        orderbot = await orderbot_run("--drop-webhook")
        await orderbot.wait_started()
        assert await webhook_of(sandbox) == ""
        await control.wait_for(ana, lambda entry: bool(entry["from"]["is_bot"]), timeout=WAIT)
    assert await orderbot.stop() == 0, "".join(orderbot.stderr)
    told = [line for line in orderbot.stderr if "webhook" in line]
    assert len(told) == 1, told
    assert f"webhook {HOOK} deleted (its pending updates kept)" in told[0]


async def test_run_without_a_webhook_starts_as_before(
        sandbox: SandboxServer, orderbot_run: Launch, framework: str) -> None:
    orderbot = await orderbot_run()
    await orderbot.wait_started()
    assert f"({framework}, polling)" in orderbot.stderr[-1]
    assert await webhook_of(sandbox) == ""
    assert await orderbot.stop() == 0, "".join(orderbot.stderr)
    assert not any("webhook" in line for line in orderbot.stderr)
