"""The check-in window as due work: the card is refreshed when the window opens (24 h after
the pro's last message), when it closes (just after 7 days) and when it ends early; once each,
whatever runs twice; and the wake-up is planned for those moments."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_EXECUTED

from bot.clock import FakeClock
from bot.domain.order import Role, Status
from scheduler import reconcile
from tests.scheduler.conftest import Db, MakeScheduler
from tests.scheduler.fakes import (
    T0,
    UowFactory,
    add_order,
    get_order,
    started_and_planned,
    texts,
)

SECOND, DAY, WEEK = timedelta(seconds=1), timedelta(days=1), timedelta(days=7)


async def _working(uow: UowFactory) -> int:
    order = await add_order(uow, pro_wrote_at=T0)
    async with uow() as work:
        loaded = await work.orders.get(order.id)
        assert loaded is not None
        loaded.change_status(Status.IN_PROGRESS, loaded.pro_id, Role.PRO, T0)
        await work.orders.save(loaded)
        await work.commit()
    return order.id


async def _update(uow: UowFactory, order_id: int, **values: object) -> None:
    async with uow() as work:
        order = await work.orders.get(order_id)
        assert order is not None
        for name, value in values.items():
            setattr(order, name, value)
        await work.orders.save(order)
        await work.commit()


async def test_the_card_is_refreshed_once_at_the_opening_and_once_at_the_close(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order_id = await _working(uow)
    first, second = make_scheduler(scheduler_batch_size=1), make_scheduler()
    clock.set(T0 + DAY - SECOND)
    assert await first.run_due() == 0
    clock.set(T0 + DAY)
    assert sum(await asyncio.gather(first.run_due(), second.run_due(), first.run_due())) == 1
    assert await texts(uow) == [f"card {order_id} check-in offered"]
    clock.set(T0 + WEEK)
    assert await first.run_due() == 0
    clock.set(T0 + WEEK + SECOND)
    assert sum(await asyncio.gather(first.run_due(), second.run_due())) == 1
    assert (await texts(uow))[-1] == f"card {order_id} no check-in"
    clock.set(T0 + 60 * DAY)
    assert await first.run_due() == 0
    order = await get_order(uow, order_id)
    assert (order.checkin_window_for, order.checkin_offered) == (T0, False)


async def test_a_window_missed_during_a_downtime_posts_nothing_and_is_not_due_again(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    await _working(uow)
    clock.set(T0 + 10 * DAY)
    scheduler = make_scheduler()
    assert await scheduler.run_due() == 0  # the window is over: nothing to offer
    assert await texts(uow) == []


async def test_the_window_ends_early_when_the_pro_writes_again_then_opens_anew(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order_id = await _working(uow)
    scheduler = make_scheduler()
    clock.set(T0 + 2 * DAY)
    assert await scheduler.run_due() == 1
    again = T0 + 2 * DAY + timedelta(hours=1)
    await _update(uow, order_id, last_pro_message_at=again)
    clock.set(again)
    assert await scheduler.run_due() == 1
    clock.set(again + DAY - SECOND)
    assert await scheduler.run_due() == 0
    clock.set(again + DAY)
    assert await scheduler.run_due() == 1
    assert await texts(uow) == [f"card {order_id} check-in offered",
                                f"card {order_id} no check-in",
                                f"card {order_id} check-in offered"]


async def test_an_order_out_of_work_records_the_window_without_a_card(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, pro_wrote_at=T0)  # not hired yet: the card has no button
    clock.set(T0 + DAY)
    assert await make_scheduler().run_due() == 1
    assert await texts(uow) == []
    stored = await get_order(uow, order.id)
    assert (stored.checkin_window_for, stored.checkin_offered) == (T0, True)


def _close_to(moment: datetime | None, expected: datetime) -> bool:
    return moment is not None and abs(moment - expected) < timedelta(seconds=30)


async def test_the_wake_up_is_planned_for_the_opening_then_for_the_close(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order_id = await _working(uow)
    clock.set(T0 + timedelta(hours=20))
    scheduler = make_scheduler(scheduler_sweep_seconds=3600)
    await started_and_planned(scheduler)
    wake = scheduler.aps.get_job(reconcile.WAKE_JOB)
    assert wake is not None
    assert _close_to(wake.next_run_time, datetime.now(UTC) + timedelta(hours=4))
    clock.set(T0 + DAY)
    planned = asyncio.Event()
    scheduler.aps.add_listener(
        lambda e: planned.set() if e.job_id == reconcile.WAKE_JOB else None, EVENT_JOB_EXECUTED)
    scheduler.poke()
    await asyncio.wait_for(planned.wait(), 10)
    assert await texts(uow) == [f"card {order_id} check-in offered"]
    wake = scheduler.aps.get_job(reconcile.WAKE_JOB)
    assert wake is not None
    assert _close_to(wake.next_run_time, datetime.now(UTC) + 6 * DAY)
