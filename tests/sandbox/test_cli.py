"""`orderbot sandbox`: its banner, and real aiogram and PTB clients talking to it."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
import telegram
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.sandbox.cli import usage
from bot.sandbox.control import SandboxControl
from tests.sandbox.helpers import TOKEN


def test_usage_names_both_frameworks() -> None:
    text = usage("http://127.0.0.1:8081")
    assert "TelegramAPIServer.from_base('http://127.0.0.1:8081')" in text
    assert "base_url('http://127.0.0.1:8081/bot')" in text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sandbox_command() -> Iterator[str]:
    """`orderbot sandbox --port N` in its own process, as a person starts it."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "sandbox", "--port", str(port)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert f"listening on http://127.0.0.1:{port}" in banner
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_the_sandbox_command_serves_both_frameworks(sandbox_command: str) -> None:
    async with SandboxControl(sandbox_command) as control:
        await control.register_bot(TOKEN)
        user = await control.create_user("Ana")
        await control.post(user, user, "/start")
        session = AiohttpSession(api=TelegramAPIServer.from_base(sandbox_command))
        aiogram_bot = Bot(TOKEN, session=session)
        try:
            [update] = await aiogram_bot.get_updates(timeout=1)
            assert update.message is not None and update.message.text == "/start"
            await aiogram_bot.send_message(user, "Hola desde aiogram")
        finally:
            await session.close()
        ptb_bot = telegram.Bot(TOKEN, base_url=sandbox_command + "/bot")
        async with ptb_bot:
            await ptb_bot.send_message(user, "Hola desde PTB")
        texts = [message["text"] for message in await control.messages(user)]
        assert texts == ["/start", "Hola desde aiogram", "Hola desde PTB"]
