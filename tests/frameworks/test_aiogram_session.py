"""KeepingSession holds the `Response[...]` models it parses with, so that a garbage collection
does not make the next answer rebuild one (pydantic caches them only weakly); closing it closes
its aiohttp session."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import AnswerCallbackQuery, Response

from bot.frameworks.aiogram_session import KeepingSession

OK = '{"ok": true, "result": true}'


async def _model_after_a_collection(session: AiohttpSession) -> weakref.ref[type[Any]]:
    """The model `session` parsed an answer with, looked at after `gc.collect()`."""
    bot = Bot("123456:abc", session=session)
    response = session.check_response(bot, AnswerCallbackQuery(callback_query_id="1"), 200, OK)
    assert response.result is True
    model: weakref.ref[type[Any]] = weakref.ref(type(response))
    del response
    gc.collect()
    return model


async def test_the_response_model_survives_a_collection() -> None:
    session = KeepingSession()
    try:
        model = await _model_after_a_collection(session)
        alive = model()
        assert alive is not None
        assert alive is Response[bool]
    finally:
        await session.close()


async def test_a_plain_session_lets_the_model_be_collected() -> None:
    # Why KeepingSession exists: without it nothing holds the model once the answer is gone.
    session = AiohttpSession()
    try:
        model = await _model_after_a_collection(session)
        assert model() is None
    finally:
        await session.close()


async def test_close_closes_the_aiohttp_session_and_a_new_one_can_be_made() -> None:
    session = KeepingSession()
    await session.close()  # never used: nothing to close
    first = await session.create_session()
    assert await session.create_session() is first  # one session for the bot's life
    await session.close()
    assert first.closed
    await session.close()  # closing twice is harmless
    second = await session.create_session()
    assert second is not first and not second.closed
    await session.close()
    assert second.closed
