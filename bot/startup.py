"""Before start-up uses the database: whether it can be used as configured, and one line for
the operator when it cannot. The storage adapter migrates (`bot.storage.migrate`); what the
operator is told, and which command to run, is decided here.

`check_database` reads ORDERBOT_DATABASE_URL and, for an SQLite file, looks at the path without
opening it (so checking never creates a file): the directory and the file exist, may be read and
written (SQLite also writes its `-wal` and `-shm` files beside the database), and the file is an
SQLite database. `orderbot migrate` may create a missing file in an existing directory.
"""

from __future__ import annotations

import asyncio
import os
import pwd
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from bot.storage.migrate import current_revision, head_revision, known_revisions, upgrade

T = TypeVar("T")

SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATE_HINT = "run `orderbot migrate` to create it"


class StartupError(RuntimeError):
    """The bot cannot start as configured (here: the database cannot be used); the message
    says why in one line."""


def check_database(url: str, *, may_create: bool = False) -> None:
    parsed = parse_database_url(url)
    path = sqlite_path(parsed)
    if path is not None:
        _check_sqlite_file(path, may_create)


def parse_database_url(url: str) -> URL:
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise StartupError(f"ORDERBOT_DATABASE_URL {url!r} is not a database URL: "
                           f"{first_line(error)}") from None
    return parsed


def sqlite_path(url: URL) -> Path | None:
    """The database file of an SQLite URL; None for another database or an in-memory one."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).absolute()


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "ORDERBOT_DATABASE_URL"


def _check_sqlite_file(path: Path, may_create: bool) -> None:
    directory = path.parent
    if not directory.is_dir():
        raise StartupError(f"the directory of the database does not exist: {directory}")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise StartupError(f"{_user()} may not write in the directory of the database "
                           f"(SQLite keeps its -wal and -shm files there): {directory}")
    if not path.exists():
        if may_create:
            return
        raise StartupError(f"the database file does not exist: {path} ({MIGRATE_HINT})")
    if not path.is_file():
        raise StartupError(f"the database path is not a file: {path}")
    if not os.access(path, os.R_OK):
        raise StartupError(f"{_user()} may not read the database file: {path}")
    if not os.access(path, os.W_OK):
        raise StartupError(f"{_user()} may not write the database file: {path}")
    with path.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise StartupError(f"the database file is not an SQLite database: {path}")


class SchemaOutdated(StartupError):
    """The database is not at the code's schema: run `orderbot migrate`."""


class SchemaUnknown(StartupError):
    """The database is at a revision this code does not have: migrating cannot help."""


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


def _user() -> str:
    try:
        return f"user {pwd.getpwuid(os.geteuid()).pw_name}"
    except KeyError:
        return f"user id {os.geteuid()}"


def first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
