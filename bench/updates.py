"""Interactive updates through the real framework and the whole pipeline, vs a do-nothing handler.

    python bench/updates.py --framework aiogram --db sqlite --n 5000

Raw Telegram-shaped update dicts are fed to `adapter.process(payload, app)` (the framework's own
parsing and dispatch, the path webhook and polling updates take) one after the other, in order,
as the bot's real dispatch hands them over (aiogram polls with handle_as_tasks=False, PTB's
Application hands over one update at a time, the webhook worker takes one stored update after the
other); the pipeline then handles up to `--concurrency` of them at once, each chat's in order
(`bot.grouping`; default: the setting's default for the database, 1 on SQLite, where updates
are handled one at a time). They come in polling batches (`--batch`, 100:
what one getUpdates returns to a bot that is behind), and the app settles after each, as before a
getUpdates. No long-poll round trip is measured. The pipeline is `App.receive` (inbox, context,
router, services, database, outbox write; on SQLite the updates of a commit group share a
commit); callback answers are sent through the framework's Bot against the sandbox (run in its own
process) in the background once their update is committed, as in production, so their round trips
overlap the next updates and their client-side work falls inside the measured passes; and the
app's outbox sender runs in the same process during the measured passes, draining what they queue
through the same Bot (at Telegram's pace, so its claims and commits contend with the pipeline's
for the SQLite write lock, as they do in production). The scheduler is not started
(bench/scheduler.py measures it). The do-nothing baseline is the same adapter with the app
replaced by an async function returning [] (same parsing, no pipeline, hence no answer); the
sender is held during those passes, so the baseline is the framework alone. A third pass,
answer-only, answers each tap through the framework's Bot and does nothing else (no inbox, no
database): the most that any bot answering its taps can reach, as a share of the do-nothing
rate. All three run over the same updates, chunk by chunk, which goes first rotating, so
machine noise hits them alike. An update's latency runs from the start of its parsing to its
commit (when its callback answer is handed to the HTTP client).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import payloads
from bench.common import TOKEN, database, emit, median, note, percentile, quiet, sandbox_process
from bench.common import settings as make_settings
from bot.core.events import AnswerCallback, EventKind
from bot.frameworks.base import Immediate


async def _noop(_event: Any) -> list[Any]:
    return []


async def _answer_only(event: Any) -> list[Any]:
    """Nothing but the answer every tap needs: no inbox, no database, no outbox."""
    if event.kind == EventKind.CALLBACK and event.callback_id:
        return [AnswerCallback(event.callback_id)]
    return []


class Timed:
    """A receiver around another that records each update's latency: from `begun` (set just
    before the update is given to the adapter) to its reply (its commit)."""

    def __init__(self, inner: Any, latencies: list[float]) -> None:
        self.inner = inner
        self.latencies = latencies
        self.begun = 0.0

    async def receive(self, event: Any, reply: Any) -> None:
        begun, latencies = self.begun, self.latencies

        def timed(answers: Any) -> None:
            latencies.append(time.perf_counter() - begun)
            reply(answers)

        await self.inner.receive(event, timed)

    async def settle(self) -> None:
        await self.inner.settle()


async def _timed(adapter: Any, updates: list[dict[str, Any]], receiver: Any,
                 latencies: list[float], batch: int) -> float:
    """Process `updates` one after the other in polling batches, settling after each; return
    the wall time, collect each latency. The wall time includes the callback answers still in
    flight at the end (sent in the background), so that none of a pass's work is left to the
    next."""
    clock = time.perf_counter
    timed = Timed(receiver, latencies)
    start = clock()
    for first in range(0, len(updates), batch):
        for update in updates[first:first + batch]:
            timed.begun = clock()
            await adapter.process(update, timed)
        await timed.settle()
    await adapter.answers.drain()
    return clock() - start


class HeldTransport:
    """The sender's transport, which can be held: a held send waits (and costs nothing)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.open = asyncio.Event()
        self.open.set()

    async def perform(self, effect: Any) -> int | None:
        await self.open.wait()
        result: int | None = await self.inner.perform(effect)
        return result


async def _rated_requests(app: Any, orders: range) -> list[tuple[int, int]]:
    from sqlalchemy import select

    from bot.storage.models import ReviewRequestRow

    table = ReviewRequestRow.__table__
    async with app.uow_factory() as uow:
        rows = (await uow.conn.execute(select(table.c.order_id, table.c.id).where(
            table.c.order_id.in_(list(orders)), table.c.state == "posted"))).all()
    return [(int(o), int(r)) for o, r in rows]


