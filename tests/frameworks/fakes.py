"""A stand-in core for adapter tests: dedupes on the real inbox, echoes commands at once."""

from __future__ import annotations

from bot.clock import Clock, FakeClock
from bot.config import Settings
from bot.core.events import AnswerCallback, Button, ChatEvent, EventKind, ForceReply, SendMessage
from bot.delivery.transport import Transport
from bot.grouping import Reply
from bot.i18n import Translations
from bot.intake import Outage
from bot.storage.db import create_engine
from bot.storage.uow import UnitOfWorkFactory

ECHO_KEYBOARD = ((Button("Yes", "y:1"), Button("No", "n:1")),)


class EchoCore:
    """`/cmd args` -> "echo cmd args" (with buttons); a tap -> an alert; the rest recorded."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.clock = clock or FakeClock()
        self.uow_factory = UnitOfWorkFactory(create_engine(settings.database_url))
        self.events: list[ChatEvent] = []
        self.transport: Transport | None = None
        self.username = ""
        self.reads_all = False
        self.translations = Translations(default="en")
        self.outage = Outage()

    async def start(self, transport: Transport, bot_username: str = "",
                    run_scheduler: bool = True, bot_reads_all: bool = False) -> None:
        self.transport, self.username = transport, bot_username
        self.reads_all = bot_reads_all

    async def stop(self) -> None:
        await self.uow_factory.engine.dispose()

    async def receive(self, event: ChatEvent, reply: Reply) -> None:
        reply(await self.handle(event))

    async def settle(self) -> None:
        return None

    async def handle(self, event: ChatEvent) -> list[AnswerCallback]:
        async with self.uow_factory() as uow:
            if not await uow.inbox.claim(event.update_id, self.clock.now()):
                return []
            await uow.commit()
        self.events.append(event)
        if event.kind == EventKind.CALLBACK and event.callback_id:
            return [AnswerCallback(event.callback_id, f"tapped {event.callback_data}", True)]
        if event.kind == EventKind.COMMAND and self.transport is not None:
            prompt = ForceReply("your note") if event.command == "note" else None
            await self.transport.perform(SendMessage(
                event.chat_id, f"echo {event.command} {event.args}".strip(),
                keyboard=None if prompt else ECHO_KEYBOARD, force_reply=prompt,
                reply_to_message_id=event.message_id))
        return []
