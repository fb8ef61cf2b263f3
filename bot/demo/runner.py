"""`orderbot demo`: the whole story in the sandbox, one process, a fresh SQLite file, no token.

The sandbox runs with privacy mode on (Telegram's default) and an injected clock moves two
days forward without waiting.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import build_app
from bot.clock import ClockTimer, FakeClock
from bot.config import Settings
from bot.demo.people import SCRIPTS, Script
from bot.demo.stage import Stage, StoryError
from bot.demo.transcript import Printer
from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from bot.storage.migrate import upgrade

TOKEN = "1000001:DEMO"
START = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)


async def run_demo(language: str = "es", framework: str = "aiogram", as_json: bool = False) -> int:
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
                                   as_json)
            finally:
                await running.stop()


async def _cast(control: SandboxControl, script: Script, language: str) -> dict[str, int]:
    await control.register_bot(TOKEN)
    pro = await control.create_user(script.pro, language, username="pro_demo")
    client = await control.create_user(script.client, language, username="client_demo")
    moderator = await control.create_user(script.moderator, language, username="mod_demo")
    group = await control.create_chat("group", script.title, members=[pro, client])
    return {"pro": pro, "client": client, "moderator": moderator, "group": group}


async def _play(control: SandboxControl, app: object, clock: FakeClock, cast: dict[str, int],
                script: Script, as_json: bool) -> int:
    roles = {cast["pro"]: "pro", cast["client"]: "client", cast["moderator"]: "moderator"}
    names = {cast["pro"]: script.pro, cast["client"]: script.client,
             cast["moderator"]: script.moderator}
    printer = Printer(roles, names, as_json)
    group = cast["group"]
    stage = Stage(control, app, clock, printer, {group: "group"}, {group: 0})
    try:
        await _story(stage, cast, script)
    except (StoryError, TimeoutError) as error:
        print(f"demo failed: {error}", file=sys.stderr)
        return 1
    return 0



async def _story(stage: Stage, cast: dict[str, int], script: Script) -> None:
    group, pro, client = cast["group"], cast["pro"], cast["client"]
    await stage.post(group, pro, f"/neworder {script.title}")
    await stage.tap(group, client, lambda d: d.startswith("claim:"))
    await stage.tap(group, pro, lambda d: d.startswith("upd:"))
    await stage.tap(group, pro, lambda d: d.startswith("st:") and d.endswith(":done"))
    await stage.tap(group, pro, lambda d: d.startswith("ask:") and d.endswith(":date"))
    day = (stage.clock.now() + timedelta(days=2)).strftime("%Y%m%d")
    await stage.tap(group, pro, lambda d: d.startswith("cal:") and d.endswith(day))
    await stage.tap(group, pro, lambda d: d.startswith("note:") and d.endswith(":write"))
    await stage.reply_to_prompt(group, pro, script.refused_note)
    await stage.reply_to_prompt(group, pro, script.note)
    stage.clock.advance(timedelta(days=2, hours=2))
    await stage.app.scheduler.run_due()  # type: ignore[attr-defined]
    await stage.settle()
    await stage.find_button(group, lambda d: d.startswith("star:"))
    await _rate(stage, group, client, script)
    await stage.tap(group, pro, lambda d: d.startswith("rply:"))
    await stage.reply_to_prompt(group, pro, script.reply)
    await stage.post(group, pro, "/profile")


async def _rate(stage: Stage, group: int, client: int, script: Script) -> None:
    await stage.tap(group, client, lambda d: d.startswith("star:") and d.endswith(":5"))
    await stage.tap(group, client, lambda d: d.startswith("asp:") and d.endswith("on_time:5"))
    await stage.tap(group, client, lambda d: d.startswith("asp:") and d.endswith("quality:4"))
    await stage.tap(group, client,
                    lambda d: d.startswith("asp:") and d.endswith("communication:5"))
    await stage.tap(group, client, lambda d: d.startswith("cmt:") and d.endswith(":write"))
    await stage.reply_to_prompt(group, client, script.comment)
