"""The suite's PostgreSQL copies (tests/databases.py) are given again only as a fresh copy
would be: migrated, with no rows, identities from 1; a copy whose schema a test changed is
dropped instead."""

from __future__ import annotations

import asyncio

import asyncpg

from tests.databases import Templates, pg_dsn, skip_without_pg

AUDIT = "INSERT INTO audit_log (at, actor_id, action) VALUES (now(), 7, 'test') RETURNING id"


async def _run(url: str, *statements: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(pg_dsn(url.rsplit("/", 1)[1]), timeout=5)
    try:
        for statement in statements[:-1]:
            await conn.execute(statement)
        return list(await conn.fetch(statements[-1]))
    finally:
        await conn.close()


def test_a_copy_is_given_again_only_empty_and_unchanged(database_templates: Templates) -> None:
    skip_without_pg()
    with database_templates.pg_database() as first:
        asyncio.run(_run(first, "INSERT INTO moderators VALUES (7, 1, now())", AUDIT))
    with database_templates.pg_database() as second:
        assert second == first  # the same database, given again
        assert asyncio.run(_run(second, "SELECT count(*) AS n FROM moderators"))[0]["n"] == 0
        assert asyncio.run(_run(second, AUDIT))[0]["id"] == 1  # identities start again
        asyncio.run(_run(second, "ALTER TABLE moderators ADD COLUMN note text", "SELECT 1"))
    with database_templates.pg_database() as third:
        assert third != second  # a changed schema is not given again
        columns = asyncio.run(_run(third, "SELECT column_name FROM information_schema.columns "
                                          "WHERE table_name = 'moderators'"))
        assert "note" not in {c["column_name"] for c in columns}
