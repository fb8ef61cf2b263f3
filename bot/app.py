"""The composition root: everything is built here from Settings, nothing at import time.

Two stages, each built through constructors: `build_app` makes what needs only the settings
(the database, the scheduler, the hook sender), and `App.start` makes what needs the
framework's transport and the bot's name (the outbox sender, the pipeline), as `Started`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.core.events import AnswerCallback, ChatEvent
from bot.delivery.config import DeliveryConfig
from bot.delivery.doorbell import Doorbell
from bot.delivery.hooks import HookSender
from bot.delivery.sender import OutboxSender
from bot.delivery.timer import LoopTimer, Timer
from bot.delivery.transport import Transport
from bot.domain.note_check import NoteChecker
from bot.grouping import Reply
from bot.i18n import Translations
from bot.intake import Outage
from bot.metrics import Metrics
from bot.pipeline import Pipeline
from bot.services import notices
from bot.services.blocked import person_blocked
from bot.startup import check_schema
from bot.storage.db import create_engine
from bot.storage.hook_repos import SqlHookEvents
from bot.storage.outbox import SqlOutbox
from bot.storage.uow import UnitOfWorkFactory
from handlers import build_router
from scheduler.setup import ReviewScheduler

log = logging.getLogger("orderbot")
POOL_SPARE = 4  # connections beside the updates and the sender's: scheduler, webhook, hooks


@dataclass(frozen=True)
class Started:
    """The parts that exist once the bot is connected."""

    sender: OutboxSender
    pipeline: Pipeline


@dataclass
class App:
    settings: Settings
    clock: Clock
    uow_factory: UnitOfWorkFactory
    translations: Translations
    scheduler: ReviewScheduler
    metrics: Metrics = field(default_factory=Metrics)
    timer: Timer | None = None
    hooks: HookSender | None = None  # when ORDERBOT_HOOK_URL is set
    outbox_bell: Doorbell = field(default_factory=Doorbell)  # rung when rows are queued
    # A database fault stopping intake. Its backoff waits in real time: a virtual clock (the
    # tests', `orderbot try`'s) must not be pushed forward while the database is away.
    outage: Outage = field(default_factory=Outage)
    started: Started | None = field(default=None)

    @property
    def pipeline(self) -> Pipeline:
        return self._started().pipeline

    @property
    def sender(self) -> OutboxSender:
        return self._started().sender

    def _started(self) -> Started:
        if self.started is None:
            raise RuntimeError("the app is not started")
        return self.started

    async def handle(self, event: ChatEvent) -> list[AnswerCallback]:
        return await self.pipeline.handle(event)

    async def receive(self, event: ChatEvent, reply: Reply) -> None:
        await self.pipeline.receive(event, reply)

    async def settle(self) -> None:
        await self.pipeline.settle()

    async def unreadable(self, update_id: int, payload: str, error: BaseException) -> None:
        await self.pipeline.unreadable(update_id, payload, error)

    async def start(self, transport: Transport, bot_username: str = "",
                    run_scheduler: bool = True, bot_reads_all: bool = False) -> None:
        """Check the schema, then start delivering and scheduling through `transport`.

        `bot_reads_all` is getMe's can_read_all_group_messages (privacy mode off)."""
        await check_schema(self.settings.database_url)
        started = Started(self._sender(transport), self._pipeline(bot_username, bot_reads_all))
        await started.sender.start()
        if self.hooks is not None:
            await self.hooks.start()
        if run_scheduler:
            await self.scheduler.start()
        self.started = started

    def pipeline_without_delivery(self) -> Pipeline:
        """A pipeline for `orderbot updates --retry`: what it queues waits in the outbox for
        the running bot's sender."""
        return self._pipeline("", False)

    def _sender(self, transport: Transport) -> OutboxSender:
        return OutboxSender(SqlOutbox(self.uow_factory), transport, self.clock,
                            DeliveryConfig.from_settings(self.settings), timer=self.timer,
                            metrics=self.metrics, on_chat_lost=self._chat_lost,
                            doorbell=self.outbox_bell)

    def _pipeline(self, bot_username: str, bot_reads_all: bool) -> Pipeline:
        return Pipeline(self.uow_factory, build_router(), self.clock, self.settings,
                        self.translations, NoteChecker(), wake_sender=self.outbox_bell.ring,
                        poke_scheduler=self.scheduler.poke,
                        wake_hooks=self.hooks.wake if self.hooks is not None else None,
                        bot_username=bot_username,
                        bot_reads_all=bot_reads_all, metrics=self.metrics,
                        timer=self.outage.timer, outage=self.outage)

    async def _chat_lost(self, chat_id: int, reason: str) -> None:
        """A 403 ended deliveries to a chat: the moderators are told (once per chat). A
        private chat is a person who blocked the bot; a group, an order's chat."""
        async with self.uow_factory() as uow:
            moderators = await notices.moderator_ids(uow, self.settings.moderator_ids)
            now, default = self.clock.now(), self.settings.default_language
            if chat_id > 0:  # Telegram's private chats have the person's (positive) id
                await person_blocked(uow, chat_id, moderators, self.translations, default, now)
            else:
                order = await uow.orders.by_chat(chat_id)
                if order is None:
                    return
                await notices.chat_lost(uow, order, moderators, self.translations, default,
                                        now)
            await uow.commit()
        self.outbox_bell.ring()

    async def stop(self) -> None:
        started, self.started = self.started, None
        if started is not None:
            await started.pipeline.settle()
            await self.scheduler.stop()
            await started.sender.stop()
            if self.hooks is not None:
                await self.hooks.stop()
        await self.uow_factory.engine.dispose()


def _pool(settings: Settings) -> dict[str, int]:
    """On PostgreSQL, a connection for each update in flight, each chat the sender delivers
    to at once, and a few more, so that none of them waits for the pool (README, "Concurrency")."""
    if settings.on_sqlite():
        return {}
    wanted = settings.updates_in_flight() + settings.outbox_concurrency + POOL_SPARE
    return {"pool_size": max(10, wanted)}


def build_app(settings: Settings, clock: Clock | None = None, timer: Timer | None = None) -> App:
    """`timer` paces deliveries (Telegram's limits); by default the event loop's clock."""
    clock = clock or SystemClock()
    outbox_bell, hook_bell = Doorbell(), Doorbell()
    hooked = bool(settings.hook_url)
    uow_factory = UnitOfWorkFactory(create_engine(settings.database_url, **_pool(settings)))
    translations = Translations(default=settings.default_language, regions=settings.regions())
    metrics = Metrics()
    scheduler = ReviewScheduler(uow_factory, clock, settings, translations,
                                wake_sender=outbox_bell.ring,
                                wake_hooks=hook_bell.ring if hooked else None, metrics=metrics)
    hooks = HookSender(SqlHookEvents(uow_factory), clock, settings, metrics,
                       doorbell=hook_bell) if hooked else None
    return App(settings, clock, uow_factory, translations, scheduler, metrics, timer=timer,
               hooks=hooks, outbox_bell=outbox_bell,
               outage=Outage(metrics, LoopTimer()))
