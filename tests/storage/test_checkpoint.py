"""The WAL is copied into the database file by a thread of its own, not by the commits that
run on the event loop's thread; the thread stops with the engine."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.storage import checkpoint
from bot.storage.checkpoint import BACKSTOP_PAGES, Checkpointer
from bot.storage.db import create_engine
from bot.storage.uow import UnitOfWorkFactory
from tests.storage.factories import T0


def _threads(path: Path) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"sqlite-checkpoint {path}"]


def _moderators_in_the_file_alone(path: Path, tmp_path: Path) -> int:
    """The moderators a copy of the database file holds without its WAL: what has been
    checkpointed."""
    copy = tmp_path / "copy.db"
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy)
    try:
        return int(conn.execute("SELECT count(*) FROM moderators").fetchone()[0])
    finally:
        conn.close()


async def test_the_log_is_checkpointed_by_the_thread(
        sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoint, "INTERVAL_S", 0.05)
    path = tmp_path / "bot.db"
    shutil.copyfile(sqlite_template, path)
    factory = UnitOfWorkFactory(create_engine(f"sqlite:///{path}"))
    try:
        async with factory() as uow:
            for user_id in range(1, 51):
                await uow.moderators.add(user_id, 1, T0)
            await uow.commit()
            autocheckpoint = (await uow.conn.execute(text("PRAGMA wal_autocheckpoint"))).scalar()
        assert autocheckpoint == BACKSTOP_PAGES  # a commit no longer checkpoints at 1,000
        assert len(_threads(path)) == 1
        async with asyncio.timeout(5):
            while _moderators_in_the_file_alone(path, tmp_path) != 50:
                await asyncio.sleep(0.02)
    finally:
        await factory.engine.dispose()
    assert _threads(path) == []


async def test_the_thread_starts_again_after_a_dispose(
        sqlite_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    shutil.copyfile(sqlite_template, path)
    engine = create_engine(f"sqlite:///{path}")
    try:
        for _ in range(2):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            assert len(_threads(path)) == 1
            await engine.dispose()
            assert _threads(path) == []
    finally:
        await engine.dispose()


def test_a_failing_checkpoint_is_said_once(tmp_path: Path,
                                           caplog: pytest.LogCaptureFixture) -> None:
    broken = Checkpointer(str(tmp_path / "x.db"))
    conn = sqlite3.connect(":memory:")
    conn.close()  # every statement on it fails
    for _ in range(3):
        broken._checkpoint(conn)
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "WAL checkpoint" in warnings[0].getMessage()
    assert broken.failing and broken.runs == 0


async def test_an_in_memory_database_has_no_thread() -> None:
    engine = create_engine("sqlite:///:memory:")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        assert not [t for t in threading.enumerate() if t.name.startswith("sqlite-checkpoint :")]
    finally:
        await engine.dispose()
