"""The `orderbot` command as a person runs it: migrate, the schema check, the demo."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.cli import main
from bot.demo import records
from bot.demo.people import SCRIPTS, Script
from bot.demo.runner import run_demo
from bot.domain.note_check import NoteChecker
from bot.domain.notes import NoteRefused
from bot.domain.order import Status
from bot.i18n import Translations, catalog_path, default_locales_dir
from handlers.labels import aspect_name, stars, status_name
from handlers.review_request import refusal_text
from scheduler.setup import ReviewScheduler

pytestmark = pytest.mark.slow


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
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "run `orderbot migrate`" in result.stderr
    assert not (tmp_path / "old.db").exists()


def test_run_needs_a_token(tmp_path: Path) -> None:
    result = _orderbot("run", env={"ORDERBOT_BOT_TOKEN": "",
                                   "ORDERBOT_DATABASE_URL": "sqlite+aiosqlite:///x.db"})
    assert result.returncode == 2 and "ORDERBOT_BOT_TOKEN" in result.stderr


DEMO_PAIRS = [(language, framework) for language in ("es", "pt", "ar")
              for framework in ("aiogram", "ptb")]
PLACEHOLDER = re.compile(r"\{[^}]*\}")


async def _demo(language: str, framework: str) -> str:
    lines: list[str] = []
    assert await run_demo(language, framework, write=lines.append) == 0
    return "\n".join(lines)


@pytest.mark.parametrize(("language", "framework"), DEMO_PAIRS)
async def test_demo_plays_the_whole_story(language: str, framework: str) -> None:
    transcript = await _demo(language, framework)
    t, script = Translations().get(language), SCRIPTS[language]
    # one refused note (with its explanation), then the accepted one is scheduled
    finding = NoteChecker().check(script.refused_note)
    assert finding is not None
    refusal = refusal_text(t, NoteRefused(finding, script.refused_note))
    scheduled = t._("Scheduled: on {date} your note is posted here with the rating "
                    "buttons.").split("{date}")[0]
    assert transcript.count(refusal) == 1 and transcript.count(scheduled) == 1
    assert transcript.index(refusal) < transcript.index(scheduled)
    # the note with the stars, the rating with its aspects and comment, the reply
    assert "[ 1 ⭐ ]  [ 2 ⭐ ]  [ 3 ⭐ ]  [ 4 ⭐ ]  [ 5 ⭐ ]" in transcript
    posted = f"· orderbot:\n    {script.note}\n"  # by the bot, with the stars under it
    assert transcript.index(posted) > transcript.index(scheduled)
    assert t._("{client} rated: {stars}").format(client=t.isolate(script.client),
                                                 stars="★★★★★") in transcript
    for aspect, value in (("on_time", 5), ("quality", 4), ("communication", 5)):
        assert f"{aspect_name(t, aspect)}: {stars(value)}" in transcript
        assert t._("{aspect}: {value}").format(aspect=aspect_name(t, aspect),
                                                value=t.isolate(t.number(value, 1))) in transcript
    assert t._("Comment: {text}").format(text=script.comment) in transcript
    assert t._("Reply from {pro}: {text}").format(pro=t.isolate(script.pro),
                                                  text=script.reply) in transcript
    # /profile: one review, average 5.0 in the language's own format
    reviews = t.ngettext("{n} review", "{n} reviews", 1).format(n=t.number(1))
    assert t._("Average: {average} out of 5 ({reviews})").format(
        average=t.isolate(t.number(5, 1)), reviews=reviews) in transcript
    assert _english_left(transcript, language, script) == []


def _english_left(transcript: str, language: str, script: Script) -> list[str]:
    """English texts of the bot's catalog that show in the transcript, once the people's
    names and typed texts are taken out (a text kept as is in the translation is fine)."""
    for typed in sorted(vars(script).values(), key=len, reverse=True):
        transcript = transcript.replace(typed, " ")
    with open(catalog_path(default_locales_dir(), language), "rb") as po:
        catalog = read_po(po)
    found = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        translated = " ".join(message.string if isinstance(message.string, tuple)
                              else (message.string,))
        for msgid in ids:
            for fragment in (f.strip(" :.,;()«»\"") for f in PLACEHOLDER.split(msgid)):
                if sum(c.isascii() and c.isalpha() for c in fragment) < 4 \
                        or fragment in translated:
                    continue
                if re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", transcript):
                    found.add(fragment)
    return sorted(found)


def test_demo_prints_json_lines() -> None:
    result = _orderbot("demo", "--lang", "es", "--framework", "ptb", "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"chat", "sender", "role", "text", "buttons", "time"} <= set(lines[0])
    assert lines[0]["sender"] == SCRIPTS["es"].pro and lines[0]["role"] == "pro"
    done = status_name(Translations().get("es"), Status.DONE)
    assert any(line["role"] == "bot" and done in line["text"] for line in lines)


async def test_demo_fails_naming_the_step_when_a_note_is_wrongly_accepted(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    script = SCRIPTS["es"]
    monkeypatch.setitem(SCRIPTS, "es", dataclasses.replace(script, note=script.refused_note))
    assert await run_demo("es", "aiogram", write=lambda line: None) == 1
    t = Translations().get("es")
    error = capsys.readouterr().err
    step = t._("the corrected note is accepted and scheduled")
    assert error.startswith("la demo ha fallado: paso «la nota corregida se acepta y se "
                            "programa»: la solicitud no se programó para el ")
    assert step in error and "demo failed" not in error


async def test_demo_fails_naming_the_step_when_the_note_is_not_posted(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    async def nothing_due(self: ReviewScheduler, limit: int | None = None) -> int:
        return 0

    monkeypatch.setattr(ReviewScheduler, "run_due", nothing_due)
    assert await run_demo("pt", "ptb", write=lambda line: None) == 1
    error = capsys.readouterr().err
    assert error.startswith("a demonstração falhou: etapa «passam dois dias e a mensagem é "
                            "publicada com as estrelas»: esperava-se a mensagem pessoal com "
                            "os botões de estrelas; o bot mostrou: ")


async def test_the_demos_failure_is_told_in_arabic(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    async def no_rating(app: object, order_id: int) -> None:
        return None

    monkeypatch.setattr(records, "rating_of", no_rating)
    assert await run_demo("ar", "aiogram", write=lambda line: None) == 1
    error = capsys.readouterr().err
    assert error.startswith("فشل العرض التوضيحي: الخطوة «يكتب العميل تعليقًا»: "
                            "التقييم المحفوظ هو \u2068None\u2069")


def test_hook_events_lists_the_given_up_ones_and_queues_them_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import asyncio
    from datetime import UTC, datetime, timedelta

    from bot.storage.db import create_engine
    from bot.storage.uow import UnitOfWorkFactory
    from tests.storage.factories import hook_rows

    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", url)
    monkeypatch.setenv("ORDERBOT_HOOK_URL", "https://shop.example/hooks")
    assert main(["migrate"]) == 0
    queued = datetime.now(UTC) - timedelta(days=5)

    async def events() -> list[dict[str, object]]:
        engine = create_engine(url)
        async with UnitOfWorkFactory(engine)() as uow:
            if not await hook_rows(uow):
                await uow.hooks.add("a" * 32, "refund.eligible", 1, "{}", queued)
                await uow.hooks.add("b" * 32, "refund.decided", 2, "{}", queued)
                await uow.hooks.claim(1, queued, queued)
                await uow.hooks.give_up(1, "HTTP 401")
                await uow.commit()
            rows = await hook_rows(uow)
        await engine.dispose()
        return rows

    asyncio.run(events())
    capsys.readouterr()
    assert main(["hook-events"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "hook events: 1 waiting, 1 given up",
        f"  {'a' * 32} refund.eligible order 1: 1 attempts, last error: HTTP 401"]
    assert main(["hook-events", "--retry"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 given-up events queued again"
    first, second = asyncio.run(events())
    assert (first["state"], first["attempts"], second["state"]) == ("pending", 0, "pending")
    assert first["created_at"] > queued  # a new age: it is not given up again at once
    assert main(["hook-events"]) == 0
    assert capsys.readouterr().out.splitlines() == ["hook events: 2 waiting, 0 given up"]
    monkeypatch.delenv("ORDERBOT_HOOK_URL")
    assert main(["hook-events"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("no hook is configured")
