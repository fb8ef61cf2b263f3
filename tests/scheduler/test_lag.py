"""The scheduler-lag gauge: how late the last due item was done, as /metrics shows it."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from bot.domain.policy import Policy
from bot.metrics import Metrics
from tests.scheduler.conftest import Db, MakeScheduler
from tests.scheduler.fakes import T0, add_note, add_order, add_posted, texts

GAUGE = "orderbot_scheduler_lag_seconds"


def _lag(metrics: Metrics) -> float:
    for line in metrics.render().decode().splitlines():
        if line.startswith(GAUGE + " "):
            return float(line.split()[1])
    raise AssertionError(f"{GAUGE} is not exposed")


async def test_the_lag_is_how_late_the_last_due_item_was_done(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    await add_note(uow, order, T0 + timedelta(hours=1))
    await add_note(uow, order, T0 + timedelta(hours=2, minutes=30))
    metrics = Metrics()
    scheduler = make_scheduler()
    scheduler.metrics = metrics
    assert _lag(metrics) == 0.0
    clock.set(T0 + timedelta(hours=3))  # after a downtime: the later note is 30 min late
    assert await scheduler.run_due() == 2
    assert _lag(metrics) == 30 * 60

    request = await add_posted(uow, order, T0 + timedelta(hours=4), Policy())
    clock.set(T0 + timedelta(hours=28))  # its first reminder, exactly on time
    assert await scheduler.run_due() == 3  # and the two notes' (due at 27 h: 1 h late)
    assert (await texts(uow))[-1] == f"reminder {request.id} #1"
    assert _lag(metrics) == 0.0


async def test_a_sweep_that_does_nothing_leaves_the_last_lag(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    await add_note(uow, order, T0 + timedelta(hours=1))
    metrics = Metrics()
    scheduler = make_scheduler()
    scheduler.metrics = metrics
    clock.set(T0 + timedelta(hours=1, seconds=12))
    assert await scheduler.run_due() == 1
    clock.set(T0 + timedelta(hours=5))
    assert await scheduler.run_due() == 0
    assert _lag(metrics) == 12.0
