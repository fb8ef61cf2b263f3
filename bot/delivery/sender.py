"""The outbox sender: delivers queued effects in order per chat, within Telegram's limits.

Each row is claimed (state `sending`, with a lease) in a short unit of work, performed through
the transport with no transaction open, then recorded in another short unit of work. A chat has
at most one row in flight (its first open row), so its edits never overtake its sends; different
chats proceed concurrently, up to `outbox_concurrency`.

What goes first: the chats with the most work left (the least time their limits allow for their
open rows), both when rows are claimed and when claimed rows wait for the bot's next slot, so a
backlog drains as fast as the slowest chat allows. A chat still held back by its own limit is
not claimed until it is about to be free (`CLAIM_AHEAD`): it would only hold a slot.

The lease is short (a few seconds) so that a dead sender's rows are taken over soon: while
this sender holds claimed rows, a heartbeat renews their lease every third of it, so a slow
delivery (a long wait for a limit, a slow answer) keeps its claim.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from datetime import datetime, timedelta

from redis.asyncio import Redis

from bot.clock import Clock
from bot.core.outbox import Claimed, Pace, QueuedEffect
from bot.delivery.config import DeliveryConfig
from bot.delivery.doorbell import Doorbell
from bot.delivery.limits import (
    ChatLimiter,
    ChatLimits,
    Departure,
    GlobalLimiter,
    LocalGlobalLimiter,
    Slots,
)
from bot.delivery.outcomes import ChatLost, Outcomes
from bot.delivery.pauses import Pauses
from bot.delivery.ports import Outbox
from bot.delivery.redis_limits import RedisGlobalLimiter
from bot.delivery.shared_limits import SharedChatLimits
from bot.delivery.timer import LoopTimer, Timer
from bot.delivery.transport import DeliveryError, RetryAfter, Transport
from bot.metrics import Metrics

log = logging.getLogger("orderbot.delivery")

# A chat whose limit frees within this many seconds (or two of the bot's slots, if longer) is
# claimed already: rows are claimed as others finish, about one a slot, so it is claimed
# in time, read and prepared meanwhile, and then waits the rest. One held back longer is left
# unclaimed (it would hold a slot and a lease).
CLAIM_AHEAD = 0.1


class OutboxSender:
    def __init__(self, outbox: Outbox, transport: Transport, clock: Clock,
                 config: DeliveryConfig, *, timer: Timer | None = None,
                 metrics: Metrics | None = None, on_chat_lost: ChatLost | None = None,
                 global_limiter: GlobalLimiter | None = None,
                 rng: random.Random | None = None, doorbell: Doorbell | None = None) -> None:
        self._outbox = outbox
        self._transport = transport
        self._clock = clock
        self._cfg = config
        self._timer = timer or LoopTimer()
        self.metrics = metrics or Metrics()
        self._chats = ChatLimits(self._timer, self._cfg.private_per_second,
                                 self._cfg.group_per_minute, self._cfg.chat_limiters_max)
        self._pace = Pace(self._chats.spacing, self._cfg.group_per_minute, 60.0)
        self._ahead = max(CLAIM_AHEAD, 2.0 / self._cfg.global_per_second)
        self._owned_redis: Redis | None = None
        self._shared: SharedChatLimits | None = None  # every sender's answers, with Redis
        self._global = global_limiter or self._global_limiter()
        self._slots = Slots(self._global, self._timer)  # the chat with the most work left first
        self._outcomes = Outcomes(outbox, clock, self._cfg, self.metrics,
                                  on_chat_lost, rng or random.Random())
        self._wake = doorbell or Doorbell()  # rung once outbox rows are committed
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._pauses = Pauses(self._timer, self._global)  # a 429: the chat's wait or the bot's
        self._held: set[int] = set()  # the rows claimed and not yet recorded
        self._beat: asyncio.Task[None] | None = None  # renews their lease while there are any
        self._beat_sleeping = False

    def _global_limiter(self) -> GlobalLimiter:
        """Shared through Redis when `redis_url` is set (several senders), else in-process;
        each chat's limits are then shared too (`SharedChatLimits`)."""
        if not self._cfg.redis_url:
            return LocalGlobalLimiter(self._timer, self._cfg.global_per_second)
        self._owned_redis = Redis.from_url(self._cfg.redis_url)
        key = self._cfg.redis_rate_key
        self._shared = SharedChatLimits(self._owned_redis, self._wall_ms, self._chats.spacing,
                                        self._cfg.group_per_minute, key=key)
        return RedisGlobalLimiter(self._owned_redis, self._timer, self._wall_ms,
                                  self._cfg.global_per_second, key=key)

    def _wall_ms(self) -> float:
        return self._clock.now().timestamp() * 1000.0

    # -- lifecycle -------------------------------------------------------------------------

    def wake(self) -> None:
        """Deliver at once (call after committing outbox rows)."""
        self._wake.ring()

    async def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        """Finish the sends in flight; leave the rest pending for the next start."""
        self._stopping = True
        self._wake.ring()
        if self._task is not None:
            task, self._task = self._task, None
            await task
        await self._stop_beat()
        if self._owned_redis is not None:
            await self._owned_redis.aclose()

    async def flush(self, timeout: float = 10.0) -> None:
        """Wait (at most `timeout` real seconds) until no outbox row is open."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._task is None:
                await self.drain()
            else:
                self.wake()
            count, wait = await self._open_and_wait()
            if count == 0:
                return
            if loop.time() >= deadline:
                raise TimeoutError(f"{count} outbox rows are still open after {timeout} s")
            if self._task is not None:
                wait = min(wait, 0.02)
            else:  # rows are not claimed during a bot-wide pause: wait it out
                wait = max(wait, await self._pause_left())
            await self._timer.sleep(max(wait, 0.001))

    # -- draining --------------------------------------------------------------------------

    async def drain(self, until_empty: bool = True) -> int:
        """Deliver the ready rows now; return how many rows were handled."""
        handled = 0
        tasks: set[asyncio.Task[None]] = set()
        claiming = True
        while True:
            free = self._cfg.concurrency - len(tasks)
            wake_in: float | None = None
            if claiming and free > 0 and not self._stopping and await self._pause_left() <= 0:
                rows, wake_in = await self._claim(free)
                for row in rows:
                    self._hold(row.id)
                    tasks.add(asyncio.create_task(self._deliver_held(row)))
                claiming = until_empty
            if not tasks:
                # Only chats held back by their limits have rows: wait for the first, if soon
                # (each finished task claims again, so only an idle drain needs to wait).
                if claiming and wake_in is not None and wake_in <= self._cfg.defer_threshold:
                    await self._timer.sleep(wake_in)
                    continue
                break
            finished, tasks = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            handled += len(finished)
            for task in finished:
                if task.exception() is not None:
                    log.error("delivery failed unexpectedly", exc_info=task.exception())
        if handled:  # else the backlog's next look (`_open_and_wait`) sets the gauges
            await self._update_gauges()
        return handled

    async def _claim(self, limit: int) -> tuple[list[Claimed], float | None]:
        """Claim up to `limit` rows; and if none came, in how many seconds a chat held back by
        its limit may be claimed (None: no such chat has a row waiting)."""
        cooling = self._chats.cooling(self._ahead)
        claim = await self._outbox.claim(self._clock.now(), timedelta(seconds=self._cfg.lease),
                                         limit, skip=cooling, pace=self._pace)
        return claim.rows, self._cooling_wait(cooling, claim.held_back)

    def _cooling_wait(self, cooling: dict[int, float], waiting: set[int]) -> float | None:
        """Until the first of the `waiting` chats held back by its limit may be claimed."""
        if not waiting:
            return None
        return max(0.0, min(cooling[chat] for chat in waiting) - self._ahead)

    async def _deliver_held(self, row: Claimed) -> None:
        try:
            await self._deliver(row)
        finally:
            self._release(row.id)

    async def _deliver(self, row: Claimed) -> None:
        effect = await self._prepare(row)
        if effect is None:
            return
        slot = await self._within_limits(row)
        if slot is None:
            return
        try:
            message_id = await self._perform(effect, row.chat_id, *slot)
        except DeliveryError as exc:
            await self._on_error(row, effect, exc)
            return
        except Exception as exc:  # an adapter bug or an unmapped error: retry, then give up
            log.exception("transport raised an unexpected error", extra={
                "outbox_id": row.id, "chat_id": row.chat_id, "order_id": row.order_id})
            await self._outcomes.transient(row, f"unexpected: {exc!r}")
            return
        await self._outcomes.sent(row, effect, message_id)

    async def _perform(self, effect: QueuedEffect, chat_id: int, chat: ChatLimiter,
                       departure: Departure) -> int | None:
        """Perform the effect; whatever the outcome, Telegram had the request by the time it
        came back, and the limits count from then."""
        try:
            return await self._transport.perform(effect)
        finally:
            chat.done()
            departure.answered(self._timer.monotonic())
            if self._shared is not None:
                await self._shared.done(chat_id)

    async def _prepare(self, row: Claimed) -> QueuedEffect | None:
        verdict = await self._outbox.prepare(row, self._cfg.ref_wait)
        if verdict.give_up is not None:
            await self._outcomes.give_up(row, verdict.give_up)
        elif verdict.wait is not None:
            await self._outcomes.defer(row, verdict.wait, verdict.reason)
        return verdict.effect

    async def _on_error(self, row: Claimed, effect: QueuedEffect, exc: DeliveryError) -> None:
        if isinstance(exc, RetryAfter):  # decided before anything else awaits
            await self._pauses.on_429(exc, {"outbox_id": row.id, "chat_id": row.chat_id,
                                            "order_id": row.order_id})
        await self._outcomes.failure(row, effect, exc)

    async def _within_limits(self, row: Claimed) -> tuple[ChatLimiter, Departure] | None:
        """Wait for the chat's and the bot's limits; defer the row if the wait would be long.

        Each of the bot's slots goes to the waiting row whose chat has the most work left. The
        chat's slot is taken last, with nothing awaited before the send, so the chat's limiter
        knows the message is on its way (and counts from its answer)."""
        chat = self._chats.for_chat(row.chat_id)  # the row's chat (a ref may point elsewhere)
        while True:
            chat_wait, pause = await self._chat_wait(row.chat_id, chat), await self._pause_left()
            if chat_wait <= 0 and pause <= 0:
                departure = await self._slots.next(row.work_left)
                if await self._pause_left() <= 0 and chat.delay() <= 0 \
                        and await self._take_shared(row.chat_id):  # no 429 or sender meanwhile
                    self._chats.take(row.chat_id, chat)
                    return chat, departure
                departure.answered(self._timer.monotonic())  # unused: it counts as sent
                continue
            wait = max(chat_wait, pause)
            if wait > self._cfg.defer_threshold:
                reason = "the bot is paused by a 429" if pause >= chat_wait \
                    else "waiting for the rate limit"
                await self._outcomes.defer(row, wait, reason)
                return None
            await self._timer.sleep(wait)

    async def _chat_wait(self, chat_id: int, chat: ChatLimiter) -> float:
        """The chat's wait by this sender's answers and, with Redis, every sender's."""
        wait = chat.delay()
        if wait <= 0 and self._shared is not None:
            return await self._shared.delay(chat_id)
        return wait

    async def _take_shared(self, chat_id: int) -> bool:
        return self._shared is None or await self._shared.take(chat_id)

    async def _pause_left(self) -> float:
        return await self._pauses.left()

    # -- the heartbeat ------------------------------------------------------------------------

    def _hold(self, row_id: int) -> None:
        self._held.add(row_id)
        if self._beat is None or self._beat.done():
            self._beat = asyncio.create_task(self._heartbeat(), name="outbox-heartbeat")

    def _release(self, row_id: int) -> None:
        self._held.discard(row_id)
        if not self._held and self._beat_sleeping and self._beat is not None:
            self._beat.cancel()  # nothing to renew; the next claim starts it again
            self._beat = None

    async def _stop_beat(self) -> None:
        beat, self._beat = self._beat, None
        if beat is None:
            return
        if self._beat_sleeping:
            beat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beat  # a renewal under way is let finish (it ends as nothing is held)

    async def _heartbeat(self) -> None:
        """Every third of the lease, extend the lease of the rows this sender holds. A failed
        renewal (the database away) is logged and tried again at the next beat: the lease
        still has two thirds to run. Cancelled only while it sleeps, never in a transaction."""
        while self._held:
            self._beat_sleeping = True
            try:
                await self._timer.follow(self._cfg.lease / 3)
            finally:
                self._beat_sleeping = False
            held = sorted(self._held)
            if not held:
                break
            until = self._clock.now() + timedelta(seconds=self._cfg.lease)
            try:
                await self._outbox.renew(held, until)
            except Exception as error:
                log.warning("outbox leases not renewed for %d rows: %s", len(held), error)

    # -- the background loop -----------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.answer()
            try:
                await self.drain()
            except Exception:
                log.exception("the outbox drain failed; retrying")
            if self._stopping or self._wake.rung():
                continue
            await self._idle()

    async def _idle(self) -> None:
        try:
            count, wait = await self._open_and_wait()
        except Exception:
            log.exception("could not read the outbox")
            count, wait = 1, self._cfg.poll
        wait = max(wait, await self._pause_left(), 0.001)
        # Until a wake, the next look for rows another process queued (`poll`, in real time)
        # or, if rows are open, their own time (a retry, a lease, a chat's limit): on
        # simulated time that wait moves the clock in one step, not in `poll`-sized ones.
        pauses = [self._timer.idle(self._cfg.poll), self._wake.wait()]
        if count:
            pauses.append(self._timer.sleep(wait))
        tasks = [asyncio.create_task(pause) for pause in pauses]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _open_and_wait(self) -> tuple[int, float]:
        """How many rows are open, and how long until the next becomes claimable (its retry
        is due, its lease expires, or its chat's limit is about to free)."""
        cooling = self._chats.cooling(self._ahead)
        backlog = await self._outbox.backlog(cooling)
        self._set_gauges(backlog.count, backlog.oldest)
        held = self._cooling_wait(cooling, backlog.held_back)
        waits = [] if held is None else [held]
        if backlog.count and backlog.next_due is not None:
            waits.append(max(0.0, (backlog.next_due - self._clock.now()).total_seconds()))
        return backlog.count, min(waits, default=self._cfg.poll)

    async def _update_gauges(self) -> None:
        depth = await self._outbox.depth()
        self._set_gauges(depth.count, depth.oldest)

    def _set_gauges(self, count: int, oldest: datetime | None) -> None:
        self.metrics.outbox_depth.set(count)
        age = (self._clock.now() - oldest).total_seconds() if oldest else 0.0
        self.metrics.outbox_oldest_age_seconds.set(max(0.0, age))
