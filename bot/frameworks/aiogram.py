"""The aiogram 3 adapter: its Bot is the transport, its Dispatcher does the long polling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    BotCommandScopeUnion,
    TelegramObject,
    Update,
)

from bot.config import Settings
from bot.frameworks.aiogram_events import event_from_update
from bot.frameworks.aiogram_session import KeepingSession
from bot.frameworks.aiogram_transport import AiogramTransport
from bot.frameworks.answers import CallbackAnswers
from bot.frameworks.base import ALLOWED_UPDATES, Receiver, handle_event
from handlers.command_menus import CommandMenu, Scope

log = logging.getLogger("orderbot.aiogram")
POLLING_TIMEOUT = 10

Next = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class AiogramAdapter:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.username = ""
        self.reads_all = False
        self._bot: Bot | None = None
        self._transport: AiogramTransport | None = None
        self._answers: CallbackAnswers | None = None
        self._dispatcher: Dispatcher | None = None
        self._polling: asyncio.Task[None] | None = None

    @property
    def bot(self) -> Bot:
        if self._bot is None:
            raise RuntimeError("the aiogram adapter is not open")
        return self._bot

    @property
    def transport(self) -> AiogramTransport:
        if self._transport is None:
            raise RuntimeError("the aiogram adapter is not open")
        return self._transport

    @property
    def answers(self) -> CallbackAnswers:
        if self._answers is None:
            raise RuntimeError("the aiogram adapter is not open")
        return self._answers

    async def open(self) -> str:
        server = TelegramAPIServer.from_base(self.settings.api_base_url.rstrip("/"))
        self._bot = Bot(self.settings.bot_token, session=KeepingSession(api=server))
        self._transport = AiogramTransport(self._bot)
        self._answers = CallbackAnswers(self._transport)
        me = await self._bot.get_me()
        self.username = me.username or ""
        self.reads_all = bool(me.can_read_all_group_messages)
        return self.username

    async def set_commands(self, menus: list[CommandMenu]) -> None:
        """Telegram's command menu per scope and language (setMyCommands)."""
        for menu in menus:
            commands = [BotCommand(command=name, description=text) for name, text in menu.commands]
            await self.bot.set_my_commands(commands, scope=_scope(menu.scope),
                                           language_code=menu.language_code)

    async def process(self, payload: dict[str, Any], receiver: Receiver) -> bool:
        update = Update.model_validate(payload, context={"bot": self.bot})
        return await self._dispatch(update, receiver)

    async def _dispatch(self, update: Update, receiver: Receiver) -> bool:
        event = event_from_update(update, self.username)
        return await handle_event(event, receiver, self.answers)

    async def start_polling(self, receiver: Receiver) -> None:
        dispatcher = Dispatcher()

        async def on_update(_next: Next, update: TelegramObject, _data: dict[str, Any]) -> None:
            if not isinstance(update, Update):
                return
            try:
                event = event_from_update(update, self.username)
            except Exception as error:  # aiogram's: the core waits out or parks its own
                await receiver.unreadable(update.update_id, update.model_dump_json(), error)
                return
            await handle_event(event, receiver, self.answers)

        dispatcher.update.outer_middleware(on_update)
        self._dispatcher = dispatcher
        if isinstance(self.bot.session, KeepingSession):
            self.bot.session.before_poll = receiver.settle
        self._polling = asyncio.create_task(dispatcher.start_polling(
            self.bot, polling_timeout=POLLING_TIMEOUT, handle_as_tasks=False,
            allowed_updates=ALLOWED_UPDATES, handle_signals=False, close_bot_session=False))

    async def stop_polling(self) -> None:
        task, dispatcher = self._polling, self._dispatcher
        self._polling = self._dispatcher = None
        if task is None or dispatcher is None or task.done():
            return
        try:
            await asyncio.wait_for(dispatcher.stop_polling(), timeout=POLLING_TIMEOUT)
        except (RuntimeError, TimeoutError):  # not running yet, or stuck: cancel it
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    async def current_webhook_url(self) -> str:
        return (await self.bot.get_webhook_info()).url

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)

    async def close(self) -> None:
        await self.stop_polling()
        if self._answers is not None:
            await self._answers.drain()
        if self._bot is not None:
            await self._bot.session.close()
            self._bot = None


def _scope(scope: Scope) -> BotCommandScopeUnion:
    if isinstance(scope, tuple):
        return BotCommandScopeChat(chat_id=scope[1])
    if scope == "all_private_chats":
        return BotCommandScopeAllPrivateChats()
    if scope == "all_group_chats":
        return BotCommandScopeAllGroupChats()
    return BotCommandScopeDefault()
