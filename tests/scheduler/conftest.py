"""Each test gets a database of its own, a copy of a migrated template (`tests.databases`),
on SQLite and (when a server answers) on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.i18n import Translations
from bot.storage.db import create_engine
from bot.storage.uow import UnitOfWorkFactory
from scheduler.setup import ReviewScheduler
from tests.scheduler.fakes import T0, FakeRenderer

MODERATORS = (7001, 7002)


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


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Db]:
    """A migrated database of the test's own, on each backend (tests/conftest.py)."""
    database = Db(db_url)
    yield database
    await database.dispose()


@pytest.fixture
async def pg(pg_migrated_url: str) -> AsyncIterator[Db]:
    """PostgreSQL only (leader election by advisory lock)."""
    database = Db(pg_migrated_url)
    yield database
    await database.dispose()


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
