"""Before start-up touches the database: one line for the operator when it cannot be used.

`check_database` reads ORDERBOT_DATABASE_URL and, for an SQLite file, looks at the path without
opening it (so checking never creates a file): the directory and the file exist, may be read and
written (SQLite also writes its `-wal` and `-shm` files beside the database), and the file is an
SQLite database. `orderbot migrate` may create a missing file in an existing directory.
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

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


def _user() -> str:
    try:
        return f"user {pwd.getpwuid(os.geteuid()).pw_name}"
    except KeyError:
        return f"user id {os.geteuid()}"


def first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
