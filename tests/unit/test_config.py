"""Settings: the product's defaults, the ORDERBOT_ environment, a .env file, and refusals."""

from __future__ import annotations

import os
import re
from datetime import time, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.domain.policy import Policy


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ORDERBOT_ variable and no .env from the developer's machine."""
    for name in list(os.environ):
        if name.upper().startswith("ORDERBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_follow_the_product() -> None:
    s = Settings()
    assert s.reminder_hours == (24.0, 48.0, 72.0, 168.0)
    assert s.reminder_repeat_hours == 168.0
    assert s.rating_window_days == 90
    assert (s.checkin_min_hours, s.checkin_max_days) == (24.0, 7.0)
    assert s.refund_wait_hours == 48.0
    assert s.included_revisions == 2
    assert s.moderator_ids == ()
    assert s.framework == "aiogram"
    assert s.default_language == "es" and s.timezone == "Europe/Madrid"
    assert s.database_url == "sqlite:///orderbot.db"
    assert s.redis_url is None and s.webhook_url is None


def test_default_policy_equals_the_domain_default() -> None:
    assert Settings().policy() == Policy()


def test_environment_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBOT_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("ORDERBOT_FRAMEWORK", "ptb")
    monkeypatch.setenv("ORDERBOT_DEFAULT_LANGUAGE", "ar")
    monkeypatch.setenv("ORDERBOT_RATING_WINDOW_DAYS", "30")
    monkeypatch.setenv("BOT_TOKEN", "not-this-one")
    monkeypatch.setenv("RATING_WINDOW_DAYS", "5")
    s = Settings()
    assert (s.bot_token, s.framework, s.default_language) == ("123:abc", "ptb", "ar")
    assert s.rating_window_days == 30


@pytest.mark.parametrize(("raw", "ids"), [
    ("7001", (7001,)), ("7001,7002", (7001, 7002)), (" 7001 , 7002 ,", (7001, 7002)),
    ("", ()), ("-100123", (-100123,)), ("5000000000", (5000000000,)),
])
def test_moderator_ids_comma_separated(monkeypatch: pytest.MonkeyPatch, raw: str,
                                       ids: tuple[int, ...]) -> None:
    monkeypatch.setenv("ORDERBOT_MODERATOR_IDS", raw)
    assert Settings().moderator_ids == ids


def test_reminder_hours_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBOT_REMINDER_HOURS", "1, 2.5,12")
    monkeypatch.setenv("ORDERBOT_REMINDER_REPEAT_HOURS", "24")
    s = Settings()
    assert s.reminder_hours == (1.0, 2.5, 12.0)
    policy = s.policy()
    assert policy.reminder_offsets == (timedelta(hours=1), timedelta(minutes=150),
                                       timedelta(hours=12))
    assert policy.reminder_repeat == timedelta(hours=24)


def test_python_values_are_accepted() -> None:
    s = Settings(moderator_ids=[1, 2], reminder_hours=[5, 6], _env_file=None)
    assert (s.moderator_ids, s.reminder_hours) == ((1, 2), (5.0, 6.0))
    assert Settings(moderator_ids=9, _env_file=None).moderator_ids == (9,)


def test_policy_from_settings() -> None:
    s = Settings(rating_window_days=30, checkin_min_hours=12, checkin_max_days=3,
                 refund_wait_hours=72, included_revisions=0, note_max_length=500,
                 comment_max_length=200, _env_file=None)
    p = s.policy()
    assert p.rating_window == timedelta(days=30)
    assert (p.checkin_min, p.checkin_max) == (timedelta(hours=12), timedelta(days=3))
    assert p.refund_wait == timedelta(hours=72)
    assert (p.included_revisions, p.note_max_length, p.comment_max_length) == (0, 500, 200)
    assert p.note_hour == time(10, 0)


@pytest.mark.parametrize(("name", "value"), [
    ("MODERATOR_IDS", "1,abc"),
    ("MODERATOR_IDS", "[1,2]"),
    ("MODERATOR_IDS", "1.5"),
    ("REMINDER_HOURS", "48,24"),
    ("REMINDER_HOURS", "24,24"),
    ("REMINDER_HOURS", "0,24"),
    ("REMINDER_HOURS", "-1"),
    ("REMINDER_HOURS", "a,b"),
    ("REMINDER_REPEAT_HOURS", "0"),
    ("RATING_WINDOW_DAYS", "0"),
    ("RATING_WINDOW_DAYS", "ninety"),
    ("CHECKIN_MIN_HOURS", "-1"),
    ("CHECKIN_MAX_DAYS", "0"),
    ("REFUND_WAIT_HOURS", "0"),
    ("INCLUDED_REVISIONS", "-1"),
    ("NOTE_MAX_LENGTH", "0"),
    ("NOTE_MAX_LENGTH", "3001"),
    ("COMMENT_MAX_LENGTH", "5000"),
    ("FRAMEWORK", "django"),
    ("DEFAULT_LANGUAGE", "fr"),
    ("TIMEZONE", "Mars/Olympus_Mons"),
    ("TIMEZONE", "../etc/passwd"),
    ("WEBHOOK_PORT", "http"),
])
def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(f"ORDERBOT_{name}", value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert name.lower() in str(caught.value)


@pytest.mark.parametrize("zone", ["America/Sao_Paulo", "Asia/Riyadh", "UTC"])
def test_known_time_zones(monkeypatch: pytest.MonkeyPatch, zone: str) -> None:
    monkeypatch.setenv("ORDERBOT_TIMEZONE", zone)
    assert Settings().timezone == zone


def test_env_file(tmp_path: Path) -> None:
    env = tmp_path / "custom.env"
    env.write_text("ORDERBOT_BOT_TOKEN=42:xyz\nORDERBOT_MODERATOR_IDS=11,12\n"
                   "ORDERBOT_REMINDER_HOURS=6,30\nORDERBOT_TIMEZONE=Asia/Riyadh\n"
                   "UNRELATED=1\n", encoding="utf-8")
    s = Settings(_env_file=env)
    assert s.bot_token == "42:xyz"
    assert s.moderator_ids == (11, 12)
    assert s.reminder_hours == (6.0, 30.0)
    assert s.timezone == "Asia/Riyadh"


def test_dot_env_in_the_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ORDERBOT_DEFAULT_LANGUAGE=pt\n", encoding="utf-8")
    assert Settings().default_language == "pt"
    assert Settings(_env_file=None).default_language == "es"


def test_environment_wins_over_env_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = tmp_path / "x.env"
    env.write_text("ORDERBOT_INCLUDED_REVISIONS=5\n", encoding="utf-8")
    monkeypatch.setenv("ORDERBOT_INCLUDED_REVISIONS", "1")
    assert Settings(_env_file=env).included_revisions == 1


def test_bad_value_in_env_file_is_refused(tmp_path: Path) -> None:
    env = tmp_path / "bad.env"
    env.write_text("ORDERBOT_REMINDER_HOURS=72,24\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        Settings(_env_file=env)


def _documented_settings(readme: str) -> set[str]:
    """The ORDERBOT_ names README's tables give, spelling out `ORDERBOT_A_B` / `_C` as
    ORDERBOT_A_B and ORDERBOT_A_C."""
    names = set(re.findall(r"`(ORDERBOT_[A-Z_]+)`", readme))
    for first, suffix in re.findall(r"`(ORDERBOT_[A-Z_]+)` / `(_[A-Z_]+)`", readme):
        kept = first.split("_")[:-(suffix.count("_"))]
        names.add("_".join(kept) + suffix)
    return names


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    documented = _documented_settings(readme)
    missing = [f"ORDERBOT_{name.upper()}" for name in Settings.model_fields
               if f"ORDERBOT_{name.upper()}" not in documented]
    assert missing == []