async def _prepare(app: Any, adapter: Any, people: payloads.People, orders: int
                   ) -> tuple[list[tuple[int, int]], list[int], payloads.Updates]:
    maker = payloads.Updates(people)
    half = orders // 2
    rated, working = range(1, half + 1), range(half + 1, orders + 1)
    for update in payloads.setup_updates(maker, orders) + \
            payloads.progress_updates(maker, rated, working):
        await adapter.process(update, app)
        await app.settle()  # one after the other: order n gets id n, whatever the concurrency
    requests = await _rated_requests(app, rated)
    if len(requests) < len(rated):
        raise RuntimeError(f"setup: only {len(requests)} of {len(rated)} requests posted")
    return requests, list(working), maker


async def _outbox_counts(app: Any) -> dict[str, int]:
    from sqlalchemy import func, select

    from bot.storage.models import OutboxRow

    table = OutboxRow.__table__
    async with app.uow_factory() as uow:
        rows = await uow.conn.execute(select(table.c.state, func.count())
                                      .group_by(table.c.state))
        return {str(state): int(count) for state, count in rows}


async def _add_export_rows(app: Any, rows: int) -> None:
    """`rows` orders, each with a status change and an audit entry, in chats of their own (no
    measured update touches them): what a long-running bot's /export reads."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert

    from bot.storage.models import AuditRow, OrderRow, StatusChangeRow

    at = datetime(2027, 1, 1, tzinfo=UTC)
    async with app.uow_factory() as uow:
        first = int((await uow.conn.execute(insert(OrderRow.__table__).values(
            chat_id=-9_000_000_000, title="Export 0", pro_id=1, client_id=2, language="en",
            timezone="UTC", status="done", created_at=at, included_revisions=2)
            .returning(OrderRow.__table__.c.id))).scalar_one())
        await uow.conn.execute(insert(OrderRow.__table__), [
            {"chat_id": -9_000_000_000 - n, "title": f"Export {n}", "pro_id": 1,
             "client_id": 2, "language": "en", "timezone": "UTC", "status": "done",
             "created_at": at, "included_revisions": 2} for n in range(1, rows)])
        await uow.conn.execute(insert(StatusChangeRow.__table__), [
            {"order_id": first + n, "to_status": "done", "by_user_id": 1, "role": "pro",
             "at": at + timedelta(seconds=n)} for n in range(rows)])
        await uow.conn.execute(insert(AuditRow.__table__), [
            {"at": at + timedelta(seconds=n), "actor_id": 3, "action": "note",
             "order_id": first + n, "detail": f"note {n}"} for n in range(rows)])
        await uow.commit()


class ExportBeside:
    """One /export's service run beside the measured passes (in a unit of work of its own, as
    its update would), with a ticker measuring how late the loop runs a ready coroutine."""

    TICK_S = 0.001

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lags: list[float] = []
        self.task: asyncio.Task[None] | None = None
        self.marks: tuple[int, int] | None = None  # the real pass's latencies meanwhile
        self._last = time.perf_counter()

    def start(self, latencies: list[float]) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run(latencies))

    async def _run(self, latencies: list[float]) -> None:
        from datetime import UTC, datetime

        from bot.services.export import export_files

        begun = len(latencies)
        ticking = asyncio.get_running_loop().create_task(self._tick())
        await asyncio.sleep(0)  # the ticker's first tick is due
        try:
            async with self.app.uow_factory() as uow:
                await export_files(uow, datetime.now(UTC))
        finally:
            ticking.cancel()
        # the tick still due when the export ended (all of it, if the export held the loop)
        self.lags.append(max(0.0, time.perf_counter() - self._last - self.TICK_S))
        self.marks = (begun, len(latencies))

    async def _tick(self) -> None:
        clock = time.perf_counter
        while True:
            self._last = clock()
            await asyncio.sleep(self.TICK_S)
            self.lags.append(max(0.0, clock() - self._last - self.TICK_S))

    async def figures(self, latencies: list[float]) -> dict[str, float]:
        if self.task is not None:
            await self.task
        begun, ended = self.marks or (0, 0)
        # the update that was waiting when the export ended counts too
        during = latencies[begun:ended + 1]
        return {"p99_ms_during_export": round(percentile(during, 0.99) * 1000, 3),
                "updates_during_export": len(during),
                "loop_lag_p99_ms_during_export": round(percentile(self.lags, 0.99) * 1000, 3),
                "loop_lag_max_ms_during_export": round(max(self.lags, default=0.0) * 1000, 3)}


@dataclass
class Pass:
    """One kind of pass: its receiver, whether the sender runs meanwhile, what it measured."""

    receiver: Any
    sender_runs: bool
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    def rate(self, count: int) -> float:
        return count / self.seconds


async def _passes(app: Any, adapter: Any, held: HeldTransport, mix: list[dict[str, Any]],
                  args: argparse.Namespace, export: ExportBeside | None = None
                  ) -> dict[str, Pass]:
    """The real, do-nothing and answer-only passes over each chunk, which goes first
    rotating from chunk to chunk. `export`, if given, starts with the first real chunk."""
    chunk = max(50, args.n // 20)
    kinds = {"real": Pass(app, True), "noop": Pass(Immediate(_noop), False),
             "answer": Pass(Immediate(_answer_only), False)}
    order = list(kinds)
    profiler = cProfile.Profile() if args.profile else None
    for index, start in enumerate(range(0, len(mix), chunk)):
        part = mix[start:start + chunk]
        for name in order[index % 3:] + order[:index % 3]:
            measured = kinds[name]
            if not measured.sender_runs:
                held.open.clear()
            if profiler and name == "real":
                profiler.enable()
            if export is not None and export.task is None and name == "real":
                export.start(measured.latencies)
            try:
                measured.seconds += await _timed(adapter, part, measured.receiver,
                                                 measured.latencies, args.batch)
            finally:
                held.open.set()
                if profiler:
                    profiler.disable()
    if profiler:
        profiler.dump_stats(args.profile)
    return kinds


async def _measure(app: Any, adapter: Any, held: HeldTransport, people: payloads.People,
                   args: argparse.Namespace) -> dict[str, Any]:
    requests, working, maker = await _prepare(app, adapter, people, args.orders)
    note(f"setup done: {args.orders} orders, {len(requests)} review requests posted")
    await _timed(adapter, payloads.mixed_updates(maker, args.warmup, requests, working),
                 app, [], args.batch)
    mix = payloads.mixed_updates(maker, args.n, requests, working)
    export = None
    if args.export_rows:
        await _add_export_rows(app, args.export_rows)
        export = ExportBeside(app)
    sent_before = (await _outbox_counts(app)).get("sent", 0)
    kinds = await _passes(app, adapter, held, mix, args, export)
    outbox = await _outbox_counts(app)
    real, noop, answer = kinds["real"], kinds["noop"], kinds["answer"]
    count = len(mix)
    during = {} if export is None else {"export_rows": args.export_rows,
                                        **await export.figures(real.latencies)}
    return {"framework": args.framework, "db": args.db, "n": count,
            "orders": args.orders, "concurrency": app.pipeline.settings.updates_in_flight(),
            "updates_per_s": round(real.rate(count), 1),
            "p50_ms": round(percentile(real.latencies, 0.5) * 1000, 3),
            "p99_ms": round(percentile(real.latencies, 0.99) * 1000, 3),
            "mean_ms": round(real.seconds / count * 1000, 3),
            "noop_updates_per_s": round(noop.rate(count), 1),
            "noop_p50_ms": round(median(noop.latencies) * 1000, 3),
            "ratio": round(real.rate(count) / noop.rate(count), 4),
            "answer_only_updates_per_s": round(answer.rate(count), 1),
            "answer_only_ratio": round(answer.rate(count) / noop.rate(count), 4),
            "ratio_to_answer_only": round(real.rate(count) / answer.rate(count), 4),
            "outbox_sent_while_measured": outbox.get("sent", 0) - sent_before,
            "outbox_open_after": outbox.get("pending", 0) + outbox.get("sending", 0),
            **during}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from bot.app import build_app
    from bot.runner import load_adapter
    from bot.sandbox.control import SandboxControl

    async with sandbox_process() as base_url, database(args.db) as url, \
            SandboxControl(base_url) as control:
        await control.register_bot(TOKEN)
        people = await payloads.sandbox_people(control, args.orders)
        settings = make_settings(url, base_url, args.framework, concurrency=args.concurrency)
        app = build_app(settings)
        adapter = load_adapter(settings)
        try:
            username = await adapter.open()
            held = HeldTransport(adapter.transport)
            await app.start(held, username, run_scheduler=False,
                            bot_reads_all=adapter.reads_all)
            return await _measure(app, adapter, held, people, args)
        finally:
            await app.stop()
            await adapter.close()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", choices=["aiogram", "ptb"], default="aiogram")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--n", type=int, default=5000, help="measured updates")
    parser.add_argument("--orders", type=int, default=200, help="orders (groups) set up first")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--batch", type=int, default=100,
                        help="updates per polling batch (the app settles after each)")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="updates handled at once (ORDERBOT_CONCURRENCY; default: the "
                             "setting's default for the database)")
    parser.add_argument("--profile", help="write cProfile stats of the pipeline passes here")
    parser.add_argument("--export-rows", type=int, default=0,
                        help="orders (with a status change and an audit entry each) added "
                             "before the measured passes, one /export run beside them")
    parser.add_argument("--quick", action="store_true", help="a run of a few seconds")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.orders, args.warmup = min(args.n, 400), min(args.orders, 30), 40
    return args


def main(argv: list[str] | None = None) -> None:
    quiet()
    emit(asyncio.run(run(parse(argv))))


if __name__ == "__main__":
    main()
