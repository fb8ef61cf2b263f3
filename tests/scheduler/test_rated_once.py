"""One review request per order, ever: a request still out for an order already rated (asked
again before that rule) gets no note and no reminder; the sweep ends it and sends nothing. An
unrated order's reminder goes out as before."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.domain.order import Order
from bot.domain.policy import Policy
from bot.domain.reviews import Rating, RequestState
from tests.scheduler.conftest import Db, MakeScheduler
from tests.scheduler.fakes import (
    CLIENT,
    T0,
    UowFactory,
    add_note,
    add_order,
    add_posted,
    get_request,
    texts,
)

POLICY = Policy()


async def _rated(uow: UowFactory, order: Order) -> None:
    async with uow() as unit:
        await unit.ratings.add(Rating.first(order, CLIENT, 5, T0 + timedelta(hours=2)))
        await unit.commit()


@pytest.mark.parametrize("rated", [True, False])
async def test_no_reminder_for_a_rated_order(db: Db, clock: FakeClock,
                                             make_scheduler: MakeScheduler,
                                             rated: bool) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    request = await add_posted(uow, order, T0, POLICY)
    if rated:
        await _rated(uow, order)
    clock.set(T0 + timedelta(days=2))
    await make_scheduler().run_due()
    stored = await get_request(uow, request.id)
    if rated:
        assert await texts(uow) == []
        assert (stored.state, stored.next_reminder_at) == (RequestState.RATED, None)
    else:
        assert await texts(uow) == [f"reminder {request.id} #1"]
    assert await make_scheduler().run_due() == 0  # nothing is due any more


async def test_no_scheduled_note_for_a_rated_order(db: Db, clock: FakeClock,
                                                   make_scheduler: MakeScheduler) -> None:
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    note = await add_note(uow, order, T0 + timedelta(days=1))
    await _rated(uow, order)
    clock.set(T0 + timedelta(days=9))
    await make_scheduler().run_due()
    assert await texts(uow) == []
    assert (await get_request(uow, note.id)).state == RequestState.RATED
