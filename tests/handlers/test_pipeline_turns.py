"""On SQLite nothing in an update suspends (the statements run on the loop's thread), so the
pipeline yields once per update: the outbox sender, the scheduler and the last update's
callback answer get their turn between two updates of a polled batch."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.bench import make_bench


async def test_other_tasks_run_between_two_updates(tmp_path: Path) -> None:
    bench = await make_bench(tmp_path)
    ana = bench.person(7, "Ana")
    turns: list[int] = []

    async def other_task() -> None:
        while True:
            turns.append(len(turns))
            await asyncio.sleep(0)

    task = asyncio.create_task(other_task())
    try:
        await asyncio.sleep(0)
        before = len(turns)
        for _ in range(3):
            await bench.pipeline.handle(bench.command(7, ana, "/help"))
        assert len(turns) - before >= 3
    finally:
        task.cancel()
        await bench.uow_factory.engine.dispose()
