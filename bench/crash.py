"""Random SIGKILLs while a backlog of scheduled notes drains: lost and duplicated messages.

    python bench/crash.py --kills 10 --notes 300 [--db postgres]

The parent runs the sandbox (own process) and a database (SQLite, or a fresh PostgreSQL one
with `--db postgres`) holding `--notes` scheduled notes, all due now, each in its own order and
group, each text unique. A child process (`python bench/crash.py --child ...`) runs the whole
bot (`bot.runner.run`: the aiogram adapter, or PTB's with `--framework ptb`, polling the
sandbox, the scheduler posting the notes, the outbox sender delivering them), with the outbox
lease shortened to 3 s so that rows claimed at a kill are retried within the run.
The child appends to its own hand-off log `handed <order>` just before a note goes to the
transport and `sent <order>` once the transport returned. The parent waits for the child's
first `sent` (so every kill lands on a bot that is draining, not one still importing), waits a
random moment more, SIGKILLs it, and, the child being dead, reads which handed notes the
database does not record as sent: those were in flight at the kill. K kills later a last child
runs until no note is scheduled and no outbox row is open. Then the sandbox transcripts are
compared with the notes: lost = a note never posted, duplicates = posts beyond the first.
Telegram has no idempotency key, so a send in flight at a kill may be repeated: every duplicate
must be one of those (a note posted twice more than it was in flight is `duplicates_unexplained`).
If `--timeout` passes, the child is killed and the JSON line still comes, with an `error`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, TOKEN, database, emit, note, quiet, sandbox_process
from bench.common import settings as make_settings

LEASE_SECONDS = 3.0
MARK = "crash-bench note"
NOTE_TEXT = re.compile(re.escape(MARK) + r" (\d+)\.")


async def _setup(url: str, control: Any, notes: int) -> dict[int, tuple[str, int]]:
    """`notes` groups, each with an order (done) and a scheduled note due now:
    order -> (text, chat)."""
    from bench.scheduler import insert_items
    from bot.storage.db import create_engine
    from bot.storage.models import OrderRow, ReviewRequestRow

    members = [await control.create_user(f"Member {i}", "en") for i in range(2)]
    chats = [await control.create_chat("group", f"Order {i}", members) for i in range(notes)]
    orders = await insert_items(url, notes, datetime.now(UTC) - timedelta(seconds=1),
                                timedelta(milliseconds=1), own_orders=True, reminders=False)
    expected: dict[int, tuple[str, int]] = {}
    engine = create_engine(url)
    o, r = cast(Table, OrderRow.__table__), cast(Table, ReviewRequestRow.__table__)
    try:
        async with engine.begin() as conn:
            for order, chat in zip(orders, chats, strict=True):
                expected[order] = (f"{MARK} {order}.", chat)
                await conn.execute(o.update().where(o.c.id == order).values(chat_id=chat))
                await conn.execute(r.update().where(r.c.order_id == order)
                                   .values(note=expected[order][0]))
    finally:
        await engine.dispose()
    return expected


async def _transcripts(control: Any, expected: dict[int, tuple[str, int]]) -> Counter[int]:
    """How many times each order's note was posted."""
    seen: Counter[int] = Counter()
    for order, (_text, chat) in expected.items():
        for entry in await control.transcript(chat):
            if entry.get("kind") == "message" and entry["from"]["is_bot"]:
                found = NOTE_TEXT.search(entry.get("text") or "")
                if found and int(found.group(1)) == order:
                    seen[order] += 1
    return seen


def _handed(log: Path) -> set[int]:
    if not log.exists():
        return set()
    return {int(line.split()[1]) for line in log.read_text().splitlines()
            if line.startswith("handed ")}


async def _not_sent(url: str, orders: set[int]) -> set[int]:
    """Of `orders`, those whose note's outbox row is not recorded as sent."""
    from sqlalchemy import select

    from bot.storage.db import create_engine
    from bot.storage.models import OutboxRow

    if not orders:
        return set()
    o = OutboxRow.__table__
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(select(o.c.order_id, o.c.state, o.c.payload).where(
                o.c.order_id.in_(sorted(orders))))).all()
    finally:
        await engine.dispose()
    sent = {int(order) for order, state, payload in rows if state == "sent" and MARK in payload}
    return orders - sent


class Children:
    """The child processes, one at a time; the current one is killed on any way out."""

    def __init__(self, url: str, base_url: str, folder: Path, framework: str) -> None:
        self.url, self.base_url, self.folder = url, base_url, folder
        self.framework = framework
        self.current: asyncio.subprocess.Process | None = None
        self.spawned = 0

    async def spawn(self) -> tuple[asyncio.subprocess.Process, Path]:
        self.spawned += 1
        log = self.folder / f"child{self.spawned}.log"
        with open(self.folder / f"child{self.spawned}.err", "wb") as err:
            self.current = await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "bench" / "crash.py"), "--child", self.url,
                self.base_url, str(log), "--framework", self.framework, cwd=str(ROOT),
                stdout=asyncio.subprocess.DEVNULL, stderr=err)
        return self.current, log

    async def kill(self) -> None:
        child, self.current = self.current, None
        if child is not None and child.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signal.SIGKILL)
            await child.wait()


async def _first_sent(child: asyncio.subprocess.Process, log: Path) -> bool:
    """Wait until the child has delivered a note (True) or exited (False)."""
    while child.returncode is None:
        if log.exists() and "\nsent " in "\n" + log.read_text():
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(child.wait(), timeout=0.05)
    return False


