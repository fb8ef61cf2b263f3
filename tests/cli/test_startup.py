"""`orderbot run`, `webhook` and `migrate` with a database they cannot use: one line in English
for the operator (what is wrong, and where), exit status 2, no traceback; checking creates
nothing. Every command that reads the settings says the same way which ones are wrong.

The command is `bot.cli.main`, called in this process with the environment and the working
directory it would have (a process each would cost the suite about a second a case). The cases
that need another user than root are in test_startup_as_nobody.py, in a process of their own."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import pytest

from bot.cli import main
from bot.storage.migrate import head_revision
from tests.databases import Templates

BOT_ENV = {"ORDERBOT_BOT_TOKEN": "1:X", "ORDERBOT_API_BASE_URL": "http://127.0.0.1:9"}
Orderbot = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def orderbot(capsys: pytest.CaptureFixture[str]) -> Orderbot:
    """`orderbot *args` as a process would run it, with ORDERBOT_DATABASE_URL=url (and
    `settings`) in an environment without the outer ORDERBOT_ variables, in `cwd`: its exit
    status and what it printed, as `subprocess.run` gives them."""

    def orderbot(*args: str, url: str, cwd: Path,
                 settings: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        with pytest.MonkeyPatch.context() as patch, _logging_kept(), _no_thread_left():
            for name in list(os.environ):
                if name.startswith("ORDERBOT_"):
                    patch.delenv(name)
            for name, value in {**BOT_ENV, "ORDERBOT_DATABASE_URL": url,
                                **(settings or {})}.items():
                patch.setenv(name, value)
            patch.chdir(cwd)
            patch.setattr("bot.runner.run", _must_not_start)
            capsys.readouterr()
            returncode = _exit_status(args)
            out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["orderbot", *args], returncode, out, err)

    return orderbot


def _exit_status(args: Sequence[str]) -> int:
    try:
        return main(list(args))
    except SystemExit as leaving:  # argparse's way out, as the interpreter would end
        if leaving.code is None or isinstance(leaving.code, int):
            return leaving.code or 0
        print(leaving.code, file=sys.stderr)
        return 1


def _must_not_start(*_args: Any, **_kwargs: Any) -> NoReturn:
    """In place of `bot.runner.run`: every case here is refused before the bot starts; one that
    got this far fails at once instead of polling a Telegram that is not there."""
    raise AssertionError("the command passed its checks and would have started the bot")


@contextlib.contextmanager
def _logging_kept() -> Iterator[None]:
    """`main` gives the root logger a handler of its own (on this test's captured stderr) and
    a level; the tests after this one keep pytest's."""
    root, alembic = logging.getLogger(), logging.getLogger("alembic")
    handlers, level, alembic_level = list(root.handlers), root.level, alembic.level
    try:
        yield
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
        alembic.setLevel(alembic_level)


@contextlib.contextmanager
def _no_thread_left() -> Iterator[None]:
    """A command returns once its event loops, engines and worker threads are gone."""
    before = set(threading.enumerate())
    yield
    started = [thread for thread in threading.enumerate() if thread not in before]
    for thread in started:
        thread.join(timeout=10)
    assert [thread for thread in started if thread.is_alive()] == []


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
def place(tmp_path: Path) -> Path:
    """The working directory, where the database is (or is not)."""
    return tmp_path


@pytest.fixture
def migrated(place: Path, database_templates: Templates) -> Path:
    """A database at the head revision: a copy of the session's migrated template."""
    database_templates.sqlite_copy(place, "bot.db")
    return place / "bot.db"


@pytest.mark.parametrize("command", ["run", "webhook", "migrate"])
def test_a_missing_directory_is_named(orderbot: Orderbot, place: Path, command: str) -> None:
    line = one_line(orderbot(command, url=url_of(place / "nope" / "bot.db"), cwd=place))
    assert line == f"orderbot: the directory of the database does not exist: {place / 'nope'}"


@pytest.mark.parametrize("command", ["run", "webhook"])
def test_a_missing_file_is_named_and_not_created(orderbot: Orderbot, place: Path,
                                                  command: str) -> None:
    line = one_line(orderbot(command, url=url_of(place / "bot.db"), cwd=place))
    assert f"the database file does not exist: {place / 'bot.db'}" in line
    assert "run `orderbot migrate` to create it" in line
    assert list(place.iterdir()) == []


def test_a_relative_path_is_named_from_the_working_directory(orderbot: Orderbot,
                                                             place: Path) -> None:
    line = one_line(orderbot("run", url="sqlite:///bot.db", cwd=place))
    assert f"does not exist: {place / 'bot.db'}" in line


@pytest.mark.parametrize("command", ["run", "webhook", "migrate"])
def test_a_file_that_is_not_sqlite_is_named(orderbot: Orderbot, place: Path,
                                            command: str) -> None:
    garbage = place / "bot.db"
    garbage.write_bytes(bytes(range(256)) * 20)
    line = one_line(orderbot(command, url=url_of(garbage), cwd=place))
    assert line == f"orderbot: the database file is not an SQLite database: {garbage}"
    assert garbage.read_bytes() == bytes(range(256)) * 20


@pytest.mark.parametrize("url", ["not a url", "nosuchdb://host/db", "sqlite+nosuchdriver:///x"])
@pytest.mark.parametrize("command", ["run", "migrate"])
def test_a_malformed_url_is_quoted(orderbot: Orderbot, place: Path, command: str,
                                   url: str) -> None:
    line = one_line(orderbot(command, url=url, cwd=place))
    assert line.startswith(f"orderbot: ORDERBOT_DATABASE_URL {url!r} is not a database URL: ")


def test_an_unreachable_server_is_named_without_its_password(orderbot: Orderbot,
                                                             place: Path) -> None:
    url = "postgresql+asyncpg://bot:hunter2@127.0.0.1:1/orderbot"
    line = one_line(orderbot("run", url=url, cwd=place))
    assert "cannot use the database postgresql+asyncpg://bot:***@127.0.0.1:1/orderbot" in line
    assert "hunter2" not in line


def _set_revision(path: Path, revision: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))


