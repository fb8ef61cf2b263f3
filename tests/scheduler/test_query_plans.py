"""The due queries read indexes, not the tables: on SQLite, which has no statistics until
ANALYZE, the planner must still find the rating window's close from `orders.done_at`
(a million pending requests made the other plan take half a second a query)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, text

from bot.domain.policy import Policy
from bot.storage.db import create_engine
from scheduler.queries import Kind, _key_and_offset

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)


async def _plan(url: str, kind: Kind, earliest: bool) -> str:
    query, offset = _key_and_offset(kind, Policy())
    key = query.selected_columns[1]
    if earliest:
        query = query.with_only_columns(func.min(key)).where(key > NOW - offset)
    else:
        query = query.where(key <= NOW - offset).order_by(key).limit(500)
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            sql = str(query.compile(conn.engine, compile_kwargs={"literal_binds": True}))
            rows = (await conn.execute(text("EXPLAIN QUERY PLAN " + sql))).all()
    finally:
        await engine.dispose()
    return " | ".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("earliest", [True, False], ids=["next-wake", "page"])
async def test_the_close_of_the_rating_window_is_found_from_done_at(
        sqlite_template: Path, earliest: bool) -> None:
    url = f"sqlite+aiosqlite:///{sqlite_template}"
    plan = await _plan(url, Kind.CLOSE, earliest)
    assert plan.startswith("SEARCH orders USING COVERING INDEX ix_orders_done_at"), plan
    assert "USING INDEX ix_review_requests_order_id" in plan, plan
