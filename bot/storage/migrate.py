"""Alembic, driven from code: `orderbot migrate`, and the schema check at start-up."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

import migrations
from bot.storage.db import BLOCKING_BUSY_TIMEOUT_MS, create_engine


class SchemaOutdated(RuntimeError):
    """The database is not at the code's schema: run `orderbot migrate`."""


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
    engine = create_engine(url, sqlite_busy_timeout_ms=BLOCKING_BUSY_TIMEOUT_MS)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_current)
    finally:
        await engine.dispose()


async def check_schema(url: str) -> None:
    current, head = await current_revision(url), head_revision(url)
    if current != head:
        raise SchemaOutdated(
            f"the database schema is at {current or 'nothing'}, the code needs {head}: "
            "run `orderbot migrate` first")