@pytest.mark.parametrize("command", ["run", "webhook", "migrate"])
def test_an_unknown_revision_is_named_and_migrate_leaves_it(orderbot: Orderbot, migrated: Path,
                                                           command: str) -> None:
    _set_revision(migrated, "0099_future")
    line = one_line(orderbot(command, url=url_of(migrated), cwd=migrated.parent))
    head = head_revision(url_of(migrated))
    assert line == (f"orderbot: the database schema is at revision 0099_future, which this "
                    f"orderbot does not know (it needs {head}): the database was written by a "
                    "newer orderbot or another program")
    with sqlite3.connect(migrated) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("0099_future",)]


def test_an_old_revision_is_told_to_migrate_and_migrate_does(orderbot: Orderbot, migrated: Path,
                                                            place: Path) -> None:
    from bot.storage.migrate import downgrade

    downgrade(url_of(migrated), "0003")
    head = head_revision(url_of(migrated))
    line = one_line(orderbot("run", url=url_of(migrated), cwd=place))
    assert line == (f"orderbot: the database schema is at 0003, the code needs {head}: "
                    "run `orderbot migrate` first")
    result = orderbot("migrate", url=url_of(migrated), cwd=place)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith(f"schema upgraded from 0003 to {head}: ")


def test_migrate_creates_a_missing_file_in_an_existing_directory(orderbot: Orderbot,
                                                                 place: Path) -> None:
    result = orderbot("migrate", url=url_of(place / "bot.db"), cwd=place)
    assert result.returncode == 0, result.stderr
    assert (place / "bot.db").is_file()
    assert orderbot("migrate", url=url_of(place / "bot.db"), cwd=place).stdout.startswith(
        "schema already at ")


# Settings: each wrong one named as in the environment, with pydantic's reason and the value.

def lines_of(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()


@pytest.mark.parametrize("command", [
    ["run"], ["webhook"], ["migrate"], ["hook-events"],
    ["create-order", "--title", "T", "--pro-id", "1", "--pro-name", "P", "--bot-username", "b"],
])
def test_a_wrong_setting_is_named_by_every_command(orderbot: Orderbot, migrated: Path,
                                                   command: list[str]) -> None:
    result = orderbot(*command, url=url_of(migrated), cwd=migrated.parent,
                      settings={"ORDERBOT_FRAMEWORK": "foo"})
    assert lines_of(result) == [
        "orderbot: ORDERBOT_FRAMEWORK: Input should be 'aiogram' or 'ptb' (got 'foo')"]


def test_each_wrong_setting_gets_one_line(orderbot: Orderbot, migrated: Path) -> None:
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
def test_create_order_refuses_a_region_in_one_line(orderbot: Orderbot, migrated: Path,
                                                    region: str, error: str) -> None:
    result = orderbot("create-order", "--title", "T", "--pro-id", "1", "--pro-name", "P",
                      "--bot-username", "b", "--language", "pt", "--region", region,
                      url=url_of(migrated), cwd=migrated.parent)
    assert lines_of(result) == [error]


def test_a_default_region_without_a_territory_is_named(orderbot: Orderbot,
                                                       migrated: Path) -> None:
    result = orderbot("run", url=url_of(migrated), cwd=migrated.parent,
                      settings={"ORDERBOT_DEFAULT_REGIONS": "es_ES,pt"})
    assert lines_of(result) == [
        "orderbot: ORDERBOT_DEFAULT_REGIONS: Value error, not a supported language with a "
        "territory: 'pt' (e.g. pt_BR) (got 'es_ES,pt')"]
