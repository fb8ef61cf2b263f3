"""`orderbot migrate` on a database with data at each earlier revision, on SQLite and
PostgreSQL: the command succeeds, every row keeps its values, and the schema ends up exactly as
on a database created at the head revision."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, inspect, select
from sqlalchemy.engine import Connection

from bot.cli import main
from bot.storage.db import create_engine
from bot.storage.migrate import alembic_config, current_revision, head_revision, upgrade
from tests.storage.revision_rows import Row, fill

_SCRIPT = ScriptDirectory.from_config(alembic_config("sqlite://"))
EARLIER_REVISIONS = sorted(script.revision for script in _SCRIPT.walk_revisions()
                           if script.revision != _SCRIPT.get_current_head())


def _on(url: str, work: Any) -> Any:
    async def run() -> Any:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                return await conn.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _app_tables(conn: Connection) -> dict[str, Table]:
    metadata = MetaData()
    metadata.reflect(conn)
    return {name: table for name, table in metadata.tables.items() if name != "alembic_version"}


def _schema(conn: Connection) -> dict[str, Any]:
    """Tables, their columns, keys and indexes, as the database reports them."""
    found = inspect(conn)
    tables = sorted(set(found.get_table_names()) - {"alembic_version"})
    return {table: {
        "columns": sorted((c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                          for c in found.get_columns(table)),
        "primary key": found.get_pk_constraint(table)["constrained_columns"],
        "foreign keys": sorted((fk["name"] or "", tuple(fk["constrained_columns"]),
                                fk["referred_table"], tuple(fk["referred_columns"]))
                               for fk in found.get_foreign_keys(table)),
        "unique": sorted((u["name"] or "", tuple(u["column_names"]))
                         for u in found.get_unique_constraints(table)),
        "indexes": sorted((i["name"] or "", tuple(i["column_names"]), bool(i["unique"]))
                          for i in found.get_indexes(table)),
    } for table in tables}


def _plain(value: Any) -> Any:
    """A stored timestamp compared in UTC (SQLite keeps no zone)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _kept_and_inserted(inserted: dict[str, list[Row]]) -> Any:
    """The rows found and the rows inserted, on the columns the table has now."""
    def read(conn: Connection) -> tuple[dict[str, list[Row]], dict[str, list[Row]]]:
        tables = _app_tables(conn)
        kept, expected = {}, {}
        for name, rows in inserted.items():
            table = tables[name]
            both = [key for key in rows[0] if key in table.c]
            expected[name] = [{key: _plain(row[key]) for key in both} for row in rows]
            found = conn.execute(select(table).order_by(*table.primary_key)).mappings()
            kept[name] = [{key: _plain(row[key]) for key in both} for row in found]
        return kept, expected

    return read


@pytest.fixture
def fresh_head_url(empty_db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database of the same kind, created at the head revision."""
    if not empty_db_url.startswith("sqlite"):
        return str(request.getfixturevalue("pg_migrated_url"))
    path = tmp_path / "fresh.db"
    shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.mark.parametrize("revision", EARLIER_REVISIONS)
def test_migrate_upgrades_a_database_with_data(
        revision: str, empty_db_url: str, fresh_head_url: str,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = empty_db_url
    upgrade(url, revision)
    inserted = _on(url, lambda conn: fill(conn, _app_tables(conn)))

    monkeypatch.setenv("ORDERBOT_DATABASE_URL", url)
    assert main(["migrate"]) == 0
    head = head_revision(url)
    assert f"schema upgraded from {revision} to {head}" in capsys.readouterr().out

    assert asyncio.run(current_revision(url)) == head
    kept, expected = _on(url, _kept_and_inserted(inserted))
    assert kept == expected
    assert _on(url, _schema) == _on(fresh_head_url, _schema)


def test_existing_orders_get_their_languages_default_region(
        empty_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    url = empty_db_url
    upgrade(url, "0005")
    _on(url, lambda conn: fill(conn, _app_tables(conn)))  # one order, in Spanish

    monkeypatch.setenv("ORDERBOT_DATABASE_URL", url)
    assert main(["migrate"]) == 0
    regions = _on(url, lambda conn: conn.execute(
        select(_app_tables(conn)["orders"].c.region)).scalars().all())
    assert regions == ["ES"]
