"""Disputes freeze reminders and notes; resuming continues; the refund wait tells moderators."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from bot.domain.order import NotGoingAheadReason, Role, Status
from bot.domain.policy import Policy
from bot.domain.reviews import RequestState
from tests.scheduler.conftest import MODERATORS, Db, MakeScheduler
from tests.scheduler.fakes import (
    PRO,
    T0,
    UowFactory,
    add_note,
    add_order,
    add_posted,
    dispute,
    get_order,
    get_request,
    outbox,
    texts,
)

POLICY = Policy()


async def _end_dispute(uow_factory: UowFactory, order_id: int | None, request_id: int | None,
                       clock: FakeClock) -> None:
    """What the moderation service does when the dispute ends with the order done."""
    async with uow_factory() as uow:
        order = await uow.orders.get(order_id or 0)
        request = await uow.requests.get(request_id or 0)
        assert order is not None and request is not None
        order.close_dispute(Status.DONE, 9, Role.MODERATOR, clock.now())
        request.resume(clock.now())
        await uow.orders.save(order)
        await uow.requests.save(request)
        await uow.commit()


async def test_a_dispute_stops_reminders_and_resuming_continues_from_then(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    request = await add_posted(uow, order, T0, POLICY)
    scheduler = make_scheduler()
    clock.set(T0 + timedelta(hours=10))
    await dispute(uow, order.id, clock.now())
    clock.set(T0 + timedelta(hours=30))  # the 24 h reminder falls due during the dispute
    assert await scheduler.run_due() == 1  # it freezes the request instead
    assert await outbox(uow) == []
    frozen = await get_request(uow, request.id)
    assert frozen.frozen_at == clock.now()
    clock.set(T0 + timedelta(days=20))
    assert await scheduler.run_due() == 0
    assert await outbox(uow) == []

    resumed_at = T0 + timedelta(days=20)
    await _end_dispute(uow, order.id, request.id, clock)
    expected = resumed_at + timedelta(hours=24) - timedelta(hours=30)  # 6 h were left to wait
    assert (await get_request(uow, request.id)).next_reminder_at == expected
    clock.set(expected - timedelta(seconds=1))
    assert await scheduler.run_due() == 0
    clock.set(expected)
    assert await scheduler.run_due() == 1
    assert await texts(uow) == [f"reminder {request.id} #1"]


async def test_a_frozen_note_is_not_posted_until_the_dispute_ends(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    note = await add_note(uow, order, T0 + timedelta(days=2))
    await dispute(uow, order.id, T0 + timedelta(days=1))
    scheduler = make_scheduler()
    clock.set(T0 + timedelta(days=3))
    assert await scheduler.run_due() == 1  # frozen, not posted
    assert await outbox(uow) == []
    assert (await get_request(uow, note.id)).state == RequestState.SCHEDULED
    clock.set(T0 + timedelta(days=6))
    await _end_dispute(uow, order.id, note.id, clock)
    assert await scheduler.run_due() == 1
    assert await texts(uow) == [f"note {note.id} es"]
    assert (await get_request(uow, note.id)).posted_at == clock.now()


async def test_a_cancelled_order_gets_no_reminder(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    request = await add_posted(uow, order, T0, POLICY)
    async with uow() as work:
        loaded = await work.orders.get(order.id)
        assert loaded is not None
        loaded.cancel(9, Role.MODERATOR, T0 + timedelta(hours=1), "fraud")
        await work.orders.save(loaded)
        await work.commit()
    clock.set(T0 + timedelta(days=30))
    assert await make_scheduler().run_due() == 1
    assert await outbox(uow) == []
    assert (await get_request(uow, request.id)).frozen_at is not None


async def test_the_refund_wait_expiring_marks_the_order_and_tells_moderators_once(
        db: Db, clock: FakeClock, make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow)
    async with uow() as work:
        loaded = await work.orders.get(order.id)
        assert loaded is not None
        loaded.change_status(Status.NOT_GOING_AHEAD, PRO, Role.PRO, T0,
                             NotGoingAheadReason.NO_ANSWER)
        await work.orders.save(loaded)
        await work.moderators.add(7003, 7001, T0)
        await work.people.seen(7003, "Rania", "ar", T0)
        await work.commit()
    first, second = make_scheduler(), make_scheduler()
    clock.set(T0 + timedelta(hours=48) - timedelta(seconds=1))
    assert await first.run_due() == 0
    clock.set(T0 + timedelta(hours=48))
    assert sum([await first.run_due(), await second.run_due()]) == 1
    assert (await get_order(uow, order.id)).refund_eligible_at == clock.now()
    sent = await outbox(uow)
    assert [(s.chat_id, s.text) for s in sent] == [(order.chat_id, f"refund {order.id}")] + [
        (m, f"refund {order.id} mod {m} {'ar' if m == 7003 else 'es'}")
        for m in (*MODERATORS, 7003)]
    clock.set(T0 + timedelta(days=10))
    assert await first.run_due() == 0
    assert len(await outbox(uow)) == 4
