"""Telegram's flood limits, enforced only when switched on; time comes from an injected clock."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

GLOBAL_PER_SECOND = 30
PRIVATE_PER_SECOND = 1.0
PRIVATE_BURST = 3
GROUP_PER_MINUTE = 20


@dataclass
class Bucket:
    tokens: float
    stamp: float


def _retry(seconds: float) -> int:
    return max(1, math.ceil(seconds))


class SlidingWindow:
    """At most `limit` events in any `span` seconds."""

    def __init__(self, limit: int, span: float) -> None:
        self.limit = limit
        self.span = span
        self.times: deque[float] = deque()

    def wait_needed(self, now: float) -> float:
        while self.times and self.times[0] <= now - self.span:
            self.times.popleft()
        if len(self.times) < self.limit:
            return 0.0
        return self.times[0] + self.span - now

    def add(self, now: float) -> None:
        self.times.append(now)


class RateLimits:
    """Per bot: ~30 messages/s overall, 1/s per private chat (small burst), 20/min per group."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.enabled = False
        self._global: dict[int, SlidingWindow] = {}
        self._groups: dict[tuple[int, int], SlidingWindow] = {}
        self._private: dict[tuple[int, int], Bucket] = {}

    def reset(self) -> None:
        self._global.clear()
        self._groups.clear()
        self._private.clear()

    def check(self, bot_id: int, chat_id: int, is_group: bool) -> int | None:
        """Count one send/edit; return retry_after seconds instead if it is over a limit."""
        if not self.enabled:
            return None
        now = self.clock()
        overall = self._global.setdefault(bot_id, SlidingWindow(GLOBAL_PER_SECOND, 1.0))
        waits = [overall.wait_needed(now)]
        if is_group:
            group = self._groups.setdefault(
                (bot_id, chat_id), SlidingWindow(GROUP_PER_MINUTE, 60.0)
            )
            waits.append(group.wait_needed(now))
        else:
            waits.append(self._private_wait(bot_id, chat_id, now))
        if max(waits) > 0:
            return _retry(max(waits))
        overall.add(now)
        if is_group:
            group.add(now)
        else:
            self._private[(bot_id, chat_id)].tokens -= 1
        return None

    def _private_wait(self, bot_id: int, chat_id: int, now: float) -> float:
        bucket = self._private.setdefault((bot_id, chat_id), Bucket(PRIVATE_BURST, now))
        bucket.tokens = min(
            PRIVATE_BURST, bucket.tokens + (now - bucket.stamp) * PRIVATE_PER_SECOND
        )
        bucket.stamp = now
        if bucket.tokens >= 1:
            return 0.0
        return (1 - bucket.tokens) / PRIVATE_PER_SECOND
