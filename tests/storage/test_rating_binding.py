"""A rating is bound to its order (a verified purchase) and keeps its history, on SQLite and
PostgreSQL, through the rating use cases (bot/services/ratings.py) and the schema itself:
one rating per order, from that order's client only, and one history entry per edit session
whatever was edited (stars, an aspect, the comment)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.domain.errors import NotAllowed, WindowClosed
from bot.domain.order import Status
from bot.domain.policy import Policy
from bot.domain.reviews import Rating, RequestState
from bot.services import ratings as service
from bot.storage.models import RatingRow, table_of
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory
from tests.storage.factories import CHAT, CLIENT, PRO, T0, order, rating, request

P = Policy()
H, D = timedelta(hours=1), timedelta(days=1)
STRANGER = 5_000_000_009


async def _posted(uow_factory: UnitOfWorkFactory) -> tuple[int, int]:
    """A done order with its rating request in the chat: (order id, request id)."""
    async with uow_factory() as uow:
        new = await uow.orders.add(order(status=Status.DONE, done_at=T0))
        req = await uow.requests.add(request(new.id, state=RequestState.POSTED,
                                             posted_at=T0))
        await uow.commit()
    return new.id, req.id


async def _rate(uow_factory: UnitOfWorkFactory, ids: tuple[int, int], user: int, stars: int,
                at: timedelta) -> Rating:
    async with uow_factory() as uow:
        tapped = await service.rate(uow, ids[1], CHAT, None, user, stars, T0 + at, P)
        await uow.commit()
    return tapped.rating


async def _details(uow_factory: UnitOfWorkFactory, ids: tuple[int, int], at: timedelta,
                   aspects: dict[str, int], comment: str | None = None) -> None:
    """Each answer in a unit of work of its own, as each tap is its own update."""
    for aspect, value in aspects.items():
        async with uow_factory() as uow:
            await service.answer_aspect(uow, ids[1], CHAT, CLIENT, aspect, value, T0 + at, P)
            await uow.commit()
    if comment is not None:
        async with uow_factory() as uow:
            stored = await uow.ratings.for_order(ids[0])
            assert stored is not None
            await service.comment(uow, stored.id, ids[0], CLIENT, comment, T0 + at, P)
            await uow.commit()


async def _count(uow: UnitOfWork) -> int:
    return await uow.ratings.count(table_of(RatingRow).c.id.is_not(None))


async def test_every_edit_is_kept_one_entry_per_session(uow_factory: UnitOfWorkFactory) -> None:
    ids = await _posted(uow_factory)
    await _rate(uow_factory, ids, CLIENT, 4, H)
    await _details(uow_factory, ids, H, {"on_time": 5, "quality": 3}, "Good")
    # session 1: the same stars, one aspect changed (the edit the history used to miss)
    await _rate(uow_factory, ids, CLIENT, 4, 2 * D)
    await _details(uow_factory, ids, 2 * D, {"quality": 1})
    # session 2: new stars, an aspect and the comment
    await _rate(uow_factory, ids, CLIENT, 2, 3 * D)
    await _details(uow_factory, ids, 3 * D, {"communication": 2}, "Slow in the end")
    # session 3: only the comment
    await _rate(uow_factory, ids, CLIENT, 2, 4 * D)
    await _details(uow_factory, ids, 4 * D, {}, "Sorted out after all")
    async with uow_factory() as uow:
        current = await uow.ratings.for_order(ids[0])
        assert current is not None
        history = await uow.ratings.history(current.id)
    assert [(e.at, e.by_user_id) for e in history] == [
        (T0 + 2 * D, CLIENT), (T0 + 3 * D, CLIENT), (T0 + 4 * D, CLIENT)]
    assert [e.content() for e in history] == [
        (4, 5, 3, None, "Good"), (4, 5, 1, None, "Good"), (2, 5, 1, 2, "Slow in the end")]
    assert current.content() == (2, 5, 1, 2, "Sorted out after all")
    assert current.updated_at == T0 + 4 * D


async def test_a_session_that_changes_nothing_leaves_one_entry_at_most(
        uow_factory: UnitOfWorkFactory) -> None:
    ids = await _posted(uow_factory)
    await _rate(uow_factory, ids, CLIENT, 3, H)
    for day in (1, 2, 3):  # reopened three times, kept as it was
        await _rate(uow_factory, ids, CLIENT, 3, day * D)
    async with uow_factory() as uow:
        current = await uow.ratings.for_order(ids[0])
        assert current is not None
        history = await uow.ratings.history(current.id)
    assert [e.content() for e in history] == [(3, None, None, None, None)]
    assert current.updated_at == T0 + H


async def test_one_rating_per_order_the_second_tap_edits_it(
        uow_factory: UnitOfWorkFactory) -> None:
    ids = await _posted(uow_factory)
    first = await _rate(uow_factory, ids, CLIENT, 5, H)
    second = await _rate(uow_factory, ids, CLIENT, 1, 2 * H)
    assert second.id == first.id
    async with uow_factory() as uow:
        assert await _count(uow) == 1
        stored = await uow.ratings.for_order(ids[0])
    assert stored is not None and (stored.stars, stored.client_id) == (1, CLIENT)


async def test_the_schema_refuses_a_second_rating_for_an_order(
        uow_factory: UnitOfWorkFactory) -> None:
    ids = await _posted(uow_factory)
    await _rate(uow_factory, ids, CLIENT, 5, H)
    async with uow_factory() as uow:
        with pytest.raises(IntegrityError):
            await uow.ratings.add(rating(ids[0], stars=1, client_id=STRANGER))
    async with uow_factory() as uow:
        assert await _count(uow) == 1
        stored = await uow.ratings.for_order(ids[0])
    assert stored is not None and (stored.stars, stored.client_id) == (5, CLIENT)


async def test_the_schema_refuses_a_rating_of_no_order(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(IntegrityError):
            await uow.ratings.add(rating(424242))
    async with uow_factory() as uow:
        assert await _count(uow) == 0


@pytest.mark.parametrize("user", [PRO, STRANGER])
async def test_only_the_orders_client_rates(uow_factory: UnitOfWorkFactory, user: int) -> None:
    ids = await _posted(uow_factory)
    with pytest.raises(NotAllowed):
        await _rate(uow_factory, ids, user, 5, H)
    await _rate(uow_factory, ids, CLIENT, 3, 2 * H)
    with pytest.raises(NotAllowed):  # nor changes the client's rating
        await _rate(uow_factory, ids, user, 1, 3 * H)
    async with uow_factory() as uow:
        assert await _count(uow) == 1
        stored = await uow.ratings.for_order(ids[0])
        assert stored is not None
        assert await uow.ratings.history(stored.id) == []
    assert (stored.stars, stored.client_id, stored.pro_id) == (3, CLIENT, PRO)


async def test_no_rating_after_the_window(uow_factory: UnitOfWorkFactory) -> None:
    ids = await _posted(uow_factory)
    with pytest.raises(WindowClosed):
        await _rate(uow_factory, ids, CLIENT, 5, P.rating_window)
    async with uow_factory() as uow:
        assert await _count(uow) == 0
