"""Telegram's limits: about 30 messages a second for the bot, 1 a second per chat, 20 a minute
per group.

Telegram counts a message when it arrives, and a request arrives somewhere between when it
leaves and when its answer comes back. So each limit here is counted from the answers of the
messages before: the next message to a chat leaves at least 1 s after the answer to the
previous one, the 21st to a group at least 60 s after the answer to the 1st, and a message of
the bot leaves only when fewer than 30 of the earlier ones can still arrive within the second
before it (those answered less than 1 s ago, and those not answered yet). Then Telegram sees
them at least that far apart whatever the latency was, so no margin for latency is needed;
the margins left cover clocks only (`CLOCK_MARGIN`, `GROUP_WINDOW_MARGIN`).

All limiters read the injected `Timer`, so tests drive them with fake time. Each answers
`delay()` (seconds before one more may leave), so the sender can leave a chat that would wait
long unclaimed, or defer a row, instead of holding a claim.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Protocol

from bot.delivery.timer import Timer

log = logging.getLogger("orderbot.delivery")

EPSILON = 1e-6  # waits shorter than this are rounding noise (a float clock would never pass them)
# Added to every spacing counted from an answer: Telegram's clock and ours may run at slightly
# different rates (NTP slews a clock by at most 0.05 %, 0.5 ms a second; this is ten times it).
CLOCK_MARGIN = 0.005
# Added to a group's minute, counted from the answers (the same reason, over 60 s: 30 ms at
# 0.05 %; kept at its old 1 s, as the window is rarely what holds a chat back).
GROUP_WINDOW_MARGIN = 1.0
# The bot's messages are spaced evenly (1/30 s), but a message that left late (the event loop
# was busy) may be followed by up to this many sooner, so lateness is made up instead of lost;
# the window of answers (at most 30 in any second) still holds.
BOT_BURST = 3


class LeakyBucket:
    """A leaky bucket on the injected timer: `max_rate` per `time_period`, `max_rate` at once.

    Each message adds 1 to the level, which drains at `max_rate / time_period` a second; one more
    may leave while the level stays at most `max_rate`. `delay()` tells how long until then.
    (aiolimiter's `AsyncLimiter` has the same bucket, but its public API neither runs on another
    clock than the event loop's, which fake time cannot drive, nor tells a wait without waiting.)
    """

    def __init__(self, timer: Timer, max_rate: float, time_period: float) -> None:
        self._timer = timer
        self._max_rate = max_rate
        self._rate_per_sec = max_rate / time_period
        self._level = 0.0
        self._last_check = 0.0

    def _leak(self) -> None:
        now = self._timer.monotonic()
        if self._level:
            elapsed = max(0.0, now - self._last_check)
            self._level = max(self._level - elapsed * self._rate_per_sec, 0.0)
        self._last_check = now

    def delay(self) -> float:
        """Seconds before one more may leave (0: now)."""
        self._leak()
        wait = (self._level + 1 - self._max_rate) / self._rate_per_sec
        return wait if wait > EPSILON else 0.0

    def take(self) -> None:
        """One leaves now."""
        self._leak()
        self._level += 1


class Departure:
    """One of the bot's messages: when it left, and when its answer came (None: not yet)."""

    __slots__ = ("_on_answer", "answered_at", "left_at")

    def __init__(self, left_at: float, on_answer: Callable[[], None] | None = None) -> None:
        self.left_at = left_at
        self.answered_at: float | None = None
        self._on_answer = on_answer

    def answered(self, at: float) -> None:
        if self.answered_at is None:
            self.answered_at = at
            if self._on_answer is not None:
                self._on_answer()


class ChatLimiter:
    """One chat's limits, counted from the answers: `spacing` between two messages and, for a
    group, at most `window_limit` in any `window` seconds."""

    def __init__(self, timer: Timer, spacing: float, window_limit: int | None = None,
                 window: float = 60.0) -> None:
        self._timer = timer
        self._spacing = spacing + CLOCK_MARGIN
        self._window = window + GROUP_WINDOW_MARGIN
        self._windowed = window_limit is not None
        self._answers: deque[float] = deque(maxlen=window_limit or 1)
        self._in_flight = 0

    def ready_at(self) -> float:
        """When (timer time) the next message may leave."""
        now = self._timer.monotonic()
        if self._in_flight:  # it may reach Telegram any moment: ask again a spacing later
            return now + self._spacing
        if not self._answers:
            return now
        at = self._answers[-1] + self._spacing
        if self._windowed and len(self._answers) == self._answers.maxlen:
            at = max(at, self._answers[0] + self._window)
        return at

    def delay(self) -> float:
        wait = self.ready_at() - self._timer.monotonic()
        return wait if wait > EPSILON else 0.0

    def take(self) -> None:
        """A message leaves now (call `done` when its answer, or its failure, comes)."""
        self._in_flight += 1

    def done(self) -> None:
        self._in_flight = max(0, self._in_flight - 1)
        self._answers.append(self._timer.monotonic())


class ChatLimits:
    """Per-chat limiters in a bounded LRU, so memory stays flat with many chats.

    Evicting the least recently used chat is safe while `max_chats` exceeds what the bot can
    reach within a limit's window (at 30/s, 10 000 chats span 333 s > the 60 s group window).
    The chats that sent lately are also kept apart until their limit frees (`cooling`), so the
    sender can leave them unclaimed.
    """

    def __init__(self, timer: Timer, private_per_second: float = 1.0,
                 group_per_minute: int = 20, max_chats: int = 10_000) -> None:
        self._timer = timer
        self._private = private_per_second
        self._group = group_per_minute
        self._max = max_chats
        self._chats: OrderedDict[int, ChatLimiter] = OrderedDict()
        self._recent: dict[int, ChatLimiter] = {}

    def __len__(self) -> int:
        return len(self._chats)

    @property
    def spacing(self) -> float:
        """The least time between two messages to one chat (before the margin)."""
        return 1.0 / self._private

    def for_chat(self, chat_id: int) -> ChatLimiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            limiter = self._make(chat_id)
            self._chats[chat_id] = limiter
            while len(self._chats) > self._max:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        return limiter

    def take(self, chat_id: int, limiter: ChatLimiter) -> None:
        limiter.take()
        self._recent[chat_id] = limiter

    def cooling(self, ahead: float = 0.0) -> dict[int, float]:
        """The chats whose limit frees more than `ahead` seconds from now: chat -> seconds."""
        now = self._timer.monotonic()
        found: dict[int, float] = {}
        for chat_id, limiter in list(self._recent.items()):
            wait = limiter.ready_at() - now
            if wait <= EPSILON:
                del self._recent[chat_id]
            elif wait > ahead + EPSILON:
                found[chat_id] = wait
        return found

    def _make(self, chat_id: int) -> ChatLimiter:
        if chat_id > 0:
            return ChatLimiter(self._timer, self.spacing)
        return ChatLimiter(self._timer, self.spacing, self._group, 60.0)


class GlobalLimiter(Protocol):
    """The bot-wide limit, and the bot-wide pause a 429 can call for."""

    async def acquire(self) -> Departure:
        """Wait for the bot's next slot; the message leaves now (tell the departure its
        answer, or its failure, when it comes)."""
        ...

    async def pause(self, seconds: float) -> None:
        """Nothing is sent for `seconds` (a pause already longer stays)."""
        ...

    async def paused_for(self) -> float:
        """Seconds left of the bot-wide pause (0 when there is none)."""
        ...


class LocalGlobalLimiter:
    """The bot-wide limit in one process: at most `per_second` in any second at Telegram, the
    messages spaced evenly, a late one made up by up to `burst` sooner ones.

    A message may leave when fewer than `per_second` of the earlier ones can still reach
    Telegram within the second before it: those answered less than a second ago, and those
    still on their way. (Of any `per_second` + 1 messages, the last to leave then left at least
    a second after one of the others had surely arrived.) A request that hangs takes one place
    until it ends, not the whole window.
    """

    def __init__(self, timer: Timer, per_second: float, burst: int = BOT_BURST) -> None:
        self._timer = timer
        self._limit = max(1, int(per_second))
        self._pace = LeakyBucket(timer, burst, burst / per_second)
        self._recent: list[Departure] = []  # on their way, or answered within the window
        self._an_answer = asyncio.Event()
        self._paused_until = 0.0

    def _window_delay(self) -> float | None:
        """Seconds until the window has room (None: not before one more answer comes)."""
        if len(self._recent) < self._limit:
            return 0.0
        now = self._timer.monotonic()
        window = 1.0 + CLOCK_MARGIN
        self._recent = [d for d in self._recent
                        if d.answered_at is None or d.answered_at + window - now > EPSILON]
        if len(self._recent) < self._limit:
            return 0.0
        answered = [d.answered_at for d in self._recent if d.answered_at is not None]
        return min(answered) + window - now if answered else None

    async def acquire(self) -> Departure:
        while True:
            window = self._window_delay()
            if window is None:  # all on their way: wait for an answer, not for a time
                self._an_answer.clear()
                await self._an_answer.wait()
                continue
            wait = max(self._pace.delay(), window)
            if wait <= 0:
                break
            await self._timer.sleep(wait)
        self._pace.take()
        departure = Departure(self._timer.monotonic(), self._an_answer.set)
        self._recent.append(departure)
        return departure

    async def pause(self, seconds: float) -> None:
        self.pause_now(seconds)

    def pause_now(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._timer.monotonic() + seconds)

    async def paused_for(self) -> float:
        left = self._paused_until - self._timer.monotonic()
        return left if left > EPSILON else 0.0


class Slots:
    """The bot's slots, each given to the most urgent waiter when it comes (ties: the first to
    ask): while anyone waits, one runner takes slots from the bot-wide limiter.

    So a message of the chat with the most work left takes the next slot even if others were
    waiting before it came; the choice is made when the slot is there, not when one asks.
    """

    def __init__(self, limiter: GlobalLimiter, timer: Timer) -> None:
        self._limiter = limiter
        self._timer = timer
        self._waiting: list[tuple[float, int, asyncio.Future[Departure]]] = []
        self._count = 0
        self._runner: asyncio.Task[None] | None = None

    async def next(self, urgency: float) -> Departure:
        future: asyncio.Future[Departure] = asyncio.get_running_loop().create_future()
        self._count += 1
        heapq.heappush(self._waiting, (-urgency, self._count, future))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run(), name="outbox-slots")
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # given a slot, then cancelled
                future.result().answered(self._timer.monotonic())  # it counts as sent
            raise

    def _drop_gone(self) -> None:
        while self._waiting and self._waiting[0][2].done():
            heapq.heappop(self._waiting)

    async def _run(self) -> None:
        try:
            while True:
                self._drop_gone()
                if not self._waiting:
                    return
                departure = await self._limiter.acquire()
                self._drop_gone()
                if not self._waiting:  # the waiters went meanwhile: the slot counts as used
                    departure.answered(self._timer.monotonic())
                    return
                heapq.heappop(self._waiting)[2].set_result(departure)
        except BaseException as exc:  # the limiter failed: every waiter learns of it
            for _, _, future in self._waiting:
                if not future.done():
                    future.set_exception(exc if isinstance(exc, Exception)
                                         else RuntimeError("the slots' runner stopped"))
            self._waiting.clear()
            raise
