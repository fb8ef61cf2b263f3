"""Exactly one active scheduler per database; a standby takes over when the active one dies."""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.domain.reviews import RequestState
from bot.i18n import Translations
from bot.storage.migrate import upgrade
from scheduler.leader import AlwaysLeader, FileLeader, PostgresLeader, leadership_for
from scheduler.setup import ReviewScheduler
from tests.scheduler.conftest import Db
from tests.scheduler.fakes import T0, FakeRenderer, add_note, add_order, get_request, outbox, texts

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _scheduler(db: Db, clock: FakeClock, translations: Translations) -> ReviewScheduler:
    settings = Settings(database_url=db.url, scheduler_leader_retry_seconds=3600,  # type: ignore[call-arg]
                        _env_file=None)
    return ReviewScheduler(db.uow_factory(), clock, settings, translations,
                           renderer=FakeRenderer())


async def _child(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.scheduler.child", *args, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE)


async def _kill(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)
    assert await asyncio.wait_for(process.wait(), 10) == -signal.SIGKILL


@pytest.mark.postgres
async def test_two_schedulers_on_one_postgres_one_active_then_takeover(
        pg: Db, clock: FakeClock, translations: Translations) -> None:
    uow = pg.uow_factory()
    order = await add_order(uow, done_at=T0)
    first_notes = [await add_note(uow, order, T0 + timedelta(minutes=i)) for i in range(5)]
    one, two = _scheduler(pg, clock, translations), _scheduler(pg, clock, translations)
    try:
        await one.start()
        await two.start()
        assert (one.active, two.active) == (True, False)
        assert isinstance(one.leadership, PostgresLeader)
        clock.set(T0 + timedelta(hours=1))
        await asyncio.gather(one._on_wake(), two._on_wake())  # the standby's job does nothing
        assert await texts(uow) == [f"note {n.id} es" for n in first_notes]

        assert one.leadership.connection is not None
        await one.leadership.connection.close()  # the active process dies: its session ends
        await two.check_leadership()
        await one.check_leadership()
        assert (one.active, two.active) == (False, True)

        later = await add_note(uow, order, T0 + timedelta(hours=2))
        clock.set(T0 + timedelta(hours=3))
        await asyncio.gather(one._on_wake(), two._on_wake())
        assert (await texts(uow))[-1] == f"note {later.id} es"
        assert len(await outbox(uow)) == 6
    finally:
        await one.stop()
        await two.stop()


@pytest.mark.postgres
async def test_a_killed_process_frees_the_postgres_lock(pg: Db) -> None:
    child = await _child("lock", pg.url)
    try:
        assert child.stdout is not None
        assert await asyncio.wait_for(child.stdout.readline(), 20) == b"locked\n"
        leader = PostgresLeader(pg.url)
        assert not await leader.acquire()
    finally:
        await _kill(child)
    for _attempt in range(50):  # the server notices the closed socket at once, or nearly
        if await leader.acquire():
            break
        await asyncio.sleep(0.1)
    assert await leader.alive()
    await leader.release()


@pytest.mark.postgres
async def test_a_killed_active_scheduler_process_is_taken_over_and_nothing_is_posted_twice(
        pg: Db, clock: FakeClock, translations: Translations) -> None:
    uow = pg.uow_factory()
    order = await add_order(uow, done_at=T0)
    early = await add_note(uow, order, T0 - timedelta(hours=1))  # due for the child at once
    later = [await add_note(uow, order, T0 + timedelta(hours=h)) for h in (1, 2)]
    child = await _child("schedule", pg.url, T0.isoformat())
    standby = ReviewScheduler(pg.uow_factory(), clock,
                              Settings(database_url=pg.url, scheduler_sweep_seconds=3600,  # type: ignore[call-arg]
                                       scheduler_leader_retry_seconds=0.2, _env_file=None),
                              translations, renderer=FakeRenderer())
    posted = asyncio.Event()
    sends: list[None] = []

    def woken() -> None:
        sends.append(None)
        if len(sends) == len(later):
            posted.set()

    standby.wake_sender = woken
    try:
        assert child.stdout is not None
        lines = {await asyncio.wait_for(child.stdout.readline(), 20) for _ in range(2)}
        assert lines == {b"active\n", b"posted\n"}  # the child posted the note due for it
        await standby.start()
        assert not standby.active
        clock.set(T0 + timedelta(hours=3))
        assert sends == []  # standing by: nothing posted while the child holds the lock
    finally:
        await _kill(child)
    try:
        await asyncio.wait_for(posted.wait(), 20)  # the lock is free: it took over and swept
        assert standby.active
        assert await texts(uow) == [f"note {n.id} es" for n in (early, *later)]
        assert await standby.run_due() == 0
    finally:
        await standby.stop()


async def test_sqlite_file_one_process_owns_the_scheduler(
        tmp_path: Path, clock: FakeClock, translations: Translations) -> None:
    db = Db(f"sqlite+aiosqlite:///{tmp_path / 'orderbot.db'}")
    await asyncio.to_thread(upgrade, db.url)
    one, two = _scheduler(db, clock, translations), _scheduler(db, clock, translations)
    try:
        await one.start()
        await two.start()
        assert (one.active, two.active) == (True, False)
        assert isinstance(one.leadership, FileLeader)
        await one.stop()
        await two.check_leadership()
        assert two.active
    finally:
        await two.stop()
        await db.dispose()


async def test_a_killed_process_frees_the_sqlite_file_lock(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'orderbot.db'}"
    child = await _child("lock", url)
    try:
        assert child.stdout is not None
        assert await asyncio.wait_for(child.stdout.readline(), 20) == b"locked\n"
        leader = leadership_for(url)
        assert not await leader.acquire()
    finally:
        await _kill(child)
    assert await leader.acquire()
    await leader.release()


def test_a_memory_database_is_always_its_own_leader() -> None:
    assert isinstance(leadership_for("sqlite+aiosqlite://"), AlwaysLeader)
    assert isinstance(leadership_for("sqlite+aiosqlite:///:memory:"), AlwaysLeader)


@pytest.mark.parametrize("kill", ["after", "before"])
async def test_sigkill_around_the_commit_posts_once(
        db: Db, clock: FakeClock, translations: Translations, kill: str) -> None:
    """Killed after the commit (before the send): the note is queued once, the sender sends it.
    Killed before the commit: nothing happened; the next sweep posts it."""
    uow = db.uow_factory()
    order = await add_order(uow, done_at=T0)
    note = await add_note(uow, order, T0 + timedelta(hours=1))
    clock.set(T0 + timedelta(hours=2))
    child = await _child("post", db.url, str(note.id), clock.now().isoformat(), kill)
    assert child.stdout is not None
    assert await asyncio.wait_for(child.stdout.read(), 30) == b""  # it never survived
    assert await child.wait() == -signal.SIGKILL
    state = (await get_request(uow, note.id)).state
    assert state == (RequestState.POSTED if kill == "after" else RequestState.SCHEDULED)
    assert len(await outbox(uow)) == (1 if kill == "after" else 0)

    restarted = _scheduler(db, clock, translations)
    assert await restarted.run_due() == (0 if kill == "after" else 1)
    assert await texts(uow) == [f"note {note.id} es"]
