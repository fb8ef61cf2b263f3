"""The sender, its fakes and Redis; the databases are tests/conftest.py's, one per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot.clock import FakeClock
from bot.config import Settings
from bot.delivery.config import DeliveryConfig
from bot.delivery.sender import OutboxSender
from bot.metrics import Metrics
from bot.storage.db import create_engine
from bot.storage.outbox import SqlOutbox
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.fakes import FakeTimer, FakeTransport

if TYPE_CHECKING:
    from tests.delivery.sandbox_rig import Rig

REDIS_URL = os.environ.get("ORDERBOT_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture
def postgres_url(pg_migrated_url: str) -> str:
    """PostgreSQL only: a migrated database of the test's own (tests/conftest.py)."""
    return pg_migrated_url


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
