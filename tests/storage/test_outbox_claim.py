"""The claim takes each chat's first open row only, ranked by the work left; skip and leases;
checked against a reference computed in Python, two concurrent claimers on PostgreSQL, and the
SQLite plans (an index, not a scan of the outbox)."""

from __future__ import annotations

import asyncio
import random
import shutil
from collections.abc import Collection
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, update

from bot.clock import FakeClock
from bot.core.events import SendMessage
from bot.core.outbox import Claimed, Pace
from bot.storage import outbox
from bot.storage.db import create_engine
from bot.storage.models import OutboxRow, table_of
from bot.storage.outbox import OPEN_STATES
from bot.storage.support_repos import OutboxRepository
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.helpers import enqueue, rows

GROUP, PRIVATE, OTHER = -100, 42, 43
LEASE = timedelta(seconds=60)
OUTBOX = table_of(OutboxRow)


async def _claim(uow_factory: UnitOfWorkFactory, now: datetime, limit: int = 50,
                 skip: Collection[int] = ()) -> list[Claimed]:
    async with uow_factory() as uow:
        claimed = await outbox.claim(uow.conn, now, LEASE, limit, skip=skip)
        await uow.commit()
    return claimed


async def _set(uow_factory: UnitOfWorkFactory, row_id: int, **values: Any) -> None:
    async with uow_factory() as uow:
        await uow.conn.execute(update(OUTBOX).where(OUTBOX.c.id == row_id).values(**values))
        await uow.commit()


