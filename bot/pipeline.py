"""One update, one unit of work: dedupe it, route it, queue its messages, commit.

The state change, the inbox record and the outgoing messages commit together (outbox);
callback answers are ephemeral, and go to the adapter to perform once the update is committed.
On PostgreSQL, the updates of different chats are handled at once, each chat's in order; on
SQLite, updates received one after the other share a transaction, a savepoint each
(`bot.grouping`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import Clock
from bot.config import Settings
from bot.core.errors import ConcurrentChange, Refused
from bot.core.events import AnswerCallback, ChatEvent, Effect, EventKind
from bot.delivery.timer import LoopTimer, Timer
from bot.domain.note_check import NoteChecker
from bot.grouping import ChatLanes, CommitGroups, Reply
from bot.i18n import Translations
from bot.intake import Intake, OnceReply, Outage
from bot.metrics import Metrics
from bot.services import failed
from bot.services.published import publish
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory
from handlers.context import Context
from handlers.errors import error_effects
from handlers.failed import outage_answer, parked_effects
from handlers.router import Router
from handlers.stale import STATUS_CODES, is_stale, now_true, refresh_tapped

log = logging.getLogger("orderbot.pipeline")
CONFLICT_RETRIES = 2  # runs again of an update whose row another process saved first


@dataclass
class Pipeline:
    uow_factory: UnitOfWorkFactory
    router: Router
    clock: Clock
    settings: Settings
    translations: Translations
    checker: NoteChecker
    wake_sender: Callable[[], None] = lambda: None
    poke_scheduler: Callable[[], None] = lambda: None
    wake_hooks: Callable[[], None] | None = None  # set when a marketplace hook is configured
    bot_username: str = ""
    bot_reads_all: bool = False
    metrics: Metrics | None = None
    timer: Timer = field(default_factory=LoopTimer)  # the backoff through database faults
    outage: Outage = field(default_factory=Outage)

    def __post_init__(self) -> None:
        self._policy = self.settings.policy()  # settings are read once, at start
        self._intake = Intake(self.handle, self.park, self._outage_answer, self.timer,
                              self.settings.intake_backoff_max_seconds, self.metrics,
                              self.outage)
        self._groups = _commit_groups(self)
        self._lanes = _chat_lanes(self)

    async def handle(self, event: ChatEvent, again: bool = False) -> list[AnswerCallback]:
        """Handle one update exactly once, in a transaction of its own; return the callback
        answers to send now. `again`: a parked update is run again."""
        await _turn_taken()
        async with self.uow_factory() as uow:
            return await self._handle(uow, event, again)

    async def run_again(self, event: ChatEvent) -> None:
        """Run a parked update again, until it is handled or parked once more (its tap is
        long gone: nothing is answered)."""
        await self._intake.until_done(event, lambda _answers: None, again=True)

    async def receive(self, event: ChatEvent, reply: Reply) -> None:
        """Handle one update exactly once, or park it (`bot.intake`); `reply` gets its
        callback answers once it is committed. With chat lanes, it returns once the update is
        queued in its chat's lane; on SQLite the updates received one after the other share a
        commit (`bot.grouping`); either way `settle` waits until all are committed."""
        once = OnceReply(reply)
        if self._lanes is None:
            await self._received(event, once)
        else:
            await self._lanes.run(event.chat_id, lambda: self._received(event, once))

    async def _received(self, event: ChatEvent, once: OnceReply) -> None:
        if self._groups is None:
            await self._intake.until_done(event, once)
            return
        await _turn_taken()
        try:
            await self._groups.run(event, once)
        except Exception as error:  # the group is given up; its updates each go alone
            await self._groups.abandon()
            await self._intake.until_done(event, once, error)

    async def park(self, event: ChatEvent, error: BaseException, attempts: int
                   ) -> list[AnswerCallback]:
        """Set `event` aside with its error, in a transaction of its own; its chat is told
        (and the moderators, at most once an hour). Its tap's answer, to send now."""
        async with self.uow_factory() as uow:
            now = self.clock.now()
            parked = await failed.park(uow, event, error, attempts, now)
            ctx = await self._context(uow, event)
            effects = await parked_effects(ctx, event, parked.tell_moderators)
            for effect in effects:
                if not isinstance(effect, AnswerCallback):
                    await uow.outbox.add(effect, now)
            uow.after_commit(self.wake_sender)
            await uow.commit()
        return [e for e in effects if isinstance(e, AnswerCallback)]

    async def unreadable(self, update_id: int, payload: str, error: BaseException) -> None:
        """Keep an update no framework could read, with its error (waiting out a fault)."""
        async def park() -> None:
            async with self.uow_factory() as uow:
                await uow.inbox.park(update_id, self.clock.now(), chat_id=None, event=None,
                                     error=failed.error_line(error), attempts=1,
                                     payload=payload)
                await uow.commit()

        await self._intake.set_aside(update_id, error, park)

    def _outage_answer(self, event: ChatEvent) -> AnswerCallback:
        return outage_answer(self.translations, event.callback_id or "", event.user.language,
                             self.settings.default_language)

    async def settle(self) -> None:
        """Commit what `receive` has handled, and send its answers (before the updates are
        acknowledged to Telegram, and at shutdown)."""
        if self._lanes is not None:
            await self._lanes.drain()
        if self._groups is not None:
            await self._groups.settle()

    async def _handle(self, uow: UnitOfWork, event: ChatEvent, again: bool = False
                      ) -> list[AnswerCallback]:
        now = self.clock.now()
        ctx = await self._claimed(uow, event, now, again)
        if ctx is None:
            return []
        effects, error = await self._run(uow, event, ctx, now)
        if effects is None:
            return []
        order_id = await _order_for_log(ctx, event, effects, error)
        immediate = [e for e in effects if isinstance(e, AnswerCallback)]
        for effect in effects:
            if not isinstance(effect, AnswerCallback):
                await uow.outbox.add(effect, now)
        uow.after_commit(self.wake_sender)
        published = await publish(uow, hooked=self.wake_hooks is not None)
        if published.schedule_moved:
            uow.after_commit(self.poke_scheduler)
        if published.hook_events and self.wake_hooks is not None:
            uow.after_commit(self.wake_hooks)
        await uow.commit()
        outcome = "handled" if error is None else f"refused ({error.code}: {error})"
        log.info("update %s %s: %s, %d effects", event.update_id, outcome, event.kind,
                 len(effects), extra={"update_id": event.update_id, "chat_id": event.chat_id,
                                      "order_id": order_id})
        if self.metrics is not None:
            self.metrics.updates_handled.inc()
        if event.kind == EventKind.CALLBACK and event.callback_id and not immediate:
            immediate.append(AnswerCallback(event.callback_id))  # every tap is answered
        return immediate

    async def _claimed(self, uow: UnitOfWork, event: ChatEvent, now: datetime,
                       again: bool = False) -> Context | None:
        """The update's context, once it is claimed in the inbox; None for a repeat."""
        if not await uow.inbox.claim(event.update_id, now, again):
            log.info("update %s ignored: already handled", event.update_id,
                     extra={"update_id": event.update_id, "chat_id": event.chat_id})
            return None
        return await self._context(uow, event)

    async def _run(self, uow: UnitOfWork, event: ChatEvent, ctx: Context, now: datetime
                   ) -> tuple[list[Effect] | None, Refused | None]:
        """The update's effects, and the refusal if the core refused it (None: a repeat).

        A refusal undoes whatever the handler had changed by rolling the whole transaction
        back; the update is then claimed again, and its refusal answered, in a new one. (Most
        updates are not refused, and a savepoint around each would cost them two statements.)
        A conflict (another process saved the same row first: on PostgreSQL, two people's taps
        on one order at once) is not the person's doing: the update is run again, up to
        `CONFLICT_RETRIES` times, on the rows as they are now."""
        attempt = 0
        while True:
            try:
                effects = await self.router.dispatch(event, ctx)
                await uow.orders.save_touched()  # the activity: its conflict is retried too
                return effects, None
            except Refused as error:
                await uow.restart()
                again = await self._claimed(uow, event, now)
                if again is None:  # handled meanwhile by another process
                    return None, error
                if isinstance(error, ConcurrentChange) and attempt < CONFLICT_RETRIES:
                    attempt, ctx = attempt + 1, again
                    continue
                return await self._refused(event, again, error), error

    async def _refused(self, event: ChatEvent, ctx: Context, error: Refused) -> list[Effect]:
        effects = error_effects(event, ctx.t_person(event), error)
        if not is_stale(event, error):
            return effects
        about_status = error.code in STATUS_CODES and "status" in error.context
        now_true_line = await now_true(event, ctx) if about_status else None
        if now_true_line and effects and isinstance(effects[0], AnswerCallback):
            first = effects[0]
            effects[0] = AnswerCallback(first.callback_id, f"{first.text} {now_true_line}",
                                        alert=True)
        return effects + await refresh_tapped(event, ctx)

    async def _context(self, uow: UnitOfWork, event: ChatEvent) -> Context:
        now = self.clock.now()
        user = event.user
        chosen = None
        if not user.is_bot and user.id:
            person = await uow.people.seen(user.id, user.name, user.language, now)
            chosen = person.chosen_language
        moderators = frozenset(self.settings.moderator_ids) | await uow.moderators.ids()
        return Context(uow=uow, now=now, settings=self.settings, policy=self._policy,
                       translations=self.translations, checker=self.checker,
                       moderators=moderators, bot_username=self.bot_username,
                       bot_reads_all=self.bot_reads_all,
                       chosen_language=chosen)


