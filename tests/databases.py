"""The test databases of the whole suite: each test gets its own copy of a migrated template.

A template is migrated once per process (a pytest-xdist worker is a process of its own):
- SQLite: a migrated file, copied per test into the test's `tmp_path`;
- PostgreSQL: a migrated database `orderbot_tpl_<random>`, copied with
  `CREATE DATABASE ... TEMPLATE` (a copy on the server, no migration). After a test its copy is
  emptied (TRUNCATE) and given to the next test, unless the test changed its schema or its
  settings: then it is dropped. A copy costs the server about 0.3 s of CPU, a TRUNCATE 0.02 s.

PostgreSQL is shared with other test runs, hence the random names. When no server answers, the
PostgreSQL cases are skipped with the reason shown (`pytest -rs`); under CI=true such a skip
fails (tests/conftest.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.storage.migrate import upgrade

PG_SERVER = os.environ.get(
    "ORDERBOT_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def pg_url(database: str) -> str:
    """The SQLAlchemy URL of `database` on the test server."""
    return make_url(PG_SERVER).set(database=database).render_as_string(hide_password=False)


def pg_dsn(database: str) -> str:
    """A plain asyncpg DSN for `database` on the test server."""
    url = make_url(PG_SERVER).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


async def pg_admin(*statements: str) -> None:
    """Run `statements` on the server's `postgres` database (CREATE and DROP DATABASE)."""
    conn = await asyncpg.connect(pg_dsn("postgres"), timeout=5)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


# Everything a test could change in a database besides its rows: its objects, columns,
# constraints, and the revision it is at.
FINGERPRINT = """
SELECT md5(string_agg(item, ';' ORDER BY item)) FROM (
  SELECT format('%s %s %s', c.relkind, n.nspname, c.relname) AS item
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  UNION ALL
  SELECT format('%s %s %s %s %s', table_name, column_name, data_type, is_nullable,
                column_default)
    FROM information_schema.columns WHERE table_schema = 'public'
  UNION ALL
  SELECT conname || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'revision ' || version_num FROM alembic_version
) AS schema
"""


async def _fingerprint(database: str) -> str:
    conn = await asyncpg.connect(pg_dsn(database), timeout=5)
    try:
        return str(await conn.fetchval(FINGERPRINT))
    finally:
        await conn.close()


async def _emptied(database: str, fingerprint: str) -> bool:
    """Empty `database` for the next test, if the last one left its schema and settings as
    they were; False if it did not (or the database is gone): then it is not used again."""
    try:
        return (await _sessions_ended_and_no_settings(database)
                and await _truncated_if_unchanged(database, fingerprint))
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False


async def _sessions_ended_and_no_settings(database: str) -> bool:
    """End the connections a test left open; False if it gave the database settings."""
    admin = await asyncpg.connect(pg_dsn("postgres"), timeout=5)
    try:
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = $1 AND pid <> pg_backend_pid()", database)
        return not await admin.fetchval(
            "SELECT count(*) FROM pg_db_role_setting s JOIN pg_database d "
            "ON d.oid = s.setdatabase WHERE d.datname = $1", database)
    finally:
        await admin.close()


async def _truncated_if_unchanged(database: str, fingerprint: str) -> bool:
    conn = await asyncpg.connect(pg_dsn(database), timeout=5)
    try:
        if await conn.fetchval(FINGERPRINT) != fingerprint:
            return False
        tables = await conn.fetch("SELECT quote_ident(tablename) AS name FROM pg_tables "
                                  "WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
        await conn.execute("SET lock_timeout = '5s'")
        await conn.execute(f"TRUNCATE {', '.join(t['name'] for t in tables)} "
                           "RESTART IDENTITY CASCADE")
        return True
    finally:
        await conn.close()


async def _probe() -> str | None:
    try:
        await pg_admin("SELECT 1")
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@cache
def pg_problem() -> str | None:
    """None when the test server answers, else why not (asked once per process)."""
    return asyncio.run(_probe())


def skip_without_pg() -> None:
    problem = pg_problem()
    if problem is not None:
        server = make_url(PG_SERVER)
        pytest.skip(f"no PostgreSQL at {server.host}:{server.port} ({problem}); "
                    "set ORDERBOT_TEST_PG to run these tests")


class Templates:
    """This process's migrated templates, made when first asked for and removed by `close`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._sqlite: Path | None = None
        self._pg: str | None = None
        self._pg_fingerprint = ""
        self._pg_spare: list[str] = []

    def sqlite(self) -> Path:
        if self._sqlite is None:
            path = self.directory / "template.db"
            upgrade(sqlite_url(path))
            self._sqlite = path
        return self._sqlite

    def sqlite_copy(self, directory: Path, name: str = "orderbot.db") -> str:
        """The URL of a fresh copy of the migrated SQLite template in `directory`."""
        target = directory / name
        shutil.copyfile(self.sqlite(), target)
        return sqlite_url(target)

    def pg(self) -> str:
        """The migrated PostgreSQL template's name (the test is skipped without a server)."""
        skip_without_pg()
        if self._pg is None:
            name = f"orderbot_tpl_{uuid.uuid4().hex[:12]}"
            asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
            upgrade(pg_url(name))
            self._pg_fingerprint = asyncio.run(_fingerprint(name))
            self._pg = name
        return self._pg

    @contextlib.contextmanager
    def pg_database(self, migrated: bool = True) -> Iterator[str]:
        """A PostgreSQL database of the caller's own (its URL): migrated with no rows, or empty
        (no schema)."""
        skip_without_pg()
        if migrated and self._pg_spare:
            name = self._pg_spare.pop()
        else:
            template = f' TEMPLATE "{self.pg()}"' if migrated else ""
            name = f"orderbot_test_{uuid.uuid4().hex[:12]}"
            asyncio.run(pg_admin(f'CREATE DATABASE "{name}"{template}'))
        try:
            yield pg_url(name)
        finally:
            if migrated and asyncio.run(_emptied(name, self._pg_fingerprint)):
                self._pg_spare.append(name)
            else:
                _drop(name)

    def close(self) -> None:
        for name in self._pg_spare:
            _drop(name)
        self._pg_spare.clear()
        if self._pg is not None:
            _drop(self._pg)
            self._pg = None


def _drop(database: str) -> None:
    asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


_templates: Templates | None = None


def templates() -> Templates:
    """This process's templates (set up by tests/conftest.py's session fixture)."""
    if _templates is None:
        raise RuntimeError("tests/conftest.py's `database_templates` fixture is not set up")
    return _templates


@contextlib.contextmanager
def open_templates(directory: Path) -> Iterator[Templates]:
    global _templates
    _templates = Templates(directory)
    try:
        yield _templates
    finally:
        _templates.close()
        _templates = None
