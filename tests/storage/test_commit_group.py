"""A commit group: its members' work is kept only by the group's COMMIT, a member that rolls
back undoes only itself, and the members' after-commit callbacks wait for that COMMIT."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage.commit_group import CommitGroup
from bot.storage.uow import UnitOfWorkFactory

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def committed_updates(path: Path) -> list[int]:
    """The update ids another connection sees: only what is committed."""
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT update_id FROM inbox ORDER BY 1")]


async def open_group(factory: UnitOfWorkFactory) -> CommitGroup:
    group = CommitGroup(factory)
    await group.open()
    return group


async def member_claims(group: CommitGroup, update_id: int) -> None:
    """A member that records an update and commits."""
    async with group.member() as uow:
        assert await uow.inbox.claim(update_id, NOW)
        await uow.commit()


async def test_members_are_kept_by_the_group_commit_only(
        factory: UnitOfWorkFactory, db_path: Path) -> None:
    group = await open_group(factory)
    for update_id in (1, 2):
        await member_claims(group, update_id)
    assert committed_updates(db_path) == []
    await group.commit()
    assert committed_updates(db_path) == [1, 2]


async def test_a_member_that_does_not_commit_undoes_only_itself(
        factory: UnitOfWorkFactory, db_path: Path) -> None:
    group = await open_group(factory)
    await member_claims(group, 1)
    with pytest.raises(RuntimeError):
        async with group.member() as uow:
            await uow.inbox.claim(2, NOW)
            raise RuntimeError("a bug in a handler")
    async with group.member() as uow:
        await uow.inbox.claim(3, NOW)  # never committed
    await member_claims(group, 4)
    await group.commit()
    assert committed_updates(db_path) == [1, 4]


async def test_a_restarted_member_goes_on_without_what_it_undid(
        factory: UnitOfWorkFactory, db_path: Path) -> None:
    group = await open_group(factory)
    await member_claims(group, 1)
    async with group.member() as uow:
        await uow.inbox.claim(2, NOW)
        await uow.restart()
        assert await uow.inbox.claim(3, NOW)
        await uow.restart()  # twice: the member's savepoint is still there
        assert await uow.inbox.claim(2, NOW)  # undone, so new again
        await uow.commit()
    await group.commit()
    assert committed_updates(db_path) == [1, 2]


async def test_callbacks_wait_for_the_group_commit(factory: UnitOfWorkFactory) -> None:
    ran: list[str] = []
    group = await open_group(factory)
    async with group.member() as uow:
        await uow.inbox.claim(1, NOW)
        uow.after_commit(lambda: ran.append("kept"))
        await uow.commit()
    async with group.member() as uow:
        uow.after_commit(lambda: ran.append("dropped"))  # rolled back: never runs
    assert ran == []
    await group.commit()
    assert ran == ["kept"]


async def test_abandon_rolls_back_and_gives_the_turn_back(
        factory: UnitOfWorkFactory, db_path: Path) -> None:
    group = await open_group(factory)
    await member_claims(group, 1)
    await group.abandon()
    await group.abandon()  # once is enough; again changes nothing
    async with factory() as uow:  # the writer's turn is free
        assert await uow.inbox.claim(1, NOW)
        await uow.commit()
    assert committed_updates(db_path) == [1]


async def test_a_writer_waiting_for_the_turn_is_announced(factory: UnitOfWorkFactory) -> None:
    waiting: list[str] = []
    factory.when_a_writer_waits(lambda: waiting.append("waiting"))
    group = await open_group(factory)
    assert waiting == []  # the turn was free

    async def other_writer() -> None:
        async with factory() as uow:
            await uow.inbox.claim(9, NOW)
            await uow.commit()

    other = asyncio.create_task(other_writer())
    await asyncio.sleep(0.01)
    assert waiting == ["waiting"] and not other.done()
    await group.commit()
    await asyncio.wait_for(other, 5)
