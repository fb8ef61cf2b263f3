"""Settings, read from the environment (prefix ORDERBOT_) and an optional .env file."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from typing import Annotated, Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.policy import Policy
from bot.domain.quiet_hours import QuietHours

IdList = Annotated[tuple[int, ...], NoDecode]
LocaleList = Annotated[tuple[str, ...], NoDecode]
LOCALE_WITH_TERRITORY = re.compile(r"(?i)(en|es|pt|ar)[_-]([a-z]{2}|[0-9]{3})")
HourList = Annotated[tuple[float, ...], NoDecode]
DEFAULT_CONCURRENCY = 8  # updates in flight on a database whose writers work at once


def _split_numbers(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, int | float):
        return (value,)
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ORDERBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: str = ""
    framework: Literal["aiogram", "ptb"] = "aiogram"
    api_base_url: str = "https://api.telegram.org"
    database_url: str = "sqlite:///orderbot.db"
    redis_url: str | None = None
    default_language: Literal["en", "es", "pt", "ar"] = "es"
    timezone: str = "Europe/Madrid"
    # The territory of each language's new orders, as locales: it decides the first day of
    # the week, date and number formats ("es_MX,pt_BR,ar_EG"); a language left out keeps
    # its default (es_ES, pt_BR, ar_SA).
    default_regions: LocaleList = ("es_ES", "pt_BR", "ar_SA")
    # The marketplace's own name in the texts that speak of it; unset, they say "marketplace".
    marketplace_name: str | None = None
    # No scheduled note, reminder or check-in notice is posted in this span of the order's
    # local time ("21:00-08:00"); one due then goes when it ends. Empty turns it off.
    quiet_hours: str = "21:00-08:00"
    moderator_ids: IdList = ()

    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8080
    webhook_max_bytes: int = Field(1024 * 1024, gt=0)
    # A stored update is leased by the worker handling it, renewed every third of this; when
    # a worker dies, another takes its updates over once their lease has run out.
    webhook_lease_seconds: float = Field(6.0, gt=0)
    metrics_port: int | None = None

    reminder_hours: HourList = (24.0, 48.0, 72.0, 168.0)
    reminder_repeat_hours: float = Field(168.0, gt=0)
    rating_window_days: int = Field(90, gt=0)
    checkin_min_hours: float = Field(24.0, ge=0)
    checkin_max_days: float = Field(7.0, gt=0)
    refund_wait_hours: float = Field(48.0, gt=0)
    included_revisions: int = Field(2, ge=0)
    note_max_length: int = Field(1000, gt=0, le=3000)
    comment_max_length: int = Field(1000, gt=0, le=3000)

    # Delivery: Telegram's limits and how failures are retried.
    rate_global_per_second: float = Field(30.0, gt=0)
    rate_private_per_second: float = Field(1.0, gt=0)
    rate_group_per_minute: int = Field(20, gt=0)
    rate_chat_limiters_max: int = Field(10_000, gt=0)
    redis_rate_key: str = "orderbot:rate:global"
    outbox_concurrency: int = Field(8, gt=0)
    # A claimed message is leased by its sender, renewed every third of this while it is being
    # delivered; when the sender dies, another takes the message over once the lease runs out.
    outbox_lease_seconds: float = Field(6.0, gt=0)
    outbox_max_attempts: int = Field(8, gt=0)
    outbox_max_age_seconds: float = Field(3600.0, gt=0)
    outbox_backoff_base_seconds: float = Field(1.0, gt=0)
    outbox_backoff_max_seconds: float = Field(60.0, gt=0)
    outbox_poll_seconds: float = Field(5.0, gt=0)
    outbox_defer_threshold_seconds: float = Field(2.0, gt=0)
    outbox_ref_wait_seconds: float = Field(1.0, gt=0)

    # The marketplace's hook: refund events posted as signed JSON (README, "Marketplace
    # hook"). Each is retried with backoff until the hook answers 2xx, for at most
    # `hook_max_age_hours`.
    hook_url: str | None = None
    hook_secret: str | None = None
    hook_timeout_seconds: float = Field(10.0, gt=0)
    hook_backoff_base_seconds: float = Field(10.0, gt=0)
    hook_backoff_max_seconds: float = Field(3600.0, gt=0)
    hook_max_age_hours: float = Field(72.0, gt=0)
    hook_poll_seconds: float = Field(30.0, gt=0)

    # Inbox: how long update ids are kept to recognise a repeat (at least 48 h), how often
    # older ones are deleted.
    inbox_retention_hours: float = Field(72.0, ge=48)
    inbox_prune_interval_seconds: float = Field(3600.0, gt=0)
    # While the database fails, the update at hand is tried again after 0.5 s, 1 s, 2 s...
    # up to this many seconds between tries.
    intake_backoff_max_seconds: float = Field(30.0, gt=0)

    # Updates handled at once, each chat's still in order (`bot.grouping`). Unset: 8 on
    # PostgreSQL (the pool follows it, `bot.app`), 1 on SQLite (its writers take turns).
    concurrency: int | None = Field(None, gt=0)

    # SQLite: updates received one after the other commit together, at most this many, and
    # at most this long after the first (an answer waits for its update's commit). 1 or 0
    # turns it off: a commit per update.
    commit_group_max_updates: int = Field(64, ge=0)
    commit_group_max_ms: float = Field(10.0, ge=0)

    # Scheduler: how much it does per batch and how often it sweeps.
    scheduler_batch_size: int = Field(500, gt=0)
    scheduler_sweep_seconds: float = Field(60.0, gt=0)
    scheduler_leader_retry_seconds: float = Field(10.0, gt=0)

    # The validators have public names: a `_name` of the project's on pydantic's class could
    # meet one of pydantic's own.
    @field_validator("moderator_ids", "reminder_hours", mode="before")
    @classmethod
    def split_comma_separated(cls, value: object) -> object:
        return _split_numbers(value)

    @field_validator("reminder_hours")
    @classmethod
    def check_increasing(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(b <= a for a, b in itertools.pairwise(value)) or any(v <= 0 for v in value):
            raise ValueError("reminder hours must be positive and increasing")
        return value

    @field_validator("default_regions", mode="before")
    @classmethod
    def split_locales(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("default_regions")
    @classmethod
    def check_regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # The shape only: CLDR's data is read later (a territory it does not know for the
        # language falls back to the built-in default, see bot.i18n.Translations).
        for code in value:
            if not LOCALE_WITH_TERRITORY.fullmatch(code):
                raise ValueError(f"not a supported language with a territory: {code!r} "
                                 "(e.g. pt_BR)")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def check_quiet_hours(cls, value: str) -> str:
        QuietHours.parse(value)  # raises ValueError with the reason
        return value

    @field_validator("hook_url", "hook_secret", "marketplace_name", mode="before")
    @classmethod
    def blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("hook_url")
    @classmethod
    def check_http_url(cls, value: str | None) -> str | None:
        if value is not None:
            parsed = urlparse(value)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValueError(f"the hook needs an http(s) address, not {value!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def check_known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    def regions(self) -> dict[str, str]:
        """Language -> default territory ({"pt": "BR"}): the configured ones over the built-in
        es_ES, pt_BR, ar_SA."""
        chosen = (code.replace("-", "_").split("_") for code in self.default_regions)
        return {"es": "ES", "pt": "BR", "ar": "SA",
                **{language.lower(): territory.upper() for language, territory in chosen}}

    def quiet(self) -> QuietHours | None:
        return QuietHours.parse(self.quiet_hours)

    def updates_in_flight(self) -> int:
        """`concurrency`, or its default for the configured database."""
        if self.concurrency is not None:
            return self.concurrency
        return 1 if self.on_sqlite() else DEFAULT_CONCURRENCY

    def on_sqlite(self) -> bool:
        """True when the database is SQLite (`sqlite:///...`, `sqlite+aiosqlite:///...`)."""
        return self.database_url.split(":", 1)[0].split("+", 1)[0] == "sqlite"

    def policy(self) -> Policy:
        return Policy(
            reminder_offsets=tuple(timedelta(hours=h) for h in self.reminder_hours),
            reminder_repeat=timedelta(hours=self.reminder_repeat_hours),
            rating_window=timedelta(days=self.rating_window_days),
            checkin_min=timedelta(hours=self.checkin_min_hours),
            checkin_max=timedelta(days=self.checkin_max_days),
            refund_wait=timedelta(hours=self.refund_wait_hours),
            included_revisions=self.included_revisions,
            note_max_length=self.note_max_length,
            comment_max_length=self.comment_max_length,
            quiet_hours=self.quiet(),
        )
