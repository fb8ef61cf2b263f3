"""The review scheduler with N pending notes and reminders: start-up, memory, lateness, catch-up.

    python bench/scheduler.py --pending 1000000

1. The database gets `--pending` items (half scheduled notes, half posted requests waiting for
   a reminder), all due in the future, bulk-inserted with SQLAlchemy Core executemany.
2. A child process (so that its peak RSS is the scheduler's, not the bulk insert's) builds the
   app (`bot.app.build_app`, SystemClock: the rows' due times are set from real time) and times
   `ReviewScheduler.start()` until its first wake-up job (the sweep, then the next wake-up set
   from the tables) has returned.
3. Lateness: `--due` notes falling due over `--window` real seconds are committed, the scheduler
   is poked (as the pipeline does after a commit), and the real APScheduler wake-ups post them;
   lateness = the outbox row's created_at minus the request's due_at.
4. Catch-up: the scheduler is stopped, `--overdue` notes due in the past are committed (a
   downtime), and `run_due()` posts them all; catchup_s is its wall time.
Peak RSS is `resource.getrusage(RUSAGE_SELF).ru_maxrss` of the child at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, database, emit, note, percentile, quiet
from bench.common import settings as make_settings

CHUNK = 20_000


def _order(i: int, now: datetime) -> dict[str, Any]:
    from bot.domain.order import Status

    return {"chat_id": -5_000_000 - i, "thread_id": None, "title": f"Order {i}",
            "pro_id": 300_000 + i, "client_id": 400_000 + i, "pro_name": f"Pro {i}",
            "client_name": f"Client {i}", "language": "en", "timezone": "Europe/Madrid",
            "status": Status.DONE, "created_at": now - timedelta(days=3),
            "included_revisions": 2, "revisions_used": 0, "done_at": now - timedelta(hours=1),
            "hire_confirmed_at": now - timedelta(days=2), "chat_active": True,
            "can_read_all": False, "version": 0}


def _request(order_id: int, due: datetime, reminder: bool, now: datetime) -> dict[str, Any]:
    from bot.domain.reviews import RequestMode, RequestState

    return {"order_id": order_id, "mode": RequestMode.ON_DATE,
            "state": RequestState.POSTED if reminder else RequestState.SCHEDULED,
            "created_by": 1, "created_at": now - timedelta(hours=1),
            "note": "Thank you for your order!", "due_at": None if reminder else due,
            "posted_at": now - timedelta(minutes=30) if reminder else None,
            "reminders_sent": 0, "next_reminder_at": due if reminder else None,
            "frozen_at": None, "version": 0}


async def _insert_orders(conn: Any, count: int, now: datetime) -> list[int]:
    from sqlalchemy import func, select

    from bot.storage.models import OrderRow

    table = OrderRow.__table__
    first = int((await conn.execute(select(func.coalesce(func.max(table.c.id), 0)))).scalar())
    rows = [_order(first + i + 1, now) for i in range(count)]
    for start in range(0, count, CHUNK):
        await conn.execute(table.insert(), rows[start:start + CHUNK])
    ids = await conn.execute(select(table.c.id).where(table.c.id > first).order_by(table.c.id))
    return [int(i) for i in ids.scalars()]


async def insert_items(url: str, count: int, first_due: datetime, spacing: timedelta,
                       own_orders: bool, reminders: bool = True) -> list[int]:
    """`count` open requests due from `first_due` every `spacing` (alternately notes and
    reminders when `reminders`); each with its own order when `own_orders`, else sharing a
    thousand. Returns the order ids used."""
    from bot.storage.db import create_engine
    from bot.storage.models import ReviewRequestRow

    engine = create_engine(url)
    now = datetime.now(UTC)
    table = ReviewRequestRow.__table__
    try:
        async with engine.begin() as conn:
            orders = await _insert_orders(conn, count if own_orders else min(count, 1000), now)
            for start in range(0, count, CHUNK):
                rows = [_request(orders[i % len(orders)], first_due + spacing * i,
                                 reminders and i % 2 == 1, now)
                        for i in range(start, min(count, start + CHUNK))]
                await conn.execute(table.insert(), rows)
    finally:
        await engine.dispose()
    return orders


async def _lateness(url: str, order_ids: list[int], until: datetime | None = None
                    ) -> list[float]:
    """Post time minus due time; an item not posted counts `until - due` (a lower bound)."""
    from sqlalchemy import select

    from bot.storage.db import create_engine
    from bot.storage.models import OutboxRow, ReviewRequestRow

    o, r = OutboxRow.__table__, ReviewRequestRow.__table__
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            posted = {int(k): v for k, v in (await conn.execute(
                select(o.c.order_id, o.c.created_at).where(o.c.order_id.in_(order_ids))))}
            due = {int(k): v for k, v in (await conn.execute(
                select(r.c.order_id, r.c.due_at).where(r.c.order_id.in_(order_ids))))}
    finally:
        await engine.dispose()
    late = [(posted[k] - due[k]).total_seconds() for k in order_ids if k in posted]
    if until is not None:
        late += [(until - due[k]).total_seconds() for k in order_ids if k not in posted]
    return late


async def _posted_count(url: str, order_ids: list[int]) -> int:
    return len(await _lateness(url, order_ids))


async def _start(app: Any) -> float:
    """Time `start()` until the first wake-up job (the sweep, then the next wake-up set from
    the tables) has returned."""
    from apscheduler.events import EVENT_JOB_EXECUTED

    from scheduler import reconcile

    scheduler = app.scheduler
    planned = asyncio.Event()
    scheduler.aps.add_listener(
        lambda event: planned.set() if event.job_id == reconcile.WAKE_JOB else None,
        EVENT_JOB_EXECUTED)
    began = time.perf_counter()
    await scheduler.start()
    await asyncio.wait_for(planned.wait(), timeout=600)
    return time.perf_counter() - began


async def _wait_posted(url: str, orders: list[int], deadline: float) -> None:
    while time.perf_counter() < deadline and await _posted_count(url, orders) < len(orders):
        await asyncio.sleep(0.5)


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    from bot.app import build_app

    app = build_app(make_settings(args.url, "http://127.0.0.1:9"))
    try:
        startup = await _start(app)
        note(f"started in {startup:.2f} s")
        first = datetime.now(UTC) + timedelta(seconds=2)
        spacing = timedelta(seconds=args.window / max(1, args.due))
        orders = await insert_items(args.url, args.due, first, spacing, own_orders=True,
                                    reminders=False)
        app.scheduler.poke()
        await _wait_posted(args.url, orders, time.perf_counter() + args.window + args.grace)
        late = await _lateness(args.url, orders, datetime.now(UTC))
        posted_due = await _posted_count(args.url, orders)
        await app.scheduler.stop()
        overdue = await insert_items(args.url, args.overdue,
                                     datetime.now(UTC) - timedelta(hours=2),
                                     timedelta(seconds=1), own_orders=True, reminders=False)
        began = time.perf_counter()
        done = await app.scheduler.run_due()
        catchup = time.perf_counter() - began
        caught = await _posted_count(args.url, overdue)
    finally:
        await app.stop()
    return {"pending": args.pending, "startup_s": round(startup, 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "lateness_p50_s": round(percentile(late, 0.5), 3),
            "lateness_p99_s": round(percentile(late, 0.99), 3),
            "catchup_s": round(catchup, 3), "due": args.due, "posted_due": posted_due,
            "overdue": args.overdue, "caught_up": caught, "run_due_done": done,
            "catchup_per_s": round(args.overdue / catchup, 1) if catchup else 0.0}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    async with database(args.db) as url:
        began = time.perf_counter()
        await insert_items(url, args.pending, datetime.now(UTC) + timedelta(days=1),
                           timedelta(seconds=1), own_orders=False)
        note(f"{args.pending} pending items inserted in {time.perf_counter() - began:.1f} s")
        child = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "bench" / "scheduler.py"), "--measure", url,
            "--pending", str(args.pending), "--due", str(args.due),
            "--window", str(args.window), "--overdue", str(args.overdue),
            "--grace", str(args.grace),
            cwd=str(ROOT), stdout=asyncio.subprocess.PIPE)
        out, _ = await child.communicate()
        lines = out.decode().strip().splitlines()
        if child.returncode != 0 or not lines:
            raise RuntimeError(f"the measuring child failed ({child.returncode})")
        result: dict[str, Any] = json.loads(lines[-1])
        result["db"] = args.db
        return result


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=300, help="items falling due while measured")
    parser.add_argument("--window", type=float, default=10.0, help="seconds they fall due over")
    parser.add_argument("--overdue", type=int, default=1000, help="items for the catch-up")
    parser.add_argument("--grace", type=float, default=20.0,
                        help="seconds after the window to wait for late items")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="20,000 pending, short windows")
    args = parser.parse_args(argv)
    if args.quick:
        args.pending, args.due, args.window, args.overdue = 20_000, 100, 4.0, 200
        args.grace = min(args.grace, 6.0)
    args.url = args.measure
    return args


def main(argv: list[str] | None = None) -> None:
    quiet()
    args = parse(argv)
    emit(asyncio.run(measure(args) if args.measure else run(args)))


if __name__ == "__main__":
    main()