async def _kill_loop(children: Children, args: argparse.Namespace,
                     in_flight: Counter[int], progress: dict[str, Any]) -> None:
    rng = random.Random(args.seed)
    for i in range(args.kills):
        child, log = await children.spawn()
        if not await _first_sent(child, log):
            note(f"child {i + 1} exited ({child.returncode}) before a kill: nothing left?")
            break
        await asyncio.sleep(rng.uniform(0.0, args.max_after))
        await children.kill()
        caught = await _not_sent(children.url, _handed(log))
        in_flight.update(caught)
        progress["kills"] += 1
        note(f"kill {i + 1}/{args.kills}: {len(caught)} notes in flight")
    child, _ = await children.spawn()
    progress["last_child_exit"] = await child.wait()
    children.current = None


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from bot.sandbox.control import SandboxControl

    progress: dict[str, Any] = {"kills": 0, "last_child_exit": None}
    in_flight: Counter[int] = Counter()
    error = None
    async with sandbox_process() as base_url, database(args.db) as url, \
            SandboxControl(base_url) as control:
        await control.register_bot(TOKEN)
        expected = await _setup(url, control, args.notes)
        began = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="orderbot_crash_") as folder:
            children = Children(url, base_url, Path(folder), args.framework)
            try:
                await asyncio.wait_for(_kill_loop(children, args, in_flight, progress),
                                       timeout=args.timeout)
            except TimeoutError:
                error = f"timed out after {args.timeout} s (the child was killed)"
            finally:
                await children.kill()
        seconds = time.perf_counter() - began
        seen = await _transcripts(control, expected)
    return _figures(args, progress, expected, seen, in_flight, seconds, error)


def _figures(args: argparse.Namespace, progress: dict[str, Any],
             expected: dict[int, tuple[str, int]], seen: Counter[int],
             in_flight: Counter[int], seconds: float, error: str | None) -> dict[str, Any]:
    extra = {order: seen[order] - 1 for order in expected if seen[order] > 1}
    unexplained = sum(max(0, count - in_flight[order]) for order, count in extra.items())
    figures = {"kills": progress["kills"], "lost": sum(1 for o in expected if seen[o] == 0),
               "duplicates": sum(extra.values()), "duplicates_unexplained": unexplained,
               "in_flight_at_kills": sum(in_flight.values()), "notes": args.notes,
               "kills_asked": args.kills, "db": args.db, "framework": args.framework,
               "seconds": round(seconds, 2),
               "last_child_exit": progress["last_child_exit"]}
    if error:
        figures["error"] = error
    return figures


# --- the child: the whole bot until the backlog is drained ---------------------------------

class HandOffLog:
    """The transport, writing `handed <order>` before a note goes out and `sent <order>` after
    (unbuffered appends: what the kernel has survives a SIGKILL)."""

    def __init__(self, inner: Any, path: str) -> None:
        self.inner = inner
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    async def perform(self, effect: Any) -> int | None:
        found = NOTE_TEXT.search(getattr(effect, "text", None) or "")
        if found:
            os.write(self.fd, f"handed {found.group(1)}\n".encode())
        result: int | None = await self.inner.perform(effect)
        if found:
            os.write(self.fd, f"sent {found.group(1)}\n".encode())
        return result


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


async def _drained_or_busy(url: str) -> bool:
    """`_drained`, False while the bot holds the database's write lock past the driver's
    busy timeout (the watcher asks again; a watcher that died would never stop the child)."""
    from sqlalchemy.exc import OperationalError

    try:
        return await _drained(url)
    except OperationalError as error:
        note(f"the drain check will ask again: {error.orig}")
        return False


def _logging_app(log: str) -> Any:
    """The app factory of `bot.runner.run`, its sender's transport wrapped in a HandOffLog."""
    from bot.app import build_app

    def factory(settings: Any, clock: Any) -> Any:
        app = build_app(settings, clock)
        start = app.start

        async def logged_start(transport: Any, *args: Any, **kwargs: Any) -> None:
            await start(HandOffLog(transport, log), *args, **kwargs)

        app.start = logged_start  # type: ignore[method-assign]
        return app

    return factory


async def child(url: str, base_url: str, log: str, framework: str) -> None:
    from bot.runner import run as run_bot

    settings = make_settings(url, base_url, framework, outbox_lease_seconds=LEASE_SECONDS)
    stop = asyncio.Event()

    async def watch() -> None:
        try:
            while not await _drained_or_busy(url):
                await asyncio.sleep(0.3)
            await asyncio.sleep(0.5)
        finally:
            stop.set()  # also when the check itself fails: the child exits, never hangs

    watcher = asyncio.create_task(watch())
    try:
        await run_bot(settings, stop=stop, app_factory=_logging_app(log))
    finally:
        watcher.cancel()
    if not watcher.cancelled():
        watcher.result()  # a failed check makes the child's exit status say so


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--max-after", type=float, default=1.5,
                        help="a kill lands up to this many seconds after the child's first send")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds for the kills and the last child together")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--framework", choices=["aiogram", "ptb"], default="aiogram")
    parser.add_argument("--child", nargs=3, metavar=("URL", "BASE_URL", "LOG"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="3 kills, 60 notes")
    args = parser.parse_args(argv)
    if args.quick:
        args.kills, args.notes, args.max_after = 3, 60, 0.6
        args.timeout = min(args.timeout, 60.0)
    return args


def main(argv: list[str] | None = None) -> None:
    quiet()
    args = parse(argv)
    if args.child:
        asyncio.run(child(*args.child, args.framework))
        return
    emit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
