"""Shared fixtures: the databases (`tests.databases`: each test its own copy of a migrated
template, on SQLite and on PostgreSQL), the hook receiver, and the reports' hooks."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bot.storage.db import create_engine
from bot.storage.uow import UnitOfWorkFactory
from tests.databases import Templates, open_templates
from tests.hang_report import add_task_stacks
from tests.hook_receiver import HookReceiver
from tests.run_timeout import configure as configure_run_timeout


@pytest.fixture(scope="session", autouse=True)
def database_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """This process's migrated templates; the SQLite one is made now, before any test's event
    loop runs (migrating runs one of its own)."""
    with open_templates(tmp_path_factory.mktemp("templates")) as made:
        made.sqlite()
        yield made


@pytest.fixture
def pg_url(database_templates: Templates) -> Iterator[str]:
    """An empty PostgreSQL database of this test's own (no schema)."""
    with database_templates.pg_database(migrated=False) as url:
        yield url


@pytest.fixture
def pg_migrated_url(database_templates: Templates) -> Iterator[str]:
    """A PostgreSQL database of this test's own, at the head revision."""
    with database_templates.pg_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An empty SQLite file."""
    return f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"


@pytest.fixture(scope="session")
def sqlite_template(database_templates: Templates) -> Path:
    return database_templates.sqlite()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest) -> str:
    """An empty database (no schema) on each backend."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path,
           database_templates: Templates) -> str:
    """A database at the head revision, of this test's own, on each backend."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_migrated_url"))
    return database_templates.sqlite_copy(tmp_path)


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


# Tests run in parallel, beside PostgreSQL and the sandbox: a moment's wait for a core says
# nothing about a strategy or the code, so Hypothesis's timing checks are off. The rest is the
# profile active before (under CI, Hypothesis's own "ci": the same examples every run).
settings.register_profile("orderbot", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("orderbot")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: three workers for every two cores. About a quarter of a worker's time is
    spent waiting (on the processes, sockets and real-time waits of the slow tests), which a
    worker per core leaves idle; on 2 cores, 3 workers ran the suite some 20 s faster than 2
    (227 and 254 s against 247 and 271 s, measured in pairs)."""
    cores = len(os.sched_getaffinity(0))
    return max(1, cores * 3 // 2)


def pytest_configure(config: pytest.Config) -> None:
    configure_run_timeout(config)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first, in their order: in a parallel run a long test that starts last keeps
    one process busy long after the others have run out of work."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


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
