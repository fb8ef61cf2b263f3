"""A migrated database per test (SQLite file, and PostgreSQL when a server answers)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import pytest
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot.clock import FakeClock
from bot.config import Settings
from bot.delivery.config import DeliveryConfig
from bot.delivery.sender import OutboxSender
from bot.metrics import Metrics
from bot.storage.db import create_engine
from bot.storage.migrate import upgrade
from bot.storage.outbox import SqlOutbox
from bot.storage.uow import UnitOfWorkFactory
from tests.conftest import PG_SERVER
from tests.delivery.fakes import FakeTimer, FakeTransport

if TYPE_CHECKING:
    from tests.delivery.sandbox_rig import Rig

# The same server as tests/conftest.py (ORDERBOT_TEST_PG), as a plain asyncpg DSN.
PG_ADMIN = PG_SERVER.replace("postgresql+asyncpg://", "postgresql://", 1)
TABLES = "outbox, message_refs, chats, orders, inbox, hook_events"
REDIS_URL = os.environ.get("ORDERBOT_TEST_REDIS", "redis://127.0.0.1:6379/0")


async def _pg_answers() -> bool:
    try:
        conn = await asyncpg.connect(PG_ADMIN, timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await conn.close()
    return True


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("delivery") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str | None]:
    """A database of our own, so parallel test runs of other suites do not interfere."""
    if not asyncio.run(_pg_answers()):
        yield None
        return
    name = f"delivery_{uuid.uuid4().hex[:12]}"
    asyncio.run(_execute(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url.replace("postgresql://", "postgresql+asyncpg://"))
    yield url.replace("postgresql://", "postgresql+asyncpg://")
    asyncio.run(_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def migrated_pg_database(prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database migrated to head (its SQLAlchemy URL), dropped afterwards;
    the test is skipped when no server answers."""
    if not asyncio.run(_pg_answers()):
        pytest.skip(f"no PostgreSQL server answers at {PG_ADMIN}")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    asyncio.run(_execute(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _execute(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path,
           pg_url: str | None) -> str:
    if request.param == "sqlite":
        path = tmp_path / "outbox.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    if pg_url is None:
        pytest.skip(f"no PostgreSQL server answers at {PG_ADMIN}")
    asyncio.run(_truncate(pg_url))
    return pg_url


@pytest.fixture
def postgres_url(pg_url: str | None) -> str:
    if pg_url is None:
        pytest.skip(f"no PostgreSQL server answers at {PG_ADMIN}")
    asyncio.run(_truncate(pg_url))
    return pg_url


async def _truncate(url: str) -> None:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def timer(clock: FakeClock) -> FakeTimer:
    return FakeTimer(clock)


@pytest.fixture
def transport(timer: FakeTimer) -> FakeTransport:
    return FakeTransport(timer)


@pytest.fixture
async def uow_factory(db_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    engine = create_engine(db_url)
    yield UnitOfWorkFactory(engine)
    await engine.dispose()


def delivery_config(**overrides: Any) -> DeliveryConfig:
    """The sender's settings: the defaults of `Settings`, no Redis, and `overrides`."""
    values: dict[str, Any] = {"redis_url": None, **overrides}
    return DeliveryConfig.from_settings(Settings(_env_file=None, **values))  # type: ignore[call-arg]


@pytest.fixture
def lost() -> list[tuple[int, str]]:
    return []


@pytest.fixture
def sender(uow_factory: UnitOfWorkFactory, transport: FakeTransport, clock: FakeClock,
           timer: FakeTimer, lost: list[tuple[int, str]]) -> OutboxSender:
    async def on_chat_lost(chat_id: int, reason: str) -> None:
        lost.append((chat_id, reason))

    return OutboxSender(SqlOutbox(uow_factory), transport, clock, delivery_config(), timer=timer,
                        metrics=Metrics(), on_chat_lost=on_chat_lost)


@pytest.fixture
async def redis_client() -> AsyncIterator[aioredis.Redis]:
    """A Redis client, or a visible skip when no server answers."""
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisError, OSError):
        await client.aclose()
        pytest.skip(f"no Redis server answers at {REDIS_URL}")
    yield client
    await client.aclose()


@pytest.fixture
async def redis_key(redis_client: aioredis.Redis) -> AsyncIterator[str]:
    """A key prefix of this test's own; whatever it wrote under it is deleted afterwards."""
    key = f"orderbot:test:{uuid.uuid4().hex}"
    yield key
    found = await redis_client.keys(f"{key}*")
    if found:
        await redis_client.delete(*found)


@pytest.fixture(params=("aiogram", "ptb"))
async def rig(request: pytest.FixtureRequest,
              uow_factory: UnitOfWorkFactory) -> AsyncIterator[Rig]:
    """The sandbox (limits on) and a framework's real transport, on each database."""
    from tests.delivery.sandbox_rig import running_rig

    async with running_rig(str(request.param), uow_factory) as rig:
        yield rig
