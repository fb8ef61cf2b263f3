"""Storage hands the events an aggregate recorded to the unit of work when it saves it;
publishing them queues the hook's events and says whether the scheduler must look again."""

from __future__ import annotations

from bot.domain.events import RefundBecameEligible, StatusChanged
from bot.domain.order import NotGoingAheadReason, Role, Status
from bot.services.published import publish
from bot.storage.uow import UnitOfWorkFactory
from tests.unit.test_order import NOW, PRO, make_order


async def test_saving_hands_the_events_to_the_unit_of_work_and_publishing_takes_them(
        factory: UnitOfWorkFactory) -> None:
    order = make_order(Status.IN_PROGRESS)
    order.id = 0
    async with factory() as uow:
        await uow.orders.add(order)
        order.change_status(Status.NOT_GOING_AHEAD, PRO, Role.PRO, NOW,
                            NotGoingAheadReason.NO_ANSWER.value)
        order.become_refund_eligible(NOW)
        await uow.orders.save(order)
        assert [type(e) for e in uow.events] == [StatusChanged, RefundBecameEligible]
        published = await publish(uow, hooked=True)
        assert published.schedule_moved and published.hook_events
        assert uow.events == []
        assert (await uow.hooks.counts())["pending"] == 1
        await uow.commit()
    async with factory() as uow:
        order.decide_refund(7, NOW)
        await uow.orders.save(order)
        published = await publish(uow, hooked=False)  # no hook configured: nothing queued
        assert not published.schedule_moved and not published.hook_events
        assert (await uow.hooks.counts())["pending"] == 1
