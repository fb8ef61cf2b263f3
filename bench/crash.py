"""Random SIGKILLs while a backlog of scheduled notes drains: lost and duplicated messages.

    python bench/crash.py --kills 10 --notes 300

The parent runs the sandbox (own process) and a SQLite database holding `--notes` scheduled
notes, all due now, each in its own order and group, each text unique. A child process
(`python bench/crash.py --child ...`) runs the whole bot (`bot.runner.run`: the aiogram adapter
polling the sandbox, the scheduler posting the notes, the outbox sender delivering them). The
parent SIGKILLs it at a random moment K times, restarting it each time, then lets a last child
finish (it exits when no note is scheduled and no outbox row is open). Then the sandbox
transcripts are compared with the notes: lost = a note never posted, duplicates = posted more
than once. A duplicate is allowed only for a send in flight at a kill (at most
`outbox_concurrency` per kill). The outbox lease is shortened to 3 s (a setting the sender
reads) so that rows claimed at a kill are retried within the run.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, TOKEN, database, emit, note, quiet, sandbox_process
from bench.common import settings as make_settings

LEASE_SECONDS = 3.0
MARK = "crash-bench note"


async def _setup(url: str, control: Any, notes: int) -> dict[str, int]:
    """`notes` groups, each with an order (done) and a scheduled note due now: text -> chat."""
    from bench.scheduler import insert_items
    from bot.storage.db import create_engine
    from bot.storage.models import OrderRow, ReviewRequestRow

    members = [await control.create_user(f"Member {i}", "en") for i in range(2)]
    chats = [await control.create_chat("group", f"Order {i}", members) for i in range(notes)]
    orders = await insert_items(url, notes, datetime.now(UTC) - timedelta(seconds=1),
                                timedelta(milliseconds=1), own_orders=True, reminders=False)
    expected: dict[str, int] = {}
    engine = create_engine(url)
    o, r = OrderRow.__table__, ReviewRequestRow.__table__
    try:
        async with engine.begin() as conn:
            for order, chat in zip(orders, chats, strict=True):
                text = f"{MARK} {order}."
                expected[text] = chat
                await conn.execute(o.update().where(o.c.id == order).values(chat_id=chat))
                await conn.execute(r.update().where(r.c.order_id == order).values(note=text))
    finally:
        await engine.dispose()
    return expected


async def _transcripts(control: Any, expected: dict[str, int]) -> Counter[str]:
    seen: Counter[str] = Counter()
    for chat in sorted(set(expected.values())):
        for entry in await control.transcript(chat):
            if entry.get("kind") == "message" and entry["from"]["is_bot"]:
                for text in expected:
                    if expected[text] == chat and text in (entry.get("text") or ""):
                        seen[text] += 1
    return seen


async def _spawn(url: str, base_url: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "crash.py"), "--child", url, base_url,
        cwd=str(ROOT), stdout=asyncio.subprocess.DEVNULL)


async def _kill_loop(url: str, base_url: str, args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    for i in range(args.kills):
        child = await _spawn(url, base_url)
        await asyncio.sleep(rng.uniform(args.min_life, args.max_life))
        if child.returncode is None:
            child.send_signal(signal.SIGKILL)
        await child.wait()
        note(f"kill {i + 1}/{args.kills}: exit {child.returncode}")
    child = await _spawn(url, base_url)
    return await asyncio.wait_for(child.wait(), timeout=args.finish_timeout)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from bot.sandbox.control import SandboxControl

    async with sandbox_process() as base_url, database("sqlite") as url, \
            SandboxControl(base_url) as control:
        await control.register_bot(TOKEN)
        expected = await _setup(url, control, args.notes)
        began = time.perf_counter()
        code = await _kill_loop(url, base_url, args)
        seconds = time.perf_counter() - began
        seen = await _transcripts(control, expected)
    lost = sum(1 for text in expected if seen[text] == 0)
    duplicates = sum(seen[text] - 1 for text in expected if seen[text] > 1)
    return {"kills": args.kills, "lost": lost, "duplicates": duplicates, "notes": args.notes,
            "seconds": round(seconds, 2), "last_child_exit": code,
            "duplicates_allowed_at_most": args.kills * 8}


# --- the child: the whole bot until the backlog is drained ---------------------------------

async def _drained(url: str) -> bool:
    from sqlalchemy import func, select

    from bot.storage.db import create_engine
    from bot.storage.models import OutboxRow, ReviewRequestRow

    o, r = OutboxRow.__table__, ReviewRequestRow.__table__
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            scheduled = (await conn.execute(select(func.count()).where(
                r.c.state == "scheduled"))).scalar()
            open_rows = (await conn.execute(select(func.count()).where(
                o.c.state.in_(["pending", "sending"])))).scalar()
    finally:
        await engine.dispose()
    return scheduled == 0 and open_rows == 0


async def child(url: str, base_url: str) -> None:
    from bot.config import Settings
    from bot.runner import run as run_bot

    class BenchSettings(Settings):
        outbox_lease_seconds: float = LEASE_SECONDS

    base = make_settings(url, base_url, "aiogram")
    settings = BenchSettings(**base.model_dump())
    stop = asyncio.Event()

    async def watch() -> None:
        while not await _drained(url):
            await asyncio.sleep(0.3)
        await asyncio.sleep(0.5)
        stop.set()

    watcher = asyncio.create_task(watch())
    try:
        await run_bot(settings, stop=stop)
    finally:
        watcher.cancel()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--min-life", type=float, default=0.8, help="seconds before a kill")
    parser.add_argument("--max-life", type=float, default=3.0)
    parser.add_argument("--finish-timeout", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--child", nargs=2, metavar=("URL", "BASE_URL"), help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="3 kills, 60 notes")
    args = parser.parse_args(argv)
    if args.quick:
        args.kills, args.notes, args.max_life, args.finish_timeout = 3, 60, 2.0, 20.0
    return args


def main(argv: list[str] | None = None) -> None:
    quiet()
    args = parse(argv)
    if args.child:
        asyncio.run(child(*args.child))
        return
    emit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
