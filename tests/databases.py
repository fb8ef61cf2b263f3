"""The test databases of the whole suite: each test gets its own copy of a migrated template.

A template is migrated once per process (a pytest-xdist worker is a process of its own):
- SQLite: a migrated file, copied per test into the test's `tmp_path`;
- PostgreSQL: a migrated database `orderbot_tpl_<random>`, copied per test with
  `CREATE DATABASE ... TEMPLATE` (a copy on the server, no migration) and dropped after.

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
            self._pg = name
        return self._pg

    @contextlib.contextmanager
    def pg_database(self, migrated: bool = True) -> Iterator[str]:
        """A PostgreSQL database of the caller's own (its URL), migrated or empty, dropped
        afterwards."""
        skip_without_pg()
        template = f' TEMPLATE "{self.pg()}"' if migrated else ""
        name = f"orderbot_test_{uuid.uuid4().hex[:12]}"
        asyncio.run(pg_admin(f'CREATE DATABASE "{name}"{template}'))
        try:
            yield pg_url(name)
        finally:
            asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        if self._pg is not None:
            asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{self._pg}" WITH (FORCE)'))
            self._pg = None


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
