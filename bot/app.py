"""The composition root: everything is built here from Settings, nothing at import time."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.core.events import AnswerCallback, ChatEvent
from bot.delivery.config import DeliveryConfig
from bot.delivery.hooks import HookSender
from bot.delivery.sender import OutboxSender
from bot.delivery.timer import Timer
from bot.delivery.transport import Transport
from bot.domain.note_check import NoteChecker
from bot.grouping import Reply
from bot.i18n import Translations
from bot.metrics import Metrics
from bot.pipeline import Pipeline
from bot.services import notices
from bot.services.blocked import person_blocked
from bot.storage.db import create_engine
from bot.storage.hook_store import SqlHookEvents
from bot.storage.migrate import check_schema
from bot.storage.outbox_store import SqlOutbox
from bot.storage.uow import UnitOfWorkFactory
from handlers import build_router
from scheduler.setup import ReviewScheduler

log = logging.getLogger("orderbot")


@dataclass
class App:
    settings: Settings
    clock: Clock
    uow_factory: UnitOfWorkFactory
    translations: Translations
    pipeline: Pipeline
    scheduler: ReviewScheduler
    metrics: Metrics = field(default_factory=Metrics)
    sender: OutboxSender | None = None
    timer: Timer | None = None
    hooks: HookSender | None = None  # when ORDERBOT_HOOK_URL is set
    started: bool = field(default=False)

    async def handle(self, event: ChatEvent) -> list[AnswerCallback]:
        return await self.pipeline.handle(event)

    async def receive(self, event: ChatEvent, reply: Reply) -> None:
        await self.pipeline.receive(event, reply)

    async def settle(self) -> None:
        await self.pipeline.settle()

    async def start(self, transport: Transport, bot_username: str = "",
                    run_scheduler: bool = True, bot_reads_all: bool = False) -> None:
        """Check the schema, then start delivering and scheduling through `transport`.

        `bot_reads_all` is getMe's can_read_all_group_messages (privacy mode off)."""
        await check_schema(self.settings.database_url)
        self.pipeline.bot_username = bot_username
        self.pipeline.metrics = self.metrics
        self.pipeline.bot_reads_all = bot_reads_all
        self.sender = OutboxSender(SqlOutbox(self.uow_factory), transport, self.clock,
                                   DeliveryConfig.from_settings(self.settings),
                                   timer=self.timer, metrics=self.metrics,
                                   on_chat_lost=self._chat_lost)
        self.pipeline.wake_sender = self.sender.wake
        self.scheduler.wake_sender = self.sender.wake
        self.scheduler.metrics = self.metrics
        self.pipeline.poke_scheduler = self.scheduler.poke
        await self.sender.start()
        if self.hooks is not None:
            await self.hooks.start()
        if run_scheduler:
            await self.scheduler.start()
        self.started = True

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
        if self.sender is not None:
            self.sender.wake()

    async def stop(self) -> None:
        await self.pipeline.settle()
        if self.started:
            await self.scheduler.stop()
            if self.sender is not None:
                await self.sender.stop()
            if self.hooks is not None:
                await self.hooks.stop()
        await self.uow_factory.engine.dispose()
        self.started = False


def build_app(settings: Settings, clock: Clock | None = None, timer: Timer | None = None) -> App:
    """`timer` paces deliveries (Telegram's limits); by default the event loop's clock."""
    clock = clock or SystemClock()
    engine = create_engine(settings.database_url)
    uow_factory = UnitOfWorkFactory(engine)
    translations = Translations(default=settings.default_language)
    checker = NoteChecker()
    pipeline = Pipeline(uow_factory, build_router(), clock, settings, translations, checker)
    scheduler = ReviewScheduler(uow_factory, clock, settings, translations,
                                batch_size=settings.scheduler_batch_size,
                                sweep_interval=settings.scheduler_sweep_seconds,
                                leader_retry=settings.scheduler_leader_retry_seconds)
    metrics = Metrics()
    hooks = HookSender(SqlHookEvents(uow_factory), clock, settings, metrics) \
        if settings.hook_url else None
    if hooks is not None:
        uow_factory.on_hook_event = hooks.wake
    return App(settings, clock, uow_factory, translations, pipeline, scheduler, metrics,
               timer=timer, hooks=hooks)
