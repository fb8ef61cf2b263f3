"""The order loaded with its latest review request and its rating in one statement
(`OrderRepository.with_review`, and `by_chat`), on SQLite and PostgreSQL: what it loads equals
what separate loads give, and the request and rating it loaded are the ones a later read or
save in the same unit of work works on."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.core.errors import ConcurrentChange
from bot.domain.order import Order
from bot.domain.reviews import Rating, RequestState, ReviewRequest
from bot.storage.uow import UnitOfWorkFactory
from tests.storage.factories import CHAT, order, rating, request


async def _stored(uow_factory: UnitOfWorkFactory, requests: int = 0,
                  rated: bool = False) -> Order:
    async with uow_factory() as uow:
        new = await uow.orders.add(order())
        for n in range(requests):
            state = RequestState.POSTED if n == requests - 1 else RequestState.CANCELLED
            await uow.requests.add(request(new.id, state=state, note=f"note {n}"))
        if rated:
            await uow.ratings.add(rating(new.id, stars=5, comment="great"))
        await uow.commit()
    return new


async def _separately(uow_factory: UnitOfWorkFactory, order_id: int
                      ) -> tuple[Order | None, ReviewRequest | None, Rating | None]:
    async with uow_factory() as uow:
        return (await uow.orders.get(order_id), await uow.requests.latest_for(order_id),
                await uow.ratings.for_order(order_id))


class Statements:
    """Counts the statements run meanwhile (on any engine: nothing else runs in a test)."""

    def __init__(self) -> None:
        self.count = 0

    def __enter__(self) -> Statements:
        event.listen(Engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(Engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: object) -> None:
        self.count += 1


@pytest.mark.parametrize(("requests", "rated"), [(0, False), (1, False), (1, True), (3, True)])
async def test_one_load_equals_separate_loads(uow_factory: UnitOfWorkFactory, requests: int,
                                              rated: bool) -> None:
    new = await _stored(uow_factory, requests, rated)
    expected = await _separately(uow_factory, new.id)
    async with uow_factory() as uow:
        loaded = await uow.orders.with_review(new.id)
        with Statements() as statements:
            found = (await uow.orders.get(new.id), await uow.requests.latest_for(new.id),
                     await uow.ratings.for_order(new.id))
            active = await uow.requests.active_for(new.id)
        assert statements.count == 0
    assert found == expected and found[0] is loaded
    assert (found[1] is None) == (requests == 0) and (found[2] is None) == (not rated)
    assert active == found[1]


async def test_the_latest_request_is_the_one_loaded(uow_factory: UnitOfWorkFactory) -> None:
    new = await _stored(uow_factory, requests=3)
    async with uow_factory() as uow:
        await uow.orders.with_review(new.id)
        latest = await uow.requests.latest_for(new.id)
        older = await uow.requests.load_by(order_id=new.id)
    assert latest is not None and latest.note == "note 2"
    assert latest.id == max(r.id for r in older)


async def test_by_chat_loads_the_review_too(uow_factory: UnitOfWorkFactory) -> None:
    new = await _stored(uow_factory, requests=2, rated=True)
    expected = await _separately(uow_factory, new.id)
    async with uow_factory() as uow:
        current = await uow.orders.by_chat(CHAT)
        with Statements() as statements:
            found = (await uow.orders.with_review(new.id), await uow.requests.latest_for(new.id),
                     await uow.ratings.for_order(new.id))
        assert statements.count == 0
    assert found == expected and found[0] is current


@pytest.mark.parametrize("state", [RequestState.RATED, RequestState.CLOSED,
                                   RequestState.CANCELLED])
async def test_an_ended_latest_request_is_none_active(uow_factory: UnitOfWorkFactory,
                                                      state: RequestState) -> None:
    new = await _stored(uow_factory)
    async with uow_factory() as uow:
        await uow.requests.add(request(new.id, state=state))
        await uow.commit()
    async with uow_factory() as uow:
        await uow.orders.with_review(new.id)
        assert await uow.requests.active_for(new.id) is None
        assert await uow.requests.latest_for(new.id) is not None


async def test_what_is_added_after_the_load_is_what_later_reads_give(
        uow_factory: UnitOfWorkFactory) -> None:
    new = await _stored(uow_factory, requests=1)
    async with uow_factory() as uow:
        await uow.orders.with_review(new.id)
        assert await uow.ratings.for_order(new.id) is None
        added = await uow.requests.add(request(new.id, state=RequestState.DRAFT))
        given = await uow.ratings.add(rating(new.id))
        assert await uow.requests.latest_for(new.id) is added
        assert await uow.requests.active_for(new.id) is added
        assert await uow.ratings.for_order(new.id) is given
        await uow.commit()
    assert await _separately(uow_factory, new.id) == (new, added, given)


async def test_the_loaded_objects_are_the_ones_saved(uow_factory: UnitOfWorkFactory) -> None:
    new = await _stored(uow_factory, requests=1, rated=True)
    async with uow_factory() as uow:
        await uow.orders.with_review(new.id)
        found_request = await uow.requests.latest_for(new.id)
        found_rating = await uow.ratings.for_order(new.id)
        assert found_request is not None and found_rating is not None
        assert await uow.requests.get(found_request.id) is found_request
        assert await uow.ratings.get(found_rating.id) is found_rating
        found_rating.stars = 2
        await uow.ratings.save(found_rating)
        assert await uow.ratings.for_order(new.id) is found_rating
        await uow.commit()
    stored = (await _separately(uow_factory, new.id))[2]
    assert stored is not None and (stored.stars, stored.version) == (2, 1)


async def test_a_save_after_the_load_still_meets_a_concurrent_change(
        uow_factory: UnitOfWorkFactory) -> None:
    new = await _stored(uow_factory, requests=1, rated=True)
    async with uow_factory() as uow:
        await uow.orders.with_review(new.id)
        mine = await uow.ratings.for_order(new.id)
        mine_request = await uow.requests.latest_for(new.id)
    async with uow_factory() as other:  # someone else changes both meanwhile
        await other.orders.with_review(new.id)
        theirs = await other.ratings.for_order(new.id)
        their_request = await other.requests.latest_for(new.id)
        assert theirs is not None and their_request is not None
        theirs.stars, their_request.note = 1, "theirs"
        await other.ratings.save(theirs)
        await other.requests.save(their_request)
        await other.commit()
    async with uow_factory() as uow:
        assert mine is not None and mine_request is not None
        mine.stars, mine_request.note = 3, "mine"
        with pytest.raises(ConcurrentChange):
            await uow.ratings.save(mine)
        with pytest.raises(ConcurrentChange):
            await uow.requests.save(mine_request)


async def test_a_rollback_forgets_what_was_loaded(uow_factory: UnitOfWorkFactory) -> None:
    new = await _stored(uow_factory, requests=1)
    async with uow_factory() as uow:
        await uow.orders.with_review(new.id)
        await uow.ratings.add(rating(new.id))
        await uow.restart()
        assert await uow.ratings.for_order(new.id) is None
        assert await uow.requests.latest_for(new.id) is not None


async def test_an_unknown_order_loads_nothing(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.orders.with_review(12345) is None
        assert await uow.orders.by_chat(CHAT + 1) is None
