"""Alembic on SQLite and PostgreSQL: every revision up, down and up again; the models and the
migrations agree; the start-up schema check."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, make_url

from bot.startup import SchemaOutdated, StartupError, check_schema, sqlite_path
from bot.storage.db import create_engine
from bot.storage.migrate import alembic_config, current_revision, downgrade, head_revision, upgrade
from bot.storage.models import Base

APP_TABLES = set(Base.metadata.tables)


def _revisions(url: str) -> list[tuple[str, str]]:
    """(revision, what to downgrade to) from the first revision to the head."""
    script = ScriptDirectory.from_config(alembic_config(url))
    steps = [(r.revision, r.down_revision or "base") for r in script.walk_revisions()]
    return list(reversed(steps))  # type: ignore[arg-type]


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


def _diff(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _on(url: str, work: Any) -> Any:
    async def run() -> Any:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_one_linear_history(sqlite_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(sqlite_url))
    assert len(script.get_heads()) == 1
    assert head_revision(sqlite_url) == script.get_current_head()


def test_stairway(empty_db_url: str) -> None:
    url = empty_db_url
    steps = _revisions(url)
    assert steps, "no revisions"
    for revision, down in steps:
        upgrade(url, revision)
        assert asyncio.run(current_revision(url)) == revision
        downgrade(url, down)
        assert asyncio.run(current_revision(url)) == (None if down == "base" else down)
        upgrade(url, revision)
    assert _on(url, _tables) == APP_TABLES


def test_downgrade_to_base_leaves_nothing(empty_db_url: str) -> None:
    upgrade(empty_db_url)
    downgrade(empty_db_url, "base")
    assert _on(empty_db_url, _tables) == set()
    assert asyncio.run(current_revision(empty_db_url)) is None
    upgrade(empty_db_url)
    assert _on(empty_db_url, _tables) == APP_TABLES


def test_models_and_migrations_agree(db_url: str) -> None:
    assert _on(db_url, _diff) == []


def test_the_comparison_would_see_a_difference(db_url: str) -> None:
    """A sanity check of the test above: a dropped table is reported."""
    from sqlalchemy import text

    def drop_and_diff(conn: Connection) -> list[Any]:
        conn.execute(text("DROP TABLE audit_log"))
        return _diff(conn)

    diff = _on(db_url, drop_and_diff)
    assert any(d[0] == "add_table" and d[1].name == "audit_log" for d in diff)


async def test_check_schema(empty_db_url: str) -> None:
    path = sqlite_path(make_url(empty_db_url))
    if path is not None:  # checking never creates the file
        with pytest.raises(StartupError, match="does not exist"):
            await check_schema(empty_db_url)
        assert not path.exists()
        path.touch()  # an empty file is an empty SQLite database
    with pytest.raises(SchemaOutdated, match="nothing"):
        await check_schema(empty_db_url)
    await asyncio.to_thread(upgrade, empty_db_url)
    await check_schema(empty_db_url)
    assert await current_revision(empty_db_url) == head_revision(empty_db_url)


async def test_check_schema_after_a_downgrade(db_url: str) -> None:
    await check_schema(db_url)
    await asyncio.to_thread(downgrade, db_url, "base")
    with pytest.raises(SchemaOutdated):
        await check_schema(db_url)
