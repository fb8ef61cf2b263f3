"""The database fault of `test_nothing_lost` on PostgreSQL, production's database: every
connection read-only (`default_transaction_read_only`) for a while, then writable."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_nothing_lost import read_only_then_writable
from tests.e2e.world import World

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"intake_backoff_max_seconds": 0.05}


@pytest.fixture
def database_url(pg_migrated_url: str) -> str:
    return pg_migrated_url


async def test_updates_sent_while_postgres_is_read_only_are_answered_once_it_clears(
        world: World) -> None:
    await read_only_then_writable(world)
