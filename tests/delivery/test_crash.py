"""SIGKILL while a backlog drains: nothing is lost, and a duplicate is only ever a row that
was in flight (claimed, not yet recorded) at a kill.

The parent runs the sandbox and queues ~100 messages to several chats; a child process
(tests/delivery/crash_child.py) drains them through PTB; the parent kills it at random
moments (after a random number of messages arrived), restarts it, and finally lets it finish.
"""

from __future__ import annotations

import asyncio
import functools
import random
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import SystemClock
from bot.core.events import SendMessage
from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from bot.storage.db import create_engine
from bot.storage.models import OutboxRow
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.crash_child import CONCURRENCY, TOKEN

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CHATS = 5
PER_CHAT = 20
KILLS = 3
WAIT = 60.0  # generous: a loaded machine starts a child slowly, and the wait ends when met


async def _child(base_url: str, database_url: str) -> asyncio.subprocess.Process:
    """A child that has started importing; it drains once `_go` is called."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.delivery.crash_child", base_url, database_url, cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)


def _go(process: asyncio.subprocess.Process) -> asyncio.subprocess.Process:
    assert process.stdin is not None
    process.stdin.write(b"go\n")
    return process


async def _kill(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)
    assert await asyncio.wait_for(process.wait(), 10) == -signal.SIGKILL


def _arrived(sandbox: SandboxServer) -> int:
    return sum(1 for e in sandbox.state.transcript if e["kind"] == "message"
               and e["from"]["is_bot"])


def _reached(sandbox: SandboxServer, count: int) -> bool:
    return _arrived(sandbox) >= count


async def _outbox(uow_factory: UnitOfWorkFactory) -> list[tuple[int, str, str]]:
    table = OutboxRow.__table__
    async with uow_factory() as uow:
        result = await uow.conn.execute(
            select(table.c.id, table.c.state, table.c.payload).order_by(table.c.id))
        return [(int(i), str(s), str(p)) for i, s, p in result.all()]


async def _queue(uow_factory: UnitOfWorkFactory, chats: list[int]) -> None:
    now = SystemClock().now()
    async with uow_factory() as uow:
        for n in range(PER_CHAT):
            for chat in chats:
                await uow.outbox.add(SendMessage(chat, f"{chat}:{n}"), now)
        await uow.commit()


# On SQLite; PostgreSQL's run is bench/crash.py's test (tests/benchmarks), the same kills and
# the same checks through the benchmark's driver.
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_sigkill_while_draining_loses_nothing(db_url: str) -> None:
    rng = random.Random()
    seed = rng.randrange(1_000_000)
    rng.seed(seed)
    total = CHATS * PER_CHAT
    moments = sorted(rng.sample(range(3, total - 10), KILLS))
    engine = create_engine(db_url)
    uow_factory = UnitOfWorkFactory(engine)
    in_flight: set[str] = set()
    children: list[asyncio.subprocess.Process] = []
    try:
        async with SandboxServer(bot_token=TOKEN) as sandbox, \
                SandboxControl(sandbox.base_url) as control:
            owner = await control.create_user("Owner", "en")
            groups = [await control.create_chat("group", f"G{n}", [owner]) for n in range(3)]
            people = [await control.create_user(f"P{n}", "en") for n in range(CHATS - 3)]
            chats = groups + people
            await _queue(uow_factory, chats)
            ready = await _child(sandbox.base_url, db_url)
            children.append(ready)
            for moment in moments:
                child, ready = _go(ready), await _child(sandbox.base_url, db_url)
                children.append(ready)
                reached = await sandbox.state.changed.wait_until(
                    functools.partial(_reached, sandbox, moment), WAIT)
                await _kill(child)
                assert reached, f"seed {seed}: the child never delivered {moment} messages"
                in_flight |= {p for _, s, p in await _outbox(uow_factory) if s == "sending"}
            child = _go(ready)
            assert child.stdout is not None
            assert await asyncio.wait_for(child.stdout.read(), WAIT * 2) == b"done\n"
            assert await child.wait() == 0
            seen: Counter[str] = Counter()
            for chat in chats:
                for entry in await control.transcript(chat):
                    if entry["kind"] == "message" and entry["from"]["is_bot"]:
                        seen[entry["text"]] += 1
        outbox = await _outbox(uow_factory)
    finally:
        for process in children:  # a child left waiting when an assertion failed
            if process.returncode is None:
                process.kill()
                await process.wait()
        await engine.dispose()
    assert len(outbox) == total
    assert {s for _, s, _ in outbox} == {"sent"}, f"seed {seed}"
    texts = {f"{chat}:{n}" for chat in chats for n in range(PER_CHAT)}
    assert set(seen) == texts, f"seed {seed}: lost {texts - set(seen)}"
    doubled = {text for text, count in seen.items() if count > 1}
    assert max(seen.values()) <= 1 + KILLS
    assert doubled <= {_text_of(p) for p in in_flight}, f"seed {seed}: doubled {doubled}"
    assert sum(seen.values()) - total <= KILLS * CONCURRENCY


def _text_of(payload: str) -> str:
    import json

    return str(json.loads(payload)["text"])
