"""Alembic, driven from code: `orderbot migrate`, and the schema check at start-up."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

import migrations
from bot.storage.db import create_engine
from bot.storage.preflight import StartupError, check_database, describe, first_line

T = TypeVar("T")


class SchemaOutdated(StartupError):
    """The database is not at the code's schema: run `orderbot migrate`."""


class SchemaUnknown(StartupError):
    """The database is at a revision this code does not have: migrating cannot help."""


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_current)
    finally:
        await engine.dispose()


def known_revisions(url: str) -> set[str]:
    return {script.revision for script in
            ScriptDirectory.from_config(alembic_config(url)).walk_revisions()}


async def check_schema(url: str) -> None:
    """StartupError (one line) unless the database exists, can be used and is at head.
    Never creates the database."""
    check_database(url)
    current, head = await opened(url, current_revision(url)), head_revision(url)
    _refuse_unknown(url, current, head)
    if current != head:
        raise SchemaOutdated(
            f"the database schema is at {current or 'nothing'}, the code needs {head}: "
            "run `orderbot migrate` first")


async def migrate(url: str) -> tuple[str | None, str | None]:
    """`orderbot migrate`: upgrade to head from any known revision (or an empty database);
    return the revisions before and after. StartupError (one line) when it cannot."""
    check_database(url, may_create=True)
    before, head = await opened(url, current_revision(url)), head_revision(url)
    _refuse_unknown(url, before, head)
    if before != head:
        await opened(url, asyncio.to_thread(upgrade, url))
    return before, head


def _refuse_unknown(url: str, current: str | None, head: str | None) -> None:
    if current is not None and current not in known_revisions(url):
        raise SchemaUnknown(
            f"the database schema is at revision {current}, which this orderbot does not know "
            f"(it needs {head}): the database was written by a newer orderbot or another program")


async def opened(url: str, work: Awaitable[T]) -> T:
    """`work` on the database, with a failure to open or use it as one line."""
    try:
        return await work
    except (SQLAlchemyError, OSError) as error:
        raise StartupError(f"cannot use the database {describe(url)}: "
                           f"{first_line(error)}") from None
