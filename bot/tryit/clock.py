"""The try-out's clock: virtual (it starts on a fixed date and jumps when asked), and running
like a wall clock in between, so that deliveries wait out Telegram's limits and 429s in real
seconds while the bot's dates move only as far as the page moves them."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

START = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)


class RunningClock:
    def __init__(self, start: datetime = START,
                 elapsed: Callable[[], float] = time.monotonic) -> None:
        self._elapsed = elapsed
        self._origin = elapsed()
        self._start = start
        self.jumps = 0  # how many times it was moved: a running clock changes all the time

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed() - self._origin)

    def advance(self, delta: timedelta) -> datetime:
        self._start += delta
        self.jumps += 1
        return self.now()

    def set(self, moment: datetime) -> None:
        self._start += moment - self.now()
        self.jumps += 1
