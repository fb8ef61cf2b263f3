"""The python-telegram-bot 22 adapter: its Bot is the transport, its Updater does the polling."""

from __future__ import annotations

import logging
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    Update,
)
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.config import Settings
from bot.frameworks.answers import CallbackAnswers
from bot.frameworks.base import ALLOWED_UPDATES, Receiver, handle_event
from bot.frameworks.ptb_events import event_from_update
from bot.frameworks.ptb_polling import SettlingRequest
from bot.frameworks.ptb_request import AiohttpRequest
from bot.frameworks.ptb_transport import PtbTransport
from handlers.command_menus import CommandMenu, Scope

log = logging.getLogger("orderbot.ptb")
POLLING_TIMEOUT = 10

PtbApplication = Application[Any, Any, Any, Any, Any, Any]


class PtbAdapter:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.username = ""
        self.reads_all = False
        self._application: PtbApplication | None = None
        self._transport: PtbTransport | None = None
        self._answers: CallbackAnswers | None = None
        self._receiver: Receiver | None = None
        self._polling: SettlingRequest | None = None

    @property
    def application(self) -> PtbApplication:
        if self._application is None:
            raise RuntimeError("the python-telegram-bot adapter is not open")
        return self._application

    @property
    def transport(self) -> PtbTransport:
        if self._transport is None:
            raise RuntimeError("the python-telegram-bot adapter is not open")
        return self._transport

    @property
    def answers(self) -> CallbackAnswers:
        if self._answers is None:
            raise RuntimeError("the python-telegram-bot adapter is not open")
        return self._answers

    async def open(self) -> str:
        base = self.settings.api_base_url.rstrip("/")
        # The bot's calls go through aiohttp (`ptb_request`); the long poll keeps PTB's own
        # request, which waits for the updates before it to be committed (`ptb_polling`).
        self._polling = SettlingRequest(read_timeout=POLLING_TIMEOUT + 5)
        application = (Application.builder().token(self.settings.bot_token)
                       .base_url(base + "/bot").base_file_url(base + "/file/bot")
                       .get_updates_request(self._polling)
                       .request(AiohttpRequest()).build())
        application.add_handler(TypeHandler(Update, self._on_update))
        self._application = application
        self._transport = PtbTransport(application.bot)
        self._answers = CallbackAnswers(self._transport)
        await application.initialize()  # getMe; the Application starts with the polling
        self.username = application.bot.username or ""
        self.reads_all = bool(application.bot.can_read_all_group_messages)
        return self.username

    async def set_commands(self, menus: list[CommandMenu]) -> None:
        """Telegram's command menu per scope and language (setMyCommands)."""
        for menu in menus:
            commands = [BotCommand(name, text) for name, text in menu.commands]
            await self.application.bot.set_my_commands(commands, scope=_scope(menu.scope),
                                                       language_code=menu.language_code)

    async def process(self, payload: dict[str, Any], receiver: Receiver) -> bool:
        update = Update.de_json(payload, self.application.bot)
        return await handle_event(event_from_update(update, self.username), receiver,
                                  self.answers)

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if self._receiver is None:
            return
        try:
            event = event_from_update(update, self.username)
        except Exception as error:  # PTB's: the core waits out or parks its own
            await self._receiver.unreadable(update.update_id, update.to_json(), error)
            return
        await handle_event(event, self._receiver, self.answers)

    async def start_polling(self, receiver: Receiver) -> None:
        updater = self.application.updater
        if updater is None or self._polling is None:
            raise RuntimeError("python-telegram-bot was built without an updater")
        self._receiver = receiver
        self._polling.before_poll = self._settle_queue
        await self.application.start()  # handles what the Updater puts in its queue
        # The Updater always calls deleteWebhook first (without dropping pending updates; no
        # parameter turns that off): the runner has refused to get here while one is set.
        await updater.start_polling(poll_interval=0.0, timeout=POLLING_TIMEOUT,
                                    allowed_updates=ALLOWED_UPDATES)

    async def _settle_queue(self) -> None:
        """Before a getUpdates: the updates fetched so far handled (or parked), then
        committed. However long that takes (a database fault stops intake until it clears),
        none is acknowledged before."""
        await self.application.update_queue.join()
        if self._receiver is not None:
            await self._receiver.settle()

    async def stop_polling(self) -> None:
        updater = self._application.updater if self._application else None
        if updater is not None and updater.running:
            await updater.stop()

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.application.bot.set_webhook(url=url, secret_token=secret,
                                               allowed_updates=ALLOWED_UPDATES)

    async def current_webhook_url(self) -> str:
        return (await self.application.bot.get_webhook_info()).url

    async def delete_webhook(self) -> None:
        await self.application.bot.delete_webhook(drop_pending_updates=False)

    async def close(self) -> None:
        application, self._application = self._application, None
        if application is None:
            return
        if self._answers is not None:
            await self._answers.drain()
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()


def _scope(scope: Scope) -> BotCommandScope:
    if isinstance(scope, tuple):
        return BotCommandScopeChat(scope[1])
    if scope == "all_private_chats":
        return BotCommandScopeAllPrivateChats()
    if scope == "all_group_chats":
        return BotCommandScopeAllGroupChats()
    return BotCommandScopeDefault()
