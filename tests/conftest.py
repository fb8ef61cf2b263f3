"""Shared fixtures: databases for the storage tests, on SQLite and on PostgreSQL.

PostgreSQL is shared with other test runs, so every test gets a database of its own,
`orderbot_test_<random>`, created through the server's `postgres` database and dropped after.
When no server answers, the PostgreSQL cases are skipped with the reason shown (`pytest -rs`).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.storage.db import create_engine
from bot.storage.migrate import upgrade
from bot.storage.uow import UnitOfWorkFactory
from tests.hang_report import add_task_stacks
from tests.hook_receiver import HookReceiver

PG_SERVER = os.environ.get(
    "ORDERBOT_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def _dsn(database: str) -> str:
    """A plain asyncpg DSN for `database` on the test server."""
    url = make_url(PG_SERVER).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


def _sqlalchemy_url(database: str) -> str:
    return make_url(PG_SERVER).set(database=database).render_as_string(hide_password=False)


async def _admin(*statements: str) -> None:
    conn = await asyncpg.connect(_dsn("postgres"), timeout=5)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def _probe() -> str | None:
    """None when the server answers, else why not."""
    try:
        await _admin("SELECT 1")
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _new_name() -> str:
    return f"orderbot_test_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The server's URL, or a visible skip when no PostgreSQL answers."""
    problem = asyncio.run(_probe())
    if problem is not None:
        pytest.skip(f"no PostgreSQL at {make_url(PG_SERVER).host}:{make_url(PG_SERVER).port} "
                    f"({problem}); set ORDERBOT_TEST_PG to run these tests")
    return PG_SERVER


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> Iterator[str]:
    """A migrated database that the per-test databases are copied from."""
    name = _new_name() + "_tpl"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        upgrade(_sqlalchemy_url(name))
        yield name
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _own_database(template: str | None) -> Iterator[str]:
    name = _new_name()
    suffix = f' TEMPLATE "{template}"' if template else ""
    asyncio.run(_admin(f'CREATE DATABASE "{name}"{suffix}'))
    try:
        yield _sqlalchemy_url(name)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """An empty PostgreSQL database of this test's own (no schema)."""
    yield from _own_database(None)


@pytest.fixture
def pg_migrated_url(pg_template: str) -> Iterator[str]:
    """A PostgreSQL database of this test's own, at the head revision."""
    yield from _own_database(pg_template)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An empty SQLite file."""
    return f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("orderbot") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest) -> str:
    """An empty database (no schema) on each backend."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database at the head revision, of this test's own, on each backend."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_migrated_url"))
    template: Path = request.getfixturevalue("sqlite_template")
    path = tmp_path / "orderbot.db"
    shutil.copyfile(template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def uow_factory(db_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    factory = UnitOfWorkFactory(create_engine(db_url))
    try:
        yield factory
    finally:
        await factory.engine.dispose()


@pytest.fixture
async def receiver() -> AsyncIterator[HookReceiver]:
    """A stand-in for the marketplace's hook endpoint (tests/hook_receiver.py)."""
    receiver = HookReceiver()
    await receiver.start()
    yield receiver
    await receiver.stop()


SERVICE_SKIPS = ("no PostgreSQL", "no Redis")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """A timed-out test's report shows its pending asyncio tasks (`tests.hang_report`).

    In CI (CI=true) a database test that would skip for want of its server fails instead.

    `.ci/run` starts PostgreSQL and Redis; a skip there means the run did not test what it
    claims, which must not pass unnoticed.
    """
    outcome = yield
    report = outcome.get_result()
    add_task_stacks(report)
    if os.environ.get("CI") != "true" or not report.skipped:
        return
    reason = str(report.longrepr)
    if any(marker in reason for marker in SERVICE_SKIPS):
        report.outcome = "failed"
        report.longrepr = f"CI=true but a service the test needs is missing: {reason}"
