"""Interactive updates through the real framework and the whole pipeline, vs a do-nothing handler.

    python bench/updates.py --framework aiogram --db sqlite --n 5000

Raw Telegram-shaped update dicts are fed to `adapter.process(payload, handle)` (the framework's
own parsing and dispatch, the path webhook and polling updates take) one at a time, in order,
as polling does (aiogram: handle_as_tasks=False; PTB: sequential updates). No long-poll round
trip is measured. The pipeline is `App.handle` (inbox, context, router, services, database,
outbox write, commit); the outbox sender is NOT running (delivery is `bench/delivery.py`), but
callback answers are performed at once through the framework's Bot against the sandbox (run in
its own process), as in production. The do-nothing baseline is the same adapter with `handle`
replaced by an async function returning [] — same parsing, no pipeline, hence no answer. Both
run over the same updates, chunk by chunk alternately, so machine noise hits both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import payloads
from bench.common import database, emit, median, note, percentile, quiet, sandbox_process
from bench.common import settings as make_settings


async def _noop(_event: Any) -> list[Any]:
    return []


async def _timed(adapter: Any, updates: list[dict[str, Any]], handle: Any,
                 latencies: list[float]) -> float:
    """Process `updates` one after the other; return the wall time, collect each latency."""
    clock = time.perf_counter
    start = clock()
    for update in updates:
        before = clock()
        await adapter.process(update, handle)
        latencies.append(clock() - before)
    return clock() - start


async def _rated_requests(app: Any, orders: range) -> list[tuple[int, int]]:
    from sqlalchemy import select

    from bot.storage.models import ReviewRequestRow

    table = ReviewRequestRow.__table__
    async with app.uow_factory() as uow:
        rows = (await uow.conn.execute(select(table.c.order_id, table.c.id).where(
            table.c.order_id.in_(list(orders)), table.c.state == "posted"))).all()
    return [(int(o), int(r)) for o, r in rows]


async def _prepare(app: Any, adapter: Any, orders: int) -> tuple[list[tuple[int, int]],
                                                                  list[int], payloads.Updates]:
    maker = payloads.Updates()
    half = orders // 2
    rated, working = range(1, half + 1), range(half + 1, orders + 1)
    for update in payloads.setup_updates(maker, orders) + \
            payloads.progress_updates(maker, rated, working):
        await adapter.process(update, app.handle)
    requests = await _rated_requests(app, rated)
    if len(requests) < len(rated):
        raise RuntimeError(f"setup: only {len(requests)} of {len(rated)} requests posted")
    return requests, list(working), maker


async def _measure(app: Any, adapter: Any, args: argparse.Namespace) -> dict[str, Any]:
    requests, working, maker = await _prepare(app, adapter, args.orders)
    note(f"setup done: {args.orders} orders, {len(requests)} review requests posted")
    await _timed(adapter, payloads.mixed_updates(maker, args.warmup, requests, working),
                 app.handle, [])
    mix = payloads.mixed_updates(maker, args.n, requests, working)
    chunk = max(50, args.n // 20)
    real: list[float] = []
    noop: list[float] = []
    real_s = noop_s = 0.0
    profiler = cProfile.Profile() if args.profile else None
    for start in range(0, len(mix), chunk):
        part = mix[start:start + chunk]
        noop_s += await _timed(adapter, part, _noop, noop)
        if profiler:
            profiler.enable()
        real_s += await _timed(adapter, part, app.handle, real)
        if profiler:
            profiler.disable()
    if profiler:
        profiler.dump_stats(args.profile)
    rate, noop_rate = len(mix) / real_s, len(mix) / noop_s
    return {"framework": args.framework, "db": args.db, "n": len(mix),
            "orders": args.orders, "updates_per_s": round(rate, 1),
            "p50_ms": round(percentile(real, 0.5) * 1000, 3),
            "p99_ms": round(percentile(real, 0.99) * 1000, 3),
            "mean_ms": round(real_s / len(mix) * 1000, 3),
            "noop_updates_per_s": round(noop_rate, 1),
            "noop_p50_ms": round(median(noop) * 1000, 3),
            "ratio": round(rate / noop_rate, 4)}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from bot.app import build_app
    from bot.runner import load_adapter

    async with sandbox_process() as base_url, database(args.db) as url:
        settings = make_settings(url, base_url, args.framework)
        app = build_app(settings)
        adapter = load_adapter(settings)
        try:
            app.pipeline.bot_username = await adapter.open()
            return await _measure(app, adapter, args)
        finally:
            await adapter.close()
            await app.uow_factory.engine.dispose()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", choices=["aiogram", "ptb"], default="aiogram")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--n", type=int, default=5000, help="measured updates")
    parser.add_argument("--orders", type=int, default=200, help="orders (groups) set up first")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--profile", help="write cProfile stats of the pipeline passes here")
    parser.add_argument("--quick", action="store_true", help="a run of a few seconds")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.orders, args.warmup = min(args.n, 600), min(args.orders, 40), 50
    return args


def main(argv: list[str] | None = None) -> None:
    quiet()
    emit(asyncio.run(run(parse(argv))))


if __name__ == "__main__":
    main()
