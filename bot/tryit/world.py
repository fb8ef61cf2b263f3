"""One try-out: the sandbox, the bot on a fresh SQLite file, a virtual clock, and the order groups.

`orderbot try` owns the bot's clock and tables, so moving time is done here (the sandbox only
emulates Telegram). The sandbox stamps messages with the same virtual clock, so the page shows
the time the bot sees.
"""

from __future__ import annotations

import asyncio
import tempfile
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from bot.app import App, build_app
from bot.config import Settings
from bot.runner import start
from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from bot.storage.migrate import upgrade
from bot.tryit.clock import RunningClock
from bot.tryit.people import Cast, create_cast, group_title
from scheduler.reconcile import next_due

TOKEN = "1000001:TRY"
T = TypeVar("T")
# The sandbox does not enforce Telegram's limits here, and a person trying the bot should not
# wait a second between two messages or a minute after twenty: the bot's own limits are raised.
FAST_PRIVATE_PER_SECOND, FAST_GROUP_PER_MINUTE = 20.0, 600
MEMBERS = ("pro", "client", "stranger", "moderator")  # the first one creates the group


@dataclass(frozen=True)
class Options:
    language: str = "es"
    framework: str = "aiogram"


@dataclass
class Group:
    id: int
    title: str
    type: str = "group"
    migrated_to: int | None = None
    migrated_from: int | None = None
    bot_present: bool = True


class World:
    """Started with `start()`, ended with `stop()`; a reset is a new World."""

    def __init__(self, options: Options, generation: int = 1) -> None:
        self.options, self.generation = options, generation
        self.clock = RunningClock()
        self.sandbox = SandboxServer(bot_token=TOKEN)
        self.sandbox.state.wall_clock = self._virtual_seconds
        self.groups: dict[int, Group] = {}
        self.blocked: set[int] = set()
        self._stack = AsyncExitStack()
        self._control: SandboxControl | None = None
        self._cast: Cast | None = None
        self._app: App | None = None

    @property
    def control(self) -> SandboxControl:
        return _started(self._control)

    @property
    def cast(self) -> Cast:
        return _started(self._cast)

    @property
    def app(self) -> App:
        return _started(self._app)

    def _virtual_seconds(self) -> float:
        return self.clock.now().timestamp()

    async def start(self) -> None:
        try:
            await self._start()
        except BaseException:
            await self._stack.aclose()
            raise

    async def _start(self) -> None:
        folder = self._stack.enter_context(tempfile.TemporaryDirectory(prefix="orderbot-try-"))
        url = f"sqlite+aiosqlite:///{Path(folder) / 'try.db'}"
        await asyncio.to_thread(upgrade, url)
        await self._stack.enter_async_context(self.sandbox)
        self._control = await self._stack.enter_async_context(
            SandboxControl(self.sandbox.base_url))
        self._cast = await create_cast(self._control, self.options.language)
        settings = self._settings(url)
        app = self._app = build_app(settings, self.clock)
        running = await start(settings, clock=self.clock, mode="polling",
                              app_factory=lambda _settings, _clock: app)
        self._stack.push_async_callback(running.stop)
        await self.new_group()

    def _settings(self, database_url: str) -> Settings:
        return Settings(_env_file=None, bot_token=TOKEN,  # type: ignore[call-arg]
                        api_base_url=self.sandbox.base_url, database_url=database_url,
                        framework=self.options.framework,  # type: ignore[arg-type]
                        default_language=self.options.language,  # type: ignore[arg-type]
                        moderator_ids=(self.cast.get("moderator").id,),
                        rate_private_per_second=FAST_PRIVATE_PER_SECOND,
                        rate_group_per_minute=FAST_GROUP_PER_MINUTE)

    async def stop(self) -> None:
        await self._stack.aclose()

    # --- what the page shows -----------------------------------------------------
    def entries_after(self, seq: int) -> list[dict[str, Any]]:
        """The sandbox's transcript (every chat) after `seq`; its seq counts from 1."""
        return self.sandbox.state.transcript[seq:]

    def changed(self) -> None:
        """Wake the page's live streams (they wait on the sandbox's notifier)."""
        self.sandbox.state.changed.notify()

    def chat_ids(self) -> set[int]:
        return set(self.groups) | {person.id for person in self.cast.people}

    # --- groups ---------------------------------------------------------------------
    async def new_group(self) -> Group:
        number = sum(1 for group in self.groups.values() if group.migrated_from is None) + 1
        title = group_title(self.cast.script, number)
        members = [self.cast.get(role).id for role in MEMBERS]
        chat_id = await self.control.create_chat("group", title, members=members)
        self.groups[chat_id] = group = Group(chat_id, title)
        self.changed()
        return group

    # --- time ---------------------------------------------------------------------------
    async def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)
        await self._catch_up()

    async def to_next_due(self) -> bool:
        """Move to the next scheduled item and do it; False when nothing is scheduled later."""
        due = await next_due(self.app.uow_factory, self.app.settings.policy(), None)
        if due is None or due <= self.clock.now():
            await self._catch_up()
            return False
        self.clock.set(due)
        await self._catch_up()
        return True

    async def _catch_up(self) -> None:
        await self.app.scheduler.run_due()
        self.app.scheduler.poke()
        if self.app.sender is not None:
            self.app.sender.wake()
        self.changed()


def _started(value: T | None) -> T:
    if value is None:
        raise RuntimeError("the try-out is not started")
    return value
