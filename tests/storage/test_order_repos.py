"""Orders and what hangs from them, on SQLite and PostgreSQL: version-checked saves, the
status history, review requests, ratings and their edits, proposals."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.errors import ConcurrentChange
from bot.domain.order import NotGoingAheadReason, Role, Status
from bot.domain.reviews import RequestState
from bot.domain.revisions import DeliveryProposal, ProposalState
from bot.storage.uow import UnitOfWorkFactory
from tests.storage.factories import CHAT, CLIENT, MOD, PRO, T0, order, rating, request

H, D = timedelta(hours=1), timedelta(days=1)


async def test_add_and_get_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    madrid = datetime(2027, 3, 8, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    new = order(created_at=madrid, delivery_date=date(2027, 4, 1), bind_token="tok",
                not_going_ahead_reason=NotGoingAheadReason.POSTPONED, thread_id=7)
    async with uow_factory() as uow:
        await uow.orders.add(new)
        await uow.commit()
    assert new.id and new.version == 0
    async with uow_factory() as uow:
        loaded = await uow.orders.get(new.id)
        assert await uow.orders.by_chat(CHAT) == loaded
        assert await uow.orders.by_token("tok") == loaded
        assert await uow.orders.get(new.id + 1000) is None
    assert loaded == new
    assert isinstance(loaded.status, Status) and loaded.status == Status.NOT_HIRED
    assert loaded.not_going_ahead_reason is NotGoingAheadReason.POSTPONED
    assert loaded.delivery_date == date(2027, 4, 1)
    assert loaded.created_at == madrid and loaded.created_at.utcoffset() == timedelta(0)
    assert (loaded.pro_id, loaded.client_id, loaded.chat_id) == (PRO, CLIENT, CHAT)


async def test_datetimes_read_back_timezone_aware(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        new = await uow.orders.add(order(done_at=T0 + H, last_pro_message_at=T0 + 2 * H))
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.orders.get(new.id)
    assert loaded is not None
    for value in (loaded.created_at, loaded.done_at, loaded.last_pro_message_at):
        assert value is not None and value.tzinfo is not None
        assert value.utcoffset() == timedelta(0)
    assert loaded.done_at == T0 + H
    assert loaded.done_at - loaded.created_at == H  # arithmetic works: no naive mix


async def test_naive_datetimes_are_not_stored(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(Exception, match="naive"):
            await uow.orders.add(order(created_at=datetime(2027, 3, 8, 9, 0)))


async def test_save_bumps_the_version_and_a_stale_save_conflicts(
        uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        new = await uow.orders.add(order())
        await uow.commit()
    async with uow_factory() as uow:
        stale = await uow.orders.get(new.id)
    async with uow_factory() as uow:
        first = await uow.orders.get(new.id)
        assert first is not None
        first.title = "first"
        await uow.orders.save(first)
        assert first.version == 1
        await uow.commit()
    async with uow_factory() as uow:
        assert stale is not None
        stale.title = "second"
        with pytest.raises(ConcurrentChange):
            await uow.orders.save(stale)
        assert stale.version == 0
    async with uow_factory() as uow:
        stored = await uow.orders.get(new.id)
    assert stored is not None and (stored.title, stored.version) == ("first", 1)


async def test_a_unit_of_work_loads_an_order_once(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        new = await uow.orders.add(order())
        await uow.commit()
    async with uow_factory() as uow:
        by_id = await uow.orders.get(new.id)
        by_chat = await uow.orders.by_chat(CHAT)
        listed = await uow.orders.listing(None, 10, 0)
        assert by_id is not None and by_id is by_chat and listed == [by_id]
        assert listed[0] is by_id
        by_id.title = "changed"
        await uow.orders.save(by_id)
        assert await uow.orders.by_chat(CHAT) is by_id  # the same object after a save
        by_id.title = "again"
        await uow.orders.save(by_id)  # its version followed: no conflict
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.orders.get(new.id)
    assert stored is not None and (stored.title, stored.version) == ("again", 2)


async def test_a_touched_order_is_saved_at_commit_once(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        new = await uow.orders.add(order())
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.orders.by_chat(CHAT)
        assert loaded is not None
        loaded.last_client_message_at = T0
        uow.orders.touch(loaded)
        await uow.commit()
    async with uow_factory() as uow:
        touched = await uow.orders.get(new.id)
        assert touched is not None
        assert (touched.last_client_message_at, touched.version) == (T0, 1)
        touched.last_pro_message_at = T0
        uow.orders.touch(touched)
        touched.title = "saved by the handler"
        await uow.orders.save(touched)  # the touched change goes with it, not twice
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.orders.get(new.id)
    assert stored is not None
    assert (stored.last_pro_message_at, stored.title, stored.version) == (
        T0, "saved by the handler", 2)


async def test_after_a_rollback_an_order_is_read_again(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        new = await uow.orders.add(order())
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.orders.get(new.id)
        assert loaded is not None
        savepoint = await uow.conn.begin_nested()
        loaded.title = "undone"
        uow.orders.touch(loaded)
        await uow.orders.save(loaded)
        await savepoint.rollback()
        uow.forget_loaded()
        again = await uow.orders.get(new.id)
        assert again is not None and again is not loaded
        assert (again.title, again.version) == (new.title, 0)
        await uow.commit()  # nothing touched is left to save
    async with uow_factory() as uow:
        stored = await uow.orders.get(new.id)
    assert stored is not None and (stored.title, stored.version) == (new.title, 0)


async def test_saving_a_missing_row_conflicts(uow_factory: UnitOfWorkFactory) -> None:
    ghost = order(id=999)
    async with uow_factory() as uow:
        with pytest.raises(ConcurrentChange):
            await uow.orders.save(ghost)


async def test_status_history_is_written_on_save(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        new = await uow.orders.add(order())
        await uow.commit()
    async with uow_factory() as uow:
        o = await uow.orders.get(new.id)
        assert o is not None
        o.change_status(Status.IN_PROGRESS, PRO, Role.PRO, T0 + H)
        o.change_status(Status.DONE, PRO, Role.PRO, T0 + 2 * H)
        o.open_dispute(CLIENT, Role.CLIENT, T0 + 3 * H, "late")
        o.close_dispute(Status.DONE, MOD, Role.MODERATOR, T0 + 4 * H)
        await uow.orders.save(o)
        assert o.pending == []
        await uow.commit()
    async with uow_factory() as uow:
        history = await uow.orders.history(new.id)
        stored = await uow.orders.get(new.id)
    assert [(c.from_status, c.to_status) for c in history] == [
        (Status.NOT_HIRED, Status.IN_PROGRESS), (Status.IN_PROGRESS, Status.DONE),
        (Status.DONE, Status.DISPUTED), (Status.DISPUTED, Status.DONE)]
    assert [c.role for c in history] == [Role.PRO, Role.PRO, Role.CLIENT, Role.MODERATOR]
    assert history[2].reason == "late" and history[2].by_user_id == CLIENT
    assert history[3].at == T0 + 4 * H and all(c.id for c in history)
    assert stored is not None and stored.status == Status.DONE and stored.done_at == T0 + 2 * H


async def test_a_refused_save_writes_no_history(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        new = await uow.orders.add(order())
        await uow.commit()
    async with uow_factory() as uow:
        b = await uow.orders.get(new.id)
    async with uow_factory() as uow:
        a = await uow.orders.get(new.id)
        assert a is not None and b is not None
        await uow.orders.save(a)
        await uow.commit()
    async with uow_factory() as uow:
        b.change_status(Status.IN_PROGRESS, PRO, Role.PRO, T0)
        with pytest.raises(ConcurrentChange):
            await uow.orders.save(b)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.orders.history(new.id) == []


async def test_listing_and_counts(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        ids = []
        for status in (Status.NOT_HIRED, Status.DONE, Status.DONE, Status.CANCELLED):
            ids.append((await uow.orders.add(order(status=status))).id)
        await uow.commit()
    async with uow_factory() as uow:
        done = await uow.orders.listing(Status.DONE, limit=10, offset=0)
        everything = await uow.orders.listing(None, limit=2, offset=1)
        counts = await uow.orders.counts_by_status()
        latest = await uow.orders.by_chat(CHAT)
    assert [o.id for o in done] == [ids[2], ids[1]]
    assert [o.id for o in everything] == [ids[2], ids[1]]
    assert counts == {Status.NOT_HIRED: 1, Status.DONE: 2, Status.CANCELLED: 1}
    assert latest is not None and latest.id == ids[3]


async def test_review_requests(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        o = await uow.orders.add(order())
        oid = o.id
        old = await uow.requests.add(request(oid, state=RequestState.CLOSED))
        scheduled = await uow.requests.add(request(oid, state=RequestState.SCHEDULED,
                                                   due_at=T0 + D))
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.requests.active_for(oid)) == scheduled
        assert (await uow.requests.latest_for(oid)) == scheduled
        assert [r.id for r in await uow.requests.next_due(0, 10)] == [scheduled.id]
        req = await uow.requests.get(scheduled.id)
        assert req is not None
        req.freeze(T0)
        await uow.requests.save(req)
        assert await uow.requests.next_due(0, 10) == []
        await uow.commit()
    assert old.id and old.id < (scheduled.id)


async def test_rating_edits_are_kept(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        oid = (await uow.orders.add(order())).id or 0
        r = await uow.ratings.add(rating(oid, comment="ok"))
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.ratings.for_order(oid)
        assert loaded is not None and loaded.id == r.id
        loaded.snapshot(T0 + H, CLIENT)
        loaded.change_stars(2, CLIENT, T0 + H)
        await uow.ratings.save(loaded)
        assert loaded.edits == [] and loaded.version == 1
        await uow.commit()
    async with uow_factory() as uow:
        history = await uow.ratings.history(r.id)
        stored = await uow.ratings.get(r.id)
    assert [(e.stars, e.comment, e.by_user_id, e.at) for e in history] == [
        (4, "ok", CLIENT, T0 + H)]
    assert stored is not None and (stored.stars, stored.updated_at) == (2, T0 + H)


async def test_hidden_ratings_are_left_out(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        a = (await uow.orders.add(order())).id or 0
        b = (await uow.orders.add(order())).id or 0
        shown = await uow.ratings.add(rating(a, updated_at=T0 + H))
        hidden = await uow.ratings.add(rating(b, hidden=True, hidden_by=MOD,
                                              hidden_reason="insults"))
        await uow.commit()
    async with uow_factory() as uow:
        assert [r.id for r in await uow.ratings.for_pro(PRO)] == [shown.id]
        assert [r.id for r in await uow.ratings.for_pro(PRO, include_hidden=True)] == [
            shown.id, hidden.id]


async def test_proposals(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        oid = (await uow.orders.add(order())).id or 0
        p = await uow.proposals.add(DeliveryProposal(oid, date(2027, 4, 2), PRO, T0))
        await uow.commit()
    async with uow_factory() as uow:
        pending = await uow.proposals.pending_for(oid)
        assert [x.proposed_date for x in pending] == [date(2027, 4, 2)]
        pending[0].answer(True, CLIENT, CLIENT, T0 + H)
        await uow.proposals.save(pending[0])
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.proposals.pending_for(oid) == []
        stored = await uow.proposals.get(p.id)
    assert stored is not None and stored.state is ProposalState.ACCEPTED
    assert stored.answered_at == T0 + H