async def _turn_taken() -> None:
    """On SQLite a whole update runs without waiting for anything (its statements do not
    suspend), so through a polled batch nothing else would run: yield once per update, and
    the last update's callback answer, the outbox sender and the scheduler go on."""
    await asyncio.sleep(0)


def _commit_groups(pipeline: Pipeline) -> CommitGroups | None:
    """Commit groups where writers take turns (SQLite), unless the settings turn them off."""
    settings = pipeline.settings
    if not pipeline.uow_factory.takes_turns or settings.commit_group_max_updates <= 1 \
            or settings.commit_group_max_ms <= 0:
        return None
    return CommitGroups(pipeline.uow_factory, pipeline._handle, pipeline._intake.until_done,
                        settings.commit_group_max_updates, settings.commit_group_max_ms / 1000)


def _chat_lanes(pipeline: Pipeline) -> ChatLanes | None:
    """Lanes when more than one update may be in flight (`ORDERBOT_CONCURRENCY`); one at a
    time, the updates run as they are received."""
    limit = pipeline.settings.updates_in_flight()
    return ChatLanes(limit) if limit > 1 else None


async def _order_for_log(ctx: Context, event: ChatEvent, effects: list[Effect],
                         error: Refused | None) -> int | None:
    """The order an update was about, for the log: the refusal's, else the one its queued
    messages name, else the chat's (None outside an order's chat)."""
    if not log.isEnabledFor(logging.INFO):
        return None
    known = error.context.get("order_id") if error is not None else None
    if isinstance(known, int):
        return known
    named = next((order_id for effect in effects
                  if isinstance(order_id := getattr(effect, "order_id", None), int)), None)
    if named is not None:
        return named
    order = await ctx.uow.orders.by_chat(event.chat_id, event.thread_id)
    return order.id if order is not None else None
