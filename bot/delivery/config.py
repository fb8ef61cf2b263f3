"""The sender's slice of the settings: Telegram's limits, retries, and the shared limiter."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings


@dataclass(frozen=True)
class DeliveryConfig:
    concurrency: int
    lease: float
    max_attempts: int
    max_age: float
    backoff_base: float
    backoff_max: float
    poll: float
    defer_threshold: float
    ref_wait: float
    global_per_second: float
    private_per_second: float
    group_per_minute: int
    chat_limiters_max: int
    redis_url: str | None  # set: the limits are shared with other senders through Redis
    redis_rate_key: str

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryConfig:
        return cls(
            concurrency=settings.outbox_concurrency,
            lease=settings.outbox_lease_seconds,
            max_attempts=settings.outbox_max_attempts,
            max_age=settings.outbox_max_age_seconds,
            backoff_base=settings.outbox_backoff_base_seconds,
            backoff_max=settings.outbox_backoff_max_seconds,
            poll=settings.outbox_poll_seconds,
            defer_threshold=settings.outbox_defer_threshold_seconds,
            ref_wait=settings.outbox_ref_wait_seconds,
            global_per_second=settings.rate_global_per_second,
            private_per_second=settings.rate_private_per_second,
            group_per_minute=settings.rate_group_per_minute,
            chat_limiters_max=settings.rate_chat_limiters_max,
            redis_url=settings.redis_url,
            redis_rate_key=settings.redis_rate_key,
        )
