"""The inbox, the outbox, message refs, people and moderators, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.core.events import EditMessage, Ref, SendMessage
from bot.storage.models import OutboxRow, PersonRow, table_of
from bot.storage.support_repos import PersonInfo
from bot.storage.uow import UnitOfWorkFactory
from tests.storage.factories import CHAT, MOD, T0, unfinished_updates

H = timedelta(hours=1)


async def test_inbox_record_is_true_once(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.inbox.record(1, T0) is True
        assert await uow.inbox.record(1, T0 + H) is False
        assert await uow.inbox.record(2, T0) is True
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.inbox.record(1, T0 + 2 * H) is False


async def test_inbox_claim(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.inbox.claim(10, T0) is True  # new
        assert await uow.inbox.record(11, T0, payload='{"update_id": 11}') is True
        await uow.commit()
    async with uow_factory() as uow:
        assert await unfinished_updates(uow) == [(11, '{"update_id": 11}')]
        assert await uow.inbox.claim(11, T0 + H) is True  # stored by the webhook, unhandled
        assert await uow.inbox.claim(11, T0 + H) is False  # handled: a repeat
        assert await uow.inbox.claim(10, T0 + H) is False
        await uow.commit()
    async with uow_factory() as uow:
        assert await unfinished_updates(uow) == []


async def test_a_claim_rolled_back_leaves_the_update_to_handle(
        uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.inbox.claim(12, T0) is True
        await uow.rollback()  # the handling failed: the update was not handled
    async with uow_factory() as uow:
        assert await uow.inbox.claim(12, T0 + H) is True
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.inbox.claim(12, T0 + H) is False


async def test_inbox_prune_keeps_recent_and_unhandled(uow_factory: UnitOfWorkFactory) -> None:
    now = T0 + 100 * H
    async with uow_factory() as uow:
        await uow.inbox.record(1, now - 49 * H)  # old, handled below: pruned
        await uow.inbox.record(2, now - 47 * H)  # recent: kept
        await uow.inbox.record(3, now - 60 * H, payload="{}")  # old but unhandled: kept
        await uow.inbox.record(4, now - 48 * H)  # exactly 48 h: kept
        for update_id in (1, 2, 4):
            await uow.inbox.claim(update_id, now - 40 * H)
        assert await uow.inbox.prune(now - 48 * H) == 1
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.inbox.record(1, now) is True  # forgotten
        assert await uow.inbox.record(2, now) is False
        assert await uow.inbox.record(3, now) is False
        assert await uow.inbox.record(4, now) is False


async def test_outbox_rows_are_written_in_order_at_commit(
        uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.outbox.add(SendMessage(CHAT, "hola", ref=Ref("card", 1), order_id=1), T0)
        await uow.outbox.add(EditMessage(CHAT, "hola 2", ref=Ref("card", 1)), T0)
        assert await uow.outbox.pending_count() == 0  # queued until the commit
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.pending_count() == 2
    table = table_of(OutboxRow)
    async with uow_factory() as uow:
        kinds = (await uow.conn.execute(select(table.c.kind).order_by(table.c.id))).scalars()
        assert list(kinds) == ["send", "edit"]


async def test_outbox_is_empty_after_a_rollback(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.outbox.add(SendMessage(CHAT, "lost"), T0)
    async with uow_factory() as uow:
        assert await uow.outbox.pending_count() == 0


async def test_message_refs(uow_factory: UnitOfWorkFactory) -> None:
    card = Ref("card", 1)
    async with uow_factory() as uow:
        assert await uow.refs.latest(card) is None
        await uow.refs.record(CHAT, 100, card, T0)
        await uow.refs.record(CHAT, 105, card, T0 + H)
        await uow.refs.record(CHAT, 104, Ref("prompt", 9), T0 + 2 * H)
        await uow.refs.record(CHAT, 100, Ref("prompt", 1), T0 + 3 * H)  # ignored: known id
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.refs.latest(card) == (CHAT, 105)
        assert await uow.refs.lookup(CHAT, 100) == card
        assert await uow.refs.lookup(CHAT, 104) == Ref("prompt", 9)
        assert await uow.refs.lookup(CHAT, 999) is None
        assert await uow.refs.lookup(-1, 100) is None


async def test_latest_ref_at_the_same_moment_is_the_higher_message_id(
        uow_factory: UnitOfWorkFactory) -> None:
    card = Ref("card", 2)
    async with uow_factory() as uow:
        await uow.refs.record(CHAT, 201, card, T0)
        await uow.refs.record(CHAT, 200, card, T0)
        assert await uow.refs.latest(card) == (CHAT, 201)


async def test_refs_follow_a_chat_migration(uow_factory: UnitOfWorkFactory) -> None:
    card = Ref("card", 3)
    async with uow_factory() as uow:
        await uow.refs.record(-100, 5, card, T0)
        await uow.refs.move_chat(-100, CHAT)
        assert await uow.refs.latest(card) == (CHAT, 5)
        assert await uow.refs.lookup(-100, 5) is None


async def test_people_upsert_keeps_the_chosen_language(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.people.get(1) is None
        await uow.people.seen(1, "Ana", "es", T0)
        await uow.people.choose_language(1, "ar", T0 + H)
        await uow.people.seen(1, "Ana María", "pt-BR", T0 + 2 * H)
        await uow.people.seen(2, "x" * 300, None, T0)
        await uow.commit()
    async with uow_factory() as uow:
        ana = await uow.people.get(1)
        names = await uow.people.names([1, 2, 3])
    assert ana is not None
    assert (ana.name, ana.chosen_language, ana.telegram_language) == ("Ana María", "ar", "pt-BR")
    assert names == {1: "Ana María", 2: "x" * 200}


async def test_someone_seen_as_they_are_is_only_read_on_sqlite(
        uow_factory: UnitOfWorkFactory) -> None:
    async def seen(name: str, at: datetime) -> tuple[PersonInfo, datetime]:
        async with uow_factory() as uow:
            person = await uow.people.seen(1, name, "es", at)
            await uow.commit()
            [row] = (await uow.conn.execute(select(table_of(PersonRow)))).mappings().all()
        return person, row["updated_at"]

    await seen("Ana", T0)
    async with uow_factory() as uow:
        await uow.people.choose_language(1, "ar", T0)
        await uow.commit()
    again, stamp = await seen("Ana", T0 + H)
    assert (again.name, again.chosen_language) == ("Ana", "ar")
    # SQLite wrote nothing; PostgreSQL's upsert ran (its row lock orders one person's taps)
    assert stamp == (T0 if uow_factory.engine.dialect.name == "sqlite" else T0 + H)
    renamed, stamp = await seen("Ana María", T0 + 2 * H)
    assert (renamed.name, renamed.chosen_language, stamp) == ("Ana María", "ar", T0 + 2 * H)


async def test_moderators_add_and_remove(uow_factory: UnitOfWorkFactory) -> None:
    big = 6_000_000_000
    async with uow_factory() as uow:
        assert await uow.moderators.ids() == set()
        assert await uow.moderators.add(big, MOD, T0) is True
        assert await uow.moderators.add(big, MOD, T0) is False
        assert await uow.moderators.add(42, MOD, T0) is True
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.moderators.ids() == {big, 42}
        assert await uow.moderators.remove(42) is True
        assert await uow.moderators.remove(42) is False
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.moderators.ids() == {big}
