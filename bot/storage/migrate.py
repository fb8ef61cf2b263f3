"""Alembic, driven from code: upgrade, downgrade, and the revisions of the code and the database.
Whether a database may be used at start-up is `bot.startup`'s."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

import migrations
from bot.storage.db import create_engine


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@cache
def _scripts() -> ScriptDirectory:
    """The code's migration scripts, read once: they do not change while the process runs,
    and reading them (every script imported) costs more than a start-up check."""
    return ScriptDirectory.from_config(alembic_config())


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision(url: str) -> str | None:
    """The revision the code needs (the same whatever the database `url`)."""
    return _scripts().get_current_head()


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
    """The revisions the code knows (the same whatever the database `url`)."""
    return {script.revision for script in _scripts().walk_revisions()}
