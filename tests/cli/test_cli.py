"""The `orderbot` command as a person runs it: migrate, the schema check, the demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.order import Status
from bot.i18n import Translations
from handlers.labels import STATUS


def _orderbot(*args: str, env: dict[str, str] | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def test_migrate_creates_the_schema_on_sqlite(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", url)
    assert main(["migrate"]) == 0
    import sqlite3

    tables = {row[0] for row in sqlite3.connect(tmp_path / "bot.db").execute(
        "select name from sqlite_master where type='table'")}
    assert {"orders", "review_requests", "ratings", "inbox", "outbox"} <= tables


def test_migrate_creates_the_schema_on_postgres(pg_url: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", pg_url)
    assert main(["migrate"]) == 0
    assert main(["migrate"]) == 0  # already at head: nothing to do
    assert {"orders", "review_requests", "ratings", "inbox", "outbox"} <= _pg_tables(pg_url)


def _pg_tables(url: str) -> set[str]:
    import asyncio

    import asyncpg

    async def names() -> set[str]:
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
        try:
            rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        finally:
            await conn.close()
        return {row["tablename"] for row in rows}

    return asyncio.run(names())


def test_run_refuses_an_old_schema_with_a_clear_message(tmp_path: Path) -> None:
    env = {"ORDERBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'old.db'}",
           "ORDERBOT_BOT_TOKEN": "1:X", "ORDERBOT_API_BASE_URL": "http://127.0.0.1:9"}
    result = _orderbot("run", env=env)
    assert result.returncode == 3
    assert "run `orderbot migrate` first" in result.stderr


def test_run_needs_a_token(tmp_path: Path) -> None:
    result = _orderbot("run", env={"ORDERBOT_BOT_TOKEN": "",
                                   "ORDERBOT_DATABASE_URL": "sqlite+aiosqlite:///x.db"})
    assert result.returncode == 2 and "ORDERBOT_BOT_TOKEN" in result.stderr


@pytest.mark.parametrize(("language", "framework"), [
    ("es", "aiogram"), ("pt", "ptb"), ("ar", "aiogram"), ("en", "ptb")])
def test_demo_plays_the_whole_story(language: str, framework: str) -> None:
    expected = Translations().get(language)._(STATUS[Status.DONE])
    result = _orderbot("demo", "--lang", language, "--framework", framework, "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    texts = "\n".join(line["text"] for line in lines)
    assert expected in texts
    assert any(line["role"] == "bot" and any("⭐" in b for row in line["buttons"] for b in row)
               for line in lines)
    assert {"chat", "sender", "role", "text", "buttons", "time"} <= set(lines[0])
