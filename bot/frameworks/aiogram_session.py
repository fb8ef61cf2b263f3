"""aiogram's HTTP session, holding on to the response models it builds, and settling the
received updates before each getUpdates.

aiogram parses every answer with `Response[method.__returning__]`, a generic pydantic model
built on first use. pydantic caches such models only weakly, so once the garbage collector
has run, the next call builds the model again: several milliseconds of schema building for
each answerCallbackQuery or sendMessage. Holding each built model keeps it in that cache.

A getUpdates acknowledges every update before its offset, so the updates aiogram's polling
has handed over are committed first (`before_poll`): a crash before that commit leaves them
unacknowledged, and Telegram sends them again.

Closing does not wait 250 ms after closing the aiohttp session, as aiogram's own close does
for SSL connections to shut down: aiohttp (3.12.11 on) aborts them when its connector closes.
Every stop of a bot paid that wait; the end-to-end tests stop one for each scenario.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiohttp import ClientSession


class KeepingSession(AiohttpSession):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.response_models: set[type[Any]] = set()
        self.before_poll: Callable[[], Awaitable[None]] | None = None
        self.aiohttp_session: ClientSession | None = None

    async def create_session(self) -> ClientSession:
        self.aiohttp_session = await super().create_session()
        return self.aiohttp_session

    async def close(self) -> None:
        if self.aiohttp_session is not None and not self.aiohttp_session.closed:
            await self.aiohttp_session.close()

    async def make_request(self, bot: Bot, method: TelegramMethod[Any],
                           timeout: int | None = None) -> Any:
        if self.before_poll is not None and isinstance(method, GetUpdates):
            await self.before_poll()
        return await super().make_request(bot, method, timeout)

    def check_response(self, bot: Bot, method: TelegramMethod[Any], status_code: int,
                       content: str) -> Response[Any]:
        self.response_models.add(Response[method.__returning__])  # type: ignore[name-defined]
        return super().check_response(bot, method, status_code, content)
