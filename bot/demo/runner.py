"""`orderbot demo`: the whole story in the sandbox, one process, a fresh SQLite file, no token.

The sandbox runs with privacy mode on (Telegram's default) and an injected clock moves two
days forward without waiting.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import build_app
from bot.clock import ClockTimer, FakeClock
from bot.config import Settings
from bot.demo.people import SCRIPTS, Script
from bot.demo.stage import Stage, StoryError
from bot.demo.story import Cast, play
from bot.demo.transcript import Printer
from bot.i18n import N_
from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from bot.storage.migrate import upgrade

TOKEN = "1000001:DEMO"
START = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
# TRANSLATORS: the demo transcript's name for the order's group chat.
GROUP = N_("group")


async def run_demo(language: str = "es", framework: str = "aiogram", as_json: bool = False,
                   write: Callable[[str], None] = print) -> int:
    """Play the story; 0 when every step showed what it should, 1 (and why, on stderr) if not.
    `write` gets each line of the transcript."""
    from bot.runner import start

    with tempfile.TemporaryDirectory(prefix="orderbot-demo-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}"
        await asyncio.to_thread(upgrade, url)
        async with SandboxServer(bot_token=TOKEN) as sandbox, \
                SandboxControl(sandbox.base_url) as control:
            cast = await _cast(control, SCRIPTS[language], language)
            settings = Settings(_env_file=None, bot_token=TOKEN,  # type: ignore[call-arg]
                                api_base_url=sandbox.base_url, database_url=url,
                                framework=framework, default_language=language,  # type: ignore[arg-type]
                                moderator_ids=(cast["moderator"],))
            clock = FakeClock(START)
            running = await start(settings, clock=clock, mode="polling",
                                  app_factory=lambda s, c: build_app(s, c, ClockTimer(clock)))
            try:
                return await _play(control, running.app, clock, cast, SCRIPTS[language],
                                   as_json, write)
            finally:
                await running.stop()


async def _cast(control: SandboxControl, script: Script, language: str) -> dict[str, int]:
    await control.register_bot(TOKEN)
    pro = await control.create_user(script.pro, language, username="pro_demo")
    client = await control.create_user(script.client, language, username="client_demo")
    moderator = await control.create_user(script.moderator, language, username="mod_demo")
    group = await control.create_chat("group", script.title, members=[pro, client])
    return {"pro": pro, "client": client, "moderator": moderator, "group": group}


async def _play(control: SandboxControl, app: Any, clock: FakeClock, cast: dict[str, int],
                script: Script, as_json: bool, write: Callable[[str], None]) -> int:
    roles = {cast["pro"]: "pro", cast["client"]: "client", cast["moderator"]: "moderator"}
    names = {cast["pro"]: script.pro, cast["client"]: script.client,
             cast["moderator"]: script.moderator}
    t = app.translations.get(app.settings.default_language)
    printer = Printer(roles, names, as_json, t, app.settings.timezone, write)
    group = cast["group"]
    stage = Stage(control, app, clock, printer, {group: GROUP}, {group: 0}, t)
    try:
        await play(stage, Cast(group, cast["pro"], cast["client"], script, t))
    except StoryError as error:
        # TRANSLATORS: on stderr when the demo's story went wrong; {error} says where.
        print(t._("demo failed: {error}").format(error=error), file=sys.stderr)
        return 1
    except TimeoutError as error:
        print(t._("demo failed: the bot did not finish in time ({error})").format(error=error),
              file=sys.stderr)
        return 1
    return 0
