"""The read-only fault itself: once cleared, every connection of the pool writes again, also
one that committed a read-only transaction while the fault was on (PostgreSQL keeps a
session's `default_transaction_read_only` only if the transaction that set it commits)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError

from bot.storage.db import create_engine
from bot.storage.models import ModeratorRow
from bot.storage.uow import UnitOfWorkFactory
from tests.e2e.faults import read_only

pytestmark = pytest.mark.postgres

MODERATORS = ModeratorRow.__table__
NOW = datetime(2027, 3, 8, tzinfo=UTC)


def _moderator(user_id: int) -> dict[str, object]:
    return {"user_id": user_id, "added_by": 1, "added_at": NOW}


async def test_a_cleared_fault_leaves_no_connection_read_only(pg_migrated_url: str) -> None:
    engine = create_engine(pg_migrated_url, pool_size=1, max_overflow=0)
    factory = UnitOfWorkFactory(engine)
    try:
        with read_only(factory) as fault:
            async with factory() as uow:  # a read, committed while the fault is on
                await uow.conn.execute(select(MODERATORS.c.user_id))
                await uow.commit()
            async with factory() as uow:
                with pytest.raises(DBAPIError, match="read-only transaction"):
                    await uow.conn.execute(insert(MODERATORS).values(_moderator(1)))
            fault.clear()
            for user_id in (2, 3):  # the same pooled connection, twice
                async with factory() as uow:
                    await uow.conn.execute(insert(MODERATORS).values(_moderator(user_id)))
                    await uow.commit()
    finally:
        await engine.dispose()
