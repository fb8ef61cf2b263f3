"""APScheduler 3's job-store traps (the 4th and 5th of tests/scheduler/test_traps.py's list),
defused in ours.

4. The SQLAlchemy job store is synchronous: its SQL runs on the event loop's thread and blocks
   every other coroutine meanwhile. Ours keeps no job in a database at all (memory job store),
   and its sweep over the tables is asynchronous: the bot keeps answering while it works.
5. A job store must not be shared by two schedulers (both would run the jobs). Ours: each
   process has its own memory job store, and only one scheduler per database is active.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from typing import Any

from bot.clock import FakeClock
from bot.domain.reviews import ReviewRequest
from scheduler import reconcile
from tests.scheduler.conftest import Db, MakeScheduler
from tests.scheduler.fakes import (
    T0,
    FakeRenderer,
    add_note,
    add_order,
    outbox,
    started_and_planned,
    texts,
)


async def test_trap4_ours_the_loop_keeps_running_during_a_sweep_of_many_rows(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    for i in range(120):
        await add_note(uow, order, T0 + timedelta(seconds=i))
    clock.set(T0 + timedelta(hours=1))
    ticks = 0
    seen: list[int] = []  # the ticks counted when each note was posted
    stop = asyncio.Event()

    async def another_coroutine() -> None:  # the bot answering updates meanwhile
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0)

    def posting(_request: ReviewRequest) -> None:
        seen.append(ticks)

    scheduler = make_scheduler(renderer=FakeRenderer(on_render=posting), scheduler_batch_size=25)
    ticker = asyncio.create_task(another_coroutine())
    try:
        assert await scheduler.run_due() == 120
    finally:
        stop.set()
        await ticker
    assert len(seen) == 120
    assert all(later > earlier for earlier, later in itertools.pairwise(seen))


async def test_trap5_ours_two_schedulers_on_one_database_post_each_note_once(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    notes = [await add_note(uow, order, T0 + timedelta(minutes=i)) for i in range(6)]
    clock.set(T0 + timedelta(hours=1))
    one, two = (make_scheduler(scheduler_sweep_seconds=3600),
                make_scheduler(scheduler_sweep_seconds=3600))
    sends: list[str] = []
    all_posted = asyncio.Event()

    def woken_by(name: str) -> Any:
        def woken() -> None:
            sends.append(name)
            if len(sends) >= len(notes):
                all_posted.set()
        return woken

    one.wake_sender, two.wake_sender = woken_by("one"), woken_by("two")
    await started_and_planned(one)
    await two.start()
    assert one.job_store is not two.job_store  # nothing shared but the tables
    assert (one.active, two.active) == (True, False)
    await asyncio.wait_for(all_posted.wait(), 10)
    two.poke()
    await two._on_wake()  # the standby's jobs do nothing
    assert await one.run_due() == 0
    assert await texts(uow) == [f"note {n.id} es" for n in notes]
    assert len(await outbox(uow)) == len(notes) and set(sends) == {"one"}
    assert {job.id for job in two.aps.get_jobs()} == {reconcile.LEADER_JOB}
