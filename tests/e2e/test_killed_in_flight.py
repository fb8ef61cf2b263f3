"""A bot SIGKILLed in long polling while it handles many chats' updates at once: Telegram saw
no update acknowledged that was not committed, so after a restart every person is answered.

The bot is `orderbot run` in a process of its own (8 updates at once), the sandbox (in this
process) its Telegram, holding 60 people's `/help`s, two each, before it starts. It is killed
once some of them are committed and others are still being handled. What Telegram saw
acknowledged (the offset of the last getUpdates) is then compared with what the database
committed, and a second bot is started to handle what was left.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from bot.sandbox.updates import UpdateQueue
from bot.storage.db import create_engine
from bot.storage.models import InboxRow
from bot.storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import FRAMEWORKS, until

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:killed-in-flight"
HELP = "order thread"  # in the English /help text
PEOPLE = 60
EACH = 2  # /help per person
KILL_AFTER = 30  # committed updates, of the first batch of 100
WAIT = 60.0


@pytest.fixture
def database_url(db_url: str) -> str:
    """A migrated database of the test's own, on SQLite or PostgreSQL."""
    return db_url


@pytest.fixture(params=FRAMEWORKS)
def framework(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextlib.asynccontextmanager
async def _bot(base_url: str, database_url: str, framework: str, log: Path
               ) -> AsyncIterator[asyncio.subprocess.Process]:
    """`orderbot run` (this checkout's), stopped with SIGTERM unless it was killed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ORDERBOT_BOT_TOKEN": TOKEN,
           "ORDERBOT_FRAMEWORK": framework, "ORDERBOT_API_BASE_URL": base_url,
           "ORDERBOT_DATABASE_URL": database_url, "ORDERBOT_DEFAULT_LANGUAGE": "en",
           "ORDERBOT_CONCURRENCY": "8"}
    for name in ("ORDERBOT_REDIS_URL", "ORDERBOT_METRICS_PORT", "ORDERBOT_WEBHOOK_URL"):
        env.pop(name, None)
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out)
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()


def _kill_at_the_first_acknowledgement(queue: UpdateQueue,
                                       bot: asyncio.subprocess.Process) -> None:
    """Kill the bot the moment its getUpdates acknowledges anything, if it comes before
    `KILL_AFTER` are committed (a bot that acknowledges before it commits)."""
    confirm = queue.confirm

    def killing_confirm(offset: int) -> None:
        confirm(offset)
        if offset > 0 and bot.returncode is None:
            bot.send_signal(signal.SIGKILL)

    queue.confirm = killing_confirm  # type: ignore[method-assign]


async def _committed(uow_factory: UnitOfWorkFactory) -> set[int]:
    """The updates whose handling (or parking) the database has committed."""
    inbox = InboxRow.__table__
    async with uow_factory() as uow:
        rows = await uow.conn.execute(select(inbox.c.update_id).where(
            inbox.c.state.in_(("handled", "parked"))))
        return {int(update_id) for (update_id,) in rows}


def _answers(sandbox: SandboxServer, people: list[int]) -> Counter[int]:
    wanted = set(people)
    return Counter(e["chat_id"] for e in sandbox.state.transcript
                   if e["kind"] == "message" and e.get("from", {}).get("is_bot")
                   and e["chat_id"] in wanted and HELP in (e.get("text") or ""))


# Each database once, and each framework's way of holding back the next getUpdates once: the
# pairs where a naive task per update was seen to fail (SQLite's commit group keeps PTB's
# updates in order even then).
@pytest.mark.parametrize(("framework", "db_url"), [
    ("aiogram", "sqlite"), pytest.param("ptb", "postgres", marks=pytest.mark.postgres),
], indirect=True)
async def test_a_bot_killed_with_updates_in_flight_acknowledged_only_what_it_committed(
        database_url: str, framework: str, tmp_path: Path) -> None:
    sandbox = SandboxServer(bot_token=TOKEN)
    await sandbox.start()
    engine = create_engine(database_url)
    uow_factory = UnitOfWorkFactory(engine)
    log = tmp_path / "bot.log"
    try:
        async with SandboxControl(sandbox.base_url) as control:
            people = [await control.create_user(f"Person {n}", language="en")
                      for n in range(PEOPLE)]
            for _ in range(EACH):
                for person in people:
                    await control.post(person, person, "/help")
        queue = sandbox.state.primary_bot().updates
        sent = {u.update_id for u in queue.pending}
        assert len(sent) == PEOPLE * EACH

        async with _bot(sandbox.base_url, database_url, framework, log) as bot:
            _kill_at_the_first_acknowledgement(queue, bot)

            async def some_committed() -> bool:
                return bot.returncode is not None \
                    or len(await _committed(uow_factory)) >= KILL_AFTER

            assert await until(some_committed, WAIT), log.read_text()
            with contextlib.suppress(ProcessLookupError):
                bot.send_signal(signal.SIGKILL)
            assert await bot.wait() == -signal.SIGKILL, log.read_text()
        acknowledged = sent - {u.update_id for u in queue.pending}
        committed = await _committed(uow_factory)
        assert len(committed) < len(sent)  # killed with updates not yet handled
        assert acknowledged <= committed, (
            f"{len(acknowledged - committed)} updates acknowledged but not committed")

        async with _bot(sandbox.base_url, database_url, framework, log):
            async def everyone_answered() -> bool:
                answered = _answers(sandbox, people)
                return all(answered[person] >= EACH for person in people)

            assert await until(everyone_answered, WAIT, step=0.1), log.read_text()
        assert await _committed(uow_factory) == sent
    finally:
        await engine.dispose()
        await sandbox.stop()
