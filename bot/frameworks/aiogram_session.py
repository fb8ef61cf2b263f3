"""aiogram's HTTP session, holding on to the response models it builds.

aiogram parses every answer with `Response[method.__returning__]`, a generic pydantic model
built on first use. pydantic caches such models only weakly, so once the garbage collector
has run, the next call builds the model again: several milliseconds of schema building for
each answerCallbackQuery or sendMessage. Holding each built model keeps it in that cache.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import Response, TelegramMethod


class KeepingSession(AiohttpSession):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_models: set[type[Any]] = set()

    def check_response(self, bot: Bot, method: TelegramMethod[Any], status_code: int,
                       content: str) -> Response[Any]:
        self._response_models.add(Response[method.__returning__])  # type: ignore[name-defined]
        return super().check_response(bot, method, status_code, content)
