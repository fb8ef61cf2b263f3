"""Each test gets a fresh database: a SQLite file, and (when a server answers) its own
PostgreSQL database created from the server at ORDERBOT_TEST_PG, dropped afterwards."""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.clock import FakeClock
from bot.config import Settings
from bot.i18n import Translations
from bot.storage.db import create_engine
from bot.storage.migrate import upgrade
from bot.storage.uow import UnitOfWorkFactory
from scheduler.setup import ReviewScheduler
from tests.scheduler.fakes import T0, FakeRenderer

PG_SERVER = os.environ.get("ORDERBOT_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
MODERATORS = (7001, 7002)
_names = itertools.count()


@dataclass
class Db:
    url: str
    factories: list[UnitOfWorkFactory] = field(default_factory=list)

    def uow_factory(self) -> UnitOfWorkFactory:
        """A new engine on the database, as another process would have."""
        factory = UnitOfWorkFactory(create_engine(self.url))
        self.factories.append(factory)
        return factory

    async def dispose(self) -> None:
        for factory in self.factories:
            await factory.engine.dispose()


async def _admin(sql: str) -> None:
    engine = create_async_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def _postgres_url() -> str:
    name = f"orderbot_sched_{os.getpid()}_{next(_names)}"
    try:
        await asyncio.wait_for(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'), 10)
    except (OSError, TimeoutError) as error:
        pytest.skip(f"no PostgreSQL server answers at {PG_SERVER}: {error}")
    await _admin(f'CREATE DATABASE "{name}"')
    return make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Db]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'orderbot.db'}"
    else:
        url = await _postgres_url()
    await asyncio.to_thread(upgrade, url)
    database = Db(url)
    yield database
    await database.dispose()
    if request.param == "postgres":
        name = make_url(url).database
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def pg(tmp_path: Path) -> AsyncIterator[Db]:
    """PostgreSQL only (leader election by advisory lock)."""
    url = await _postgres_url()
    await asyncio.to_thread(upgrade, url)
    database = Db(url)
    yield database
    await database.dispose()
    await _admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture(scope="session")
def translations() -> Translations:
    return Translations(default="es")


MakeScheduler = Callable[..., ReviewScheduler]


@pytest.fixture
async def make_scheduler(db: Db, clock: FakeClock, translations: Translations
                         ) -> AsyncIterator[MakeScheduler]:
    made: list[ReviewScheduler] = []

    def make(renderer: FakeRenderer | None = None, wake_sender: Any = None,
             **overrides: Any) -> ReviewScheduler:
        """A scheduler on `db`; `overrides` are settings (`scheduler_batch_size=2`...).
        Quiet hours are off unless asked for (`quiet_hours="21:00-08:00"`): the other tests'
        times are about the cadence, not the night."""
        settings = Settings(database_url=db.url, moderator_ids=MODERATORS, _env_file=None,  # type: ignore[call-arg]
                            **({"quiet_hours": ""} | overrides))
        scheduler = ReviewScheduler(db.uow_factory(), clock, settings, translations,
                                    renderer=renderer or FakeRenderer(), wake_sender=wake_sender)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        await scheduler.stop()
