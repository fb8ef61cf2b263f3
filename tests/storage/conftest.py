"""A migrated SQLite file of the test's own, and a unit-of-work factory on it."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.storage.db import create_engine
from bot.storage.uow import UnitOfWorkFactory


@pytest.fixture
def db_path(sqlite_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "orderbot.db"
    shutil.copyfile(sqlite_template, path)
    return path


@pytest.fixture
async def factory(db_path: Path) -> AsyncIterator[UnitOfWorkFactory]:
    made = UnitOfWorkFactory(create_engine(f"sqlite+aiosqlite:///{db_path}"))
    try:
        yield made
    finally:
        await made.engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
