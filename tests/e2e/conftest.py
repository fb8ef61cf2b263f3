"""End-to-end harness: the sandbox, a migrated SQLite database, the bot through a framework.

`world` is parametrized over the frameworks ("aiogram", "ptb") and runs in long polling; a
representative set of scenarios also runs on the webhook intake
(`@pytest.mark.parametrize("mode", MODES)`), whose own behaviour (secret, bodies, replay, order,
the queue) is tested in tests/frameworks and tests/e2e/test_inbox.py.
Override `app_factory` to run a stand-in core, `settings_overrides` to change settings.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.clock import ClockTimer, FakeClock
from bot.config import Settings
from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from tests.databases import Templates
from tests.e2e.world import World

if TYPE_CHECKING:
    from bot.runner import AppFactory, Running

TOKEN = "123456:TEST"
SECRET = "e2e-Secret_token"
FRAMEWORKS = ("aiogram", "ptb")
MODES = ("polling", "webhook")
START_TIMEOUT = 30.0  # a loaded 2-core machine can take several seconds to start a bot
STOP_TIMEOUT = 10.0


async def until(condition: Any, timeout: float, step: float = 0.01) -> bool:
    """True as soon as `await condition()` is, False if it is not within `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if await condition():
            return True
        await asyncio.sleep(step)
    return False


@pytest.fixture
def database_url(database_templates: Templates, tmp_path: Path) -> str:
    """A copy of the migrated SQLite template (tests/conftest.py); `db_url` has both backends."""
    return database_templates.sqlite_copy(tmp_path)


@pytest.fixture(params=FRAMEWORKS)
def framework(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def mode() -> str:
    """Long polling, unless a test asks for the webhook too (`parametrize("mode", MODES)`)."""
    return "polling"


@pytest.fixture
def app_factory() -> AppFactory | None:
    """None: the real core (`bot.app.build_app`)."""
    return None


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    server = SandboxServer(webhook_retry_delay=0.05, bot_token=TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def settings(sandbox: SandboxServer, framework: str, database_url: str,
             settings_overrides: dict[str, Any]) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN, "framework": framework, "api_base_url": sandbox.base_url,
        "database_url": database_url, "default_language": "en", "moderator_ids": (),
        "webhook_secret": SECRET, "webhook_host": "127.0.0.1", "webhook_port": 0,
        "webhook_url": None, "metrics_port": None,
        # The fake clock jumps whenever a task sleeps on it (ClockTimer), so a claim leased for
        # 6 s of it can run out while its message is still on the way, and be sent again. Here
        # leases outlast any jump; they are tested in real time (tests/delivery, the kills).
        "outbox_lease_seconds": 600.0,
        # What a command queues from outside the bot (`orderbot updates --retry`) is found by
        # the idle sender's next look, in real time.
        "outbox_poll_seconds": 0.2,
    }
    return Settings(_env_file=None, **(values | settings_overrides))  # type: ignore[call-arg]


@pytest.fixture
async def world(sandbox: SandboxServer, settings: Settings, clock: FakeClock, mode: str,
                app_factory: AppFactory | None) -> AsyncIterator[World]:
    from bot.app import build_app
    from bot.runner import run

    stop = asyncio.Event()
    started: asyncio.Future[Running] = asyncio.get_running_loop().create_future()
    # Deliveries are paced on the fake clock: Telegram's limits hold without slowing tests.
    factory = app_factory or (lambda s, c: build_app(s, c, ClockTimer(clock)))
    task = asyncio.create_task(run(settings, clock=clock, stop=stop, mode=mode,  # type: ignore[arg-type]
                                   app_factory=factory, on_started=started.set_result))
    running = await _started(task, started)
    async with SandboxControl(sandbox.base_url) as control:
        yield World(control, sandbox, running, clock, settings.framework, mode)
    stop.set()
    await asyncio.wait_for(task, STOP_TIMEOUT)


async def _started(task: asyncio.Task[None], started: asyncio.Future[Running]) -> Running:
    """The running bot, or the exception that ended `run` before it was up."""
    done, _ = await asyncio.wait({task, started}, timeout=START_TIMEOUT,
                                 return_when=asyncio.FIRST_COMPLETED)
    if started in done:
        return started.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    if task in done and task.exception() is not None:
        raise task.exception()  # type: ignore[misc]
    raise TimeoutError(f"the bot did not start within {START_TIMEOUT}s")