async def test_each_chat_gives_its_first_open_row_only(
        uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    ids = await enqueue(uow_factory, clock, SendMessage(PRIVATE, "p0"), SendMessage(GROUP, "g0"),
                        SendMessage(PRIVATE, "p1"), SendMessage(OTHER, "o0"),
                        SendMessage(GROUP, "g1"), SendMessage(PRIVATE, "p2"))
    claimed = await _claim(uow_factory, clock.now())
    assert [(r.id, r.chat_id, r.backlog, r.work_left) for r in claimed] == [
        (ids[0], PRIVATE, 3, 2.0), (ids[1], GROUP, 2, 1.0), (ids[3], OTHER, 1, 0.0)]
    # the heads are leased: nothing else of these chats is claimable
    assert await _claim(uow_factory, clock.now()) == []


async def test_a_later_row_waits_while_an_earlier_one_is_open(
        uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    first, second, third = await enqueue(uow_factory, clock, *[SendMessage(PRIVATE, str(n))
                                                              for n in range(3)])
    now = clock.now()
    # the first row retries later: the ready rows after it still wait
    await _set(uow_factory, first, next_attempt_at=now + timedelta(seconds=30))
    assert await _claim(uow_factory, now) == []
    async with uow_factory() as uow:
        assert await outbox.next_due(uow.conn) == now + timedelta(seconds=30)
    # leased by a sender: still the head
    await _set(uow_factory, first, state="sending", claimed_until=now + LEASE)
    assert await _claim(uow_factory, now) == []
    # sent: the next row is the head, the one after it waits
    await _set(uow_factory, first, state="sent", claimed_until=None)
    [claimed] = await _claim(uow_factory, now)
    assert (claimed.id, claimed.backlog) == (second, 2)
    # given up: the next row goes
    await _set(uow_factory, second, state="failed", claimed_until=None)
    [claimed] = await _claim(uow_factory, now)
    assert (claimed.id, claimed.backlog) == (third, 1)


async def test_an_expired_lease_is_claimed_again_and_counted(
        uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    first, _ = await enqueue(uow_factory, clock, SendMessage(PRIVATE, "a"),
                             SendMessage(PRIVATE, "b"))
    [claimed] = await _claim(uow_factory, clock.now())
    assert (claimed.id, claimed.backlog) == (first, 2)
    assert await _claim(uow_factory, clock.now() + LEASE - timedelta(seconds=1)) == []
    [again] = await _claim(uow_factory, clock.now() + LEASE)
    assert (again.id, again.backlog) == (first, 2)
    assert [r["state"] for r in await rows(uow_factory)] == ["sending", "pending"]


async def test_the_chats_in_skip_are_left_out(
        uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    await enqueue(uow_factory, clock, *[SendMessage(GROUP, "g") for _ in range(25)],
                  *[SendMessage(PRIVATE, "p") for _ in range(3)], SendMessage(OTHER, "o"))
    claimed = await _claim(uow_factory, clock.now(), skip={GROUP, 7})
    assert [(r.chat_id, r.backlog, r.work_left) for r in claimed] == [
        (PRIVATE, 3, 2.0), (OTHER, 1, 0.0)]
    async with uow_factory() as uow:
        assert await outbox.next_due(uow.conn, skip={GROUP}) == clock.now() + LEASE
        assert await outbox.next_due(uow.conn) == clock.now()
    [group] = await _claim(uow_factory, clock.now())
    assert (group.chat_id, group.backlog, group.work_left) == (GROUP, 25, 64.0)


async def test_the_ranking_by_work_left_and_then_queue_order(
        uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    """A group's 21 rows (60 s: a window after 20) before a private chat's 40 (39 s); equal
    work goes in queue order; `limit` keeps the first."""
    await enqueue(uow_factory, clock, SendMessage(1001, "a"), SendMessage(OTHER, "o"),
                  *[SendMessage(PRIVATE, "p") for _ in range(40)],
                  *[SendMessage(GROUP, "g") for _ in range(21)], SendMessage(OTHER, "o"),
                  SendMessage(-300, "h"), SendMessage(-300, "h"), SendMessage(1002, "b"))
    claimed = await _claim(uow_factory, clock.now(), limit=5)
    assert [(r.chat_id, r.work_left) for r in claimed] == [
        (GROUP, 60.0), (PRIVATE, 39.0), (OTHER, 1.0), (-300, 1.0), (1001, 0.0)]


def _expected(table: list[dict[str, Any]], now: datetime, limit: int, skip: Collection[int],
              pace: Pace) -> list[tuple[int, int, int, float]]:
    """The claim worked out in Python from every row."""
    open_rows = [r for r in table if r["state"] in OPEN_STATES and r["chat_id"] not in skip]
    heads: dict[int, dict[str, Any]] = {}
    backlog: dict[int, int] = {}
    for r in sorted(open_rows, key=lambda r: r["id"]):
        heads.setdefault(r["chat_id"], r)
        backlog[r["chat_id"]] = backlog.get(r["chat_id"], 0) + 1
    found = []
    for chat, r in heads.items():
        ready = (r["state"] == "pending" and r["next_attempt_at"] <= now) or \
            (r["state"] == "sending" and r["claimed_until"] <= now)
        if not ready:
            continue
        after = backlog[chat] - 1
        work = (after // pace.group_limit) * pace.group_window \
            + (after % pace.group_limit) * pace.spacing if chat < 0 else after * pace.spacing
        found.append((r["id"], chat, backlog[chat], float(work)))
    return sorted(found, key=lambda f: (-f[3], f[0]))[:limit]


def _expected_due(table: list[dict[str, Any]], skip: Collection[int]) -> datetime | None:
    first: dict[int, dict[str, Any]] = {}
    for r in sorted(table, key=lambda r: r["id"]):
        if r["state"] in OPEN_STATES:
            first.setdefault(r["chat_id"], r)
    times = [r["next_attempt_at"] for r in first.values()
             if r["state"] == "pending" and r["chat_id"] not in skip]
    times += [r["claimed_until"] for r in table if r["state"] == "sending"]
    return min(times) if times else None


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_claim_agrees_with_a_reference_on_random_queues(
        uow_factory: UnitOfWorkFactory, clock: FakeClock, seed: int) -> None:
    rng = random.Random(seed)
    chats = [-1, -2, -3, 1, 2, 3, 4, 5, 6, 7]
    ids = await enqueue(uow_factory, clock, *[SendMessage(rng.choice(chats), "x")
                                              for _ in range(160)])
    now = clock.now()
    states = ["pending", "pending", "sending", "sent", "failed"]
    async with uow_factory() as uow:
        for row_id in ids:
            state = rng.choice(states)
            values: dict[str, Any] = {
                "state": state,
                "next_attempt_at": now + timedelta(seconds=rng.choice([-5, 0, 0, 20]))}
            if state == "sending":
                values["claimed_until"] = now + timedelta(seconds=rng.choice([-1, 0, 30]))
            await uow.conn.execute(update(OUTBOX).where(OUTBOX.c.id == row_id).values(**values))
        await uow.commit()
    table = await rows(uow_factory)
    pace = Pace(spacing=1.0, group_limit=3, group_window=10.0)
    for limit, skip in ((50, ()), (3, ()), (50, (rng.choice(chats), rng.choice(chats)))):
        async with uow_factory() as uow:
            due = await outbox.next_due(uow.conn, skip=skip)
            claimed = await outbox.claim(uow.conn, now, LEASE, limit, skip=skip, pace=pace)
            await uow.rollback()
        assert [(r.id, r.chat_id, r.backlog, r.work_left) for r in claimed] == \
            _expected(table, now, limit, skip, pace), (limit, skip)
        assert due == _expected_due(table, skip), skip


@pytest.mark.postgres
async def test_two_concurrent_claimers_never_share_a_row_or_a_chat(
        pg_migrated_url: str, clock: FakeClock) -> None:
    """The first claimer's transaction is still open: the second skips its locked heads and
    takes none of the rows behind them; claimers racing on many connections never take a row
    twice nor two rows of a chat."""
    engines = [create_engine(pg_migrated_url) for _ in range(4)]
    factories = [UnitOfWorkFactory(engine) for engine in engines]
    try:
        chats = [*range(1000, 1030), -5, -6]
        await enqueue(factories[0], clock, *[SendMessage(chat, "x") for chat in chats
                                             for _ in range(3)])
        now = clock.now()
        async with factories[0]() as first, factories[1]() as second:
            mine = await outbox.claim(first.conn, now, LEASE, 10)
            theirs = await outbox.claim(second.conn, now, LEASE, 100)
            await first.commit()
            await second.commit()
        assert len(mine) == 10 and len(theirs) == len(chats) - 10
        assert not {r.chat_id for r in mine} & {r.chat_id for r in theirs}
        heads = {r["chat_id"]: r["id"] for r in reversed(await rows(factories[0]))}
        assert {r.id for r in mine + theirs} == set(heads.values())

        # the heads are sent, one by one, while four claimers race for what comes next
        taken: list[Claimed] = []
        for _ in range(2):
            async with factories[0]() as uow:
                await uow.conn.execute(update(OUTBOX).where(OUTBOX.c.state == "sending")
                                       .values(state="sent"))
                await uow.commit()
            rounds = await asyncio.gather(*(_claim(f, now, limit=8) for f in factories))
            claimed = [r for batch in rounds for r in batch]
            assert len({r.id for r in claimed}) == len(claimed)
            assert len({r.chat_id for r in claimed}) == len(claimed)
            taken += claimed
        assert len(taken) == 2 * len(chats)
    finally:
        for engine in engines:
            await engine.dispose()


async def _select_plan(db: Path, call: Any, first_word: str) -> str:
    """SQLite's plan of the first statement starting with `first_word` that `call` runs."""
    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    seen: list[tuple[str, Any]] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _spy(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
             executemany: bool) -> None:
        if statement.lstrip().startswith(first_word) and not seen:
            seen.append((statement, parameters))

    try:
        async with engine.connect() as conn:
            await call(conn)
            await conn.rollback()
            statement, parameters = seen[0]
            result = await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            return " | ".join(str(row[-1]) for row in result.all())
    finally:
        await engine.dispose()


async def test_the_claim_groups_the_open_rows_from_the_index(
        sqlite_template: Path, tmp_path: Path, clock: FakeClock) -> None:
    """One covering search of the open states, a lookup by id for each chat's first row:
    no scan of the outbox (its sent rows pile up), with or without `skip`."""
    db = tmp_path / "plan.db"
    shutil.copy(sqlite_template, db)
    for skip in ((), (GROUP, PRIVATE)):
        plan = await _select_plan(db, lambda conn, s=skip: outbox.claim(
            conn, clock.now(), LEASE, 30, skip=s), "SELECT outbox.id")
        assert "SEARCH outbox USING COVERING INDEX ix_outbox_state_chat (state=?)" in plan, plan
        assert "SEARCH outbox USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
        assert "SCAN outbox" not in plan, plan


async def test_the_next_due_walks_the_ready_index(
        sqlite_template: Path, tmp_path: Path, clock: FakeClock) -> None:
    """In `next_attempt_at` order, up to the first row that heads its chat: no sort, no scan."""
    db = tmp_path / "plan.db"
    shutil.copy(sqlite_template, db)
    plan = await _select_plan(db, lambda conn: outbox.next_due(conn, skip={GROUP}),
                              "SELECT outbox.next_attempt_at")
    assert plan.startswith("SEARCH outbox USING INDEX ix_outbox_ready (state=?"), plan
    assert "TEMP B-TREE" not in plan and "SCAN" not in plan, plan


async def test_a_chats_open_rows_are_found_from_the_same_index(
        sqlite_template: Path, tmp_path: Path, clock: FakeClock) -> None:
    """Moving a migrated chat's rows and giving up a lost chat's: by state and chat, no scan."""
    db = tmp_path / "plan.db"
    shutil.copy(sqlite_template, db)
    for call in (lambda conn: OutboxRepository(conn).move_chat(GROUP, -200),
                 lambda conn: OutboxRepository(conn).give_up_chat(GROUP, "forbidden",
                                                                  clock.now())):
        plan = await _select_plan(db, call, "UPDATE outbox")
        assert "USING INDEX ix_outbox_state_chat (state=? AND chat_id=?)" in plan, plan
        assert "SCAN" not in plan, plan


async def test_claim_ranks_chats_by_the_work_their_limits_leave(
        uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    """A group with 25 (64 s: a minute's wait after 20) before a private chat with 30 (29 s),
    before one with 2 (1 s), before single messages (queue order among equals)."""
    await enqueue(uow_factory, clock, *[SendMessage(1000 + i, "hi") for i in range(3)],
                  *[SendMessage(OTHER, "o") for _ in range(2)],
                  *[SendMessage(PRIVATE, "p") for _ in range(30)],
                  *[SendMessage(GROUP, "g") for _ in range(25)])
    async with uow_factory() as uow:
        claimed = await outbox.claim(uow.conn, clock.now(), LEASE, 4, pace=Pace())
        await uow.commit()
    assert [(r.chat_id, r.backlog, r.work_left) for r in claimed] == [
        (GROUP, 25, 64.0), (PRIVATE, 30, 29.0), (OTHER, 2, 1.0), (1000, 1, 0.0)]


async def test_claim_leaves_the_chats_held_back_by_their_limits(
        uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    await enqueue(uow_factory, clock, *[SendMessage(GROUP, "g") for _ in range(25)],
                  SendMessage(PRIVATE, "p"), SendMessage(OTHER, "o"))
    async with uow_factory() as uow:
        claimed = await outbox.claim(uow.conn, clock.now(), LEASE, 5, skip={GROUP, OTHER})
        waiting = await outbox.pending_chats(uow.conn, {GROUP, OTHER, 7})
        due = await outbox.next_due(uow.conn, skip={GROUP, OTHER})
        await uow.commit()
    assert [r.chat_id for r in claimed] == [PRIVATE]
    assert waiting == {GROUP, OTHER}
    assert due is not None and due > clock.now()  # only the claimed row's lease is left
