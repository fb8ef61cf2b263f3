"""Real aiogram and python-telegram-bot clients talk to the sandbox as to Telegram."""

from __future__ import annotations

import pytest
import telegram
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter

from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from tests.sandbox.helpers import BOT_ID, TOKEN


async def test_aiogram_bot(server: SandboxServer, control: SandboxControl) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
    bot = Bot(TOKEN, session=session)
    try:
        me = await bot.get_me()
        assert me.id == BOT_ID and me.username == f"orderbot_{BOT_ID}_bot"
        user = await control.create_user("Ana")
        await control.post(user, user, "/start")
        [update] = await bot.get_updates(timeout=1)
        assert update.message is not None and update.message.text == "/start"
        sent = await bot.send_message(user, "Hola", reply_to_message_id=update.message.message_id)
        assert sent.text == "Hola" and sent.reply_to_message is not None
        doc = await bot.send_document(user, telegram_file(), caption="cap")
        assert doc.document is not None and doc.document.file_name == "a.txt"
        assert (await control.documents(user))[0]["content"] == b"hello"
        await control.inject_fault("429", retry_after=3)
        try:
            await bot.send_message(user, "x")
            raise AssertionError("expected a retry-after")
        except TelegramRetryAfter as error:
            assert error.retry_after == 3
        await control.block_bot(user)
        try:
            await bot.send_message(user, "x")
            raise AssertionError("expected forbidden")
        except TelegramForbiddenError as error:
            assert "blocked by the user" in error.message
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await bot.send_message(user + 999, "x")
    finally:
        await bot.session.close()


def telegram_file() -> object:
    from aiogram.types import BufferedInputFile

    return BufferedInputFile(b"hello", filename="a.txt")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_ptb_bot(server: SandboxServer, control: SandboxControl) -> None:
    bot = telegram.Bot(TOKEN, base_url=server.base_url + "/bot")
    await bot.initialize()
    try:
        assert bot.username == f"orderbot_{BOT_ID}_bot"
        user = await control.create_user("Bea")
        await control.post(user, user, "/start")
        [update] = await bot.get_updates(timeout=1)
        assert update.message is not None and update.message.text == "/start"
        keyboard = telegram.InlineKeyboardMarkup(
            [[telegram.InlineKeyboardButton("OK", callback_data="ok")]]
        )
        sent = await bot.send_message(user, "Hola", reply_markup=keyboard)
        assert sent.reply_markup is not None
        query = await control.tap(user, sent.message_id, user, text="OK")
        [tap] = await bot.get_updates(offset=update.update_id + 1, timeout=1)
        assert tap.callback_query is not None and tap.callback_query.data == "ok"
        await bot.answer_callback_query(tap.callback_query.id, text="Done")
        assert (await control.callback_answer(query))["text"] == "Done"
        doc = await bot.send_document(user, b"bytes", filename="r.pdf", caption="c")
        assert doc.document is not None and doc.document.file_name == "r.pdf"
        assert (await control.documents(user))[0]["content"] == b"bytes"
        await control.inject_fault("429", retry_after=2)
        try:
            await bot.send_message(user, "x")
            raise AssertionError("expected RetryAfter")
        except telegram.error.RetryAfter as error:
            assert "Retry in 2 seconds" in str(error)
    finally:
        await bot.shutdown()
