"""`orderbot run`, `webhook` and `migrate` with a database file or directory they may not read
or write: one line naming the user, what it may not do, and where (exit status 2). As root
every file may be read and written, so the command runs in a child process that drops to
nobody; the other start-up cases are in test_startup.py, called in the test's own process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_startup import BOT_ENV, one_line, url_of
from tests.databases import Templates

pytestmark = pytest.mark.slow

NOBODY = 65534
# The child imports what the failing path needs, then drops to nobody (what `runuser -u nobody`
# does): this interpreter lives under /root, which nobody may not enter, so it cannot be
# started as nobody.
AS_NOBODY = f"""
import os, sys
import bot.cli, bot.startup, bot.storage.migrate, sqlalchemy.dialects.sqlite
if os.geteuid() == 0:
    os.setgroups([]); os.setgid({NOBODY}); os.setuid({NOBODY})
sys.exit(bot.cli.main(sys.argv[1:]))
"""


def orderbot(*args: str, url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    outer = {name: value for name, value in os.environ.items()
             if not name.startswith("ORDERBOT_")}
    env = {**outer, **BOT_ENV, "ORDERBOT_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-c", AS_NOBODY, *args], capture_output=True,
                          text=True, timeout=120, env=env, cwd=cwd)


@pytest.fixture
def place() -> Iterator[Path]:
    """A directory under /tmp that an unprivileged user may enter (pytest's tmp_path is closed
    to others when the tests run as root)."""
    path = Path(tempfile.mkdtemp(prefix="orderbot-startup-"))
    path.chmod(0o755)
    yield path
    for child in path.rglob("*"):
        child.chmod(0o755 if child.is_dir() else 0o644)
    path.chmod(0o755)
    shutil.rmtree(path)


@pytest.fixture
def migrated(place: Path, database_templates: Templates) -> Path:
    """A database at the head revision: a copy of the session's migrated template."""
    database_templates.sqlite_copy(place, "bot.db")
    return place / "bot.db"


def _owned_by_nobody(path: Path) -> None:
    if os.geteuid() == 0:
        os.chown(path, NOBODY, -1)


@pytest.mark.parametrize("command", ["run", "migrate"])
def test_an_unreadable_file_is_named(migrated: Path, command: str) -> None:
    _owned_by_nobody(migrated.parent)
    migrated.chmod(0o000)  # owned by root (or by us, with no permission at all)
    line = one_line(orderbot(command, url=url_of(migrated), cwd=migrated.parent))
    assert line.startswith("orderbot: user ") and line.endswith(
        f" may not read the database file: {migrated}")


@pytest.mark.parametrize("command", ["run", "webhook", "migrate"])
def test_a_read_only_directory_is_named(migrated: Path, command: str) -> None:
    _owned_by_nobody(migrated)
    migrated.parent.chmod(0o555)
    line = one_line(orderbot(command, url=url_of(migrated), cwd=migrated.parent))
    assert line.endswith(f" may not write in the directory of the database (SQLite keeps its "
                         f"-wal and -shm files there): {migrated.parent}")


def test_a_read_only_file_is_named(migrated: Path) -> None:
    _owned_by_nobody(migrated.parent)
    migrated.chmod(0o444)
    line = one_line(orderbot("run", url=url_of(migrated), cwd=migrated.parent))
    assert line.endswith(f" may not write the database file: {migrated}")
