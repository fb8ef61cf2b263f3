"""`orderbot run`, `webhook` and `migrate` with a database they cannot use: one line in English
for the operator (what is wrong, and where), exit status 2, no traceback; checking creates
nothing. Every command that reads the settings says the same way which ones are wrong."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage.migrate import head_revision, upgrade

pytestmark = pytest.mark.slow

BOT_ENV = {"ORDERBOT_BOT_TOKEN": "1:X", "ORDERBOT_API_BASE_URL": "http://127.0.0.1:9"}
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


def orderbot(*args: str, url: str, cwd: Path, nobody: bool = False,
             settings: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = ["-c", AS_NOBODY, *args] if nobody else ["-m", "bot.cli", *args]
    env = {**os.environ, **BOT_ENV, "ORDERBOT_DATABASE_URL": url, **(settings or {})}
    return subprocess.run([sys.executable, *command], capture_output=True, text=True,
                          timeout=120, env=env, cwd=cwd)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("orderbot: ")
    return lines[0]


def url_of(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


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
def migrated(place: Path) -> Path:
    path = place / "bot.db"
    upgrade(url_of(path))
    return path


@pytest.mark.parametrize("command", ["run", "webhook", "migrate"])
def test_a_missing_directory_is_named(place: Path, command: str) -> None:
    line = one_line(orderbot(command, url=url_of(place / "nope" / "bot.db"), cwd=place))
    assert line == f"orderbot: the directory of the database does not exist: {place / 'nope'}"


@pytest.mark.parametrize("command", ["run", "webhook"])
def test_a_missing_file_is_named_and_not_created(place: Path, command: str) -> None:
    line = one_line(orderbot(command, url=url_of(place / "bot.db"), cwd=place))
    assert f"the database file does not exist: {place / 'bot.db'}" in line
    assert "run `orderbot migrate` to create it" in line
    assert list(place.iterdir()) == []


def test_a_relative_path_is_named_from_the_working_directory(place: Path) -> None:
    line = one_line(orderbot("run", url="sqlite:///bot.db", cwd=place))
    assert f"does not exist: {place / 'bot.db'}" in line


@pytest.mark.parametrize("command", ["run", "webhook", "migrate"])
def test_a_file_that_is_not_sqlite_is_named(place: Path, command: str) -> None:
    garbage = place / "bot.db"
    garbage.write_bytes(bytes(range(256)) * 20)
    line = one_line(orderbot(command, url=url_of(garbage), cwd=place))
    assert line == f"orderbot: the database file is not an SQLite database: {garbage}"
    assert garbage.read_bytes() == bytes(range(256)) * 20


@pytest.mark.parametrize("url", ["not a url", "nosuchdb://host/db", "sqlite+nosuchdriver:///x"])
@pytest.mark.parametrize("command", ["run", "migrate"])
def test_a_malformed_url_is_quoted(place: Path, command: str, url: str) -> None:
    line = one_line(orderbot(command, url=url, cwd=place))
    assert line.startswith(f"orderbot: ORDERBOT_DATABASE_URL {url!r} is not a database URL: ")


def test_an_unreachable_server_is_named_without_its_password(place: Path) -> None:
    url = "postgresql+asyncpg://bot:hunter2@127.0.0.1:1/orderbot"
    line = one_line(orderbot("run", url=url, cwd=place))
    assert "cannot use the database postgresql+asyncpg://bot:***@127.0.0.1:1/orderbot" in line
    assert "hunter2" not in line


def _set_revision(path: Path, revision: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))


@pytest.mark.parametrize("command", ["run", "webhook", "migrate"])
def test_an_unknown_revision_is_named_and_migrate_leaves_it(migrated: Path, command: str) -> None:
    _set_revision(migrated, "0099_future")
    line = one_line(orderbot(command, url=url_of(migrated), cwd=migrated.parent))
    head = head_revision(url_of(migrated))
    assert line == (f"orderbot: the database schema is at revision 0099_future, which this "
                    f"orderbot does not know (it needs {head}): the database was written by a "
                    "newer orderbot or another program")
    with sqlite3.connect(migrated) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("0099_future",)]


def test_an_old_revision_is_told_to_migrate_and_migrate_does(migrated: Path, place: Path) -> None:
    from bot.storage.migrate import downgrade

    downgrade(url_of(migrated), "0003")
    head = head_revision(url_of(migrated))
    line = one_line(orderbot("run", url=url_of(migrated), cwd=place))
    assert line == (f"orderbot: the database schema is at 0003, the code needs {head}: "
                    "run `orderbot migrate` first")
    result = orderbot("migrate", url=url_of(migrated), cwd=place)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith(f"schema upgraded from 0003 to {head}: ")


def test_migrate_creates_a_missing_file_in_an_existing_directory(place: Path) -> None:
    result = orderbot("migrate", url=url_of(place / "bot.db"), cwd=place)
    assert result.returncode == 0, result.stderr
    assert (place / "bot.db").is_file()
    assert orderbot("migrate", url=url_of(place / "bot.db"), cwd=place).stdout.startswith(
        "schema already at ")


# Permissions. As root every file may be read and written, so the child drops to nobody.

def _owned_by_nobody(path: Path) -> None:
    if os.geteuid() == 0:
        os.chown(path, NOBODY, -1)


@pytest.mark.parametrize("command", ["run", "migrate"])
def test_an_unreadable_file_is_named(migrated: Path, command: str) -> None:
    _owned_by_nobody(migrated.parent)
    migrated.chmod(0o000)  # owned by root (or by us, with no permission at all)
    line = one_line(orderbot(command, url=url_of(migrated), cwd=migrated.parent, nobody=True))
    assert line.startswith("orderbot: user ") and line.endswith(
        f" may not read the database file: {migrated}")


@pytest.mark.parametrize("command", ["run", "webhook", "migrate"])
def test_a_read_only_directory_is_named(migrated: Path, command: str) -> None:
    _owned_by_nobody(migrated)
    migrated.parent.chmod(0o555)
    line = one_line(orderbot(command, url=url_of(migrated), cwd=migrated.parent, nobody=True))
    assert line.endswith(f" may not write in the directory of the database (SQLite keeps its "
                         f"-wal and -shm files there): {migrated.parent}")


def test_a_read_only_file_is_named(migrated: Path) -> None:
    _owned_by_nobody(migrated.parent)
    migrated.chmod(0o444)
    line = one_line(orderbot("run", url=url_of(migrated), cwd=migrated.parent, nobody=True))
    assert line.endswith(f" may not write the database file: {migrated}")


# Settings: each wrong one named as in the environment, with pydantic's reason and the value.

def lines_of(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()


@pytest.mark.parametrize("command", [
    ["run"], ["webhook"], ["migrate"], ["hook-events"],
    ["create-order", "--title", "T", "--pro-id", "1", "--pro-name", "P", "--bot-username", "b"],
])
def test_a_wrong_setting_is_named_by_every_command(migrated: Path, command: list[str]) -> None:
    result = orderbot(*command, url=url_of(migrated), cwd=migrated.parent,
                      settings={"ORDERBOT_FRAMEWORK": "foo"})
    assert lines_of(result) == [
        "orderbot: ORDERBOT_FRAMEWORK: Input should be 'aiogram' or 'ptb' (got 'foo')"]


def test_each_wrong_setting_gets_one_line(migrated: Path) -> None:
    wrong = {"ORDERBOT_DEFAULT_LANGUAGE": "xx", "ORDERBOT_MODERATOR_IDS": "1, x, y",
             "ORDERBOT_TIMEZONE": "Mars/Base"}
    result = orderbot("run", url=url_of(migrated), cwd=migrated.parent, settings=wrong)
    assert sorted(lines_of(result)) == [
        "orderbot: ORDERBOT_DEFAULT_LANGUAGE: Input should be 'en', 'es', 'pt' or 'ar' "
        "(got 'xx')",
        "orderbot: ORDERBOT_MODERATOR_IDS: Input should be a valid integer, unable to parse "
        "string as an integer (got 'x')",
        "orderbot: ORDERBOT_TIMEZONE: Value error, unknown time zone 'Mars/Base' "
        "(got 'Mars/Base')",
    ]


@pytest.mark.parametrize(("region", "error"), [
    ("ZZ", "orderbot: unknown region for pt: ZZ (e.g. pt_BR)"),
    ("es_MX", "orderbot: --region es_MX is not a region of the order's language (pt)"),
])
def test_create_order_refuses_a_region_in_one_line(migrated: Path, region: str,
                                                    error: str) -> None:
    result = orderbot("create-order", "--title", "T", "--pro-id", "1", "--pro-name", "P",
                      "--bot-username", "b", "--language", "pt", "--region", region,
                      url=url_of(migrated), cwd=migrated.parent)
    assert lines_of(result) == [error]


def test_a_default_region_without_a_territory_is_named(migrated: Path) -> None:
    result = orderbot("run", url=url_of(migrated), cwd=migrated.parent,
                      settings={"ORDERBOT_DEFAULT_REGIONS": "es_ES,pt"})
    assert lines_of(result) == [
        "orderbot: ORDERBOT_DEFAULT_REGIONS: Value error, not a supported language with a "
        "territory: 'pt' (e.g. pt_BR) (got 'es_ES,pt')"]
