"""The same method through JSON, form-encoded and multipart bodies (as PTB and aiogram send)."""

from __future__ import annotations

import pytest

from bot.sandbox.control import SandboxControl
from tests.sandbox.helpers import BotApi

KEYBOARD = {"inline_keyboard": [[{"text": "Sí", "callback_data": "y"}]]}


@pytest.mark.parametrize("encoding", ["json", "form", "multipart"])
async def test_send_with_nested_markup(api: BotApi, control: SandboxControl, encoding: str) -> None:
    user = await control.create_user("Ana")
    params = {"chat_id": user, "text": "¿Listo?", "reply_markup": KEYBOARD}
    if encoding == "json":
        answer = await api("sendMessage", **params)
    else:
        answer = await api.form("sendMessage", multipart=encoding == "multipart", **params)
    assert answer.result["reply_markup"] == KEYBOARD
    assert answer.result["text"] == "¿Listo?"


async def test_query_string_and_booleans(api: BotApi, control: SandboxControl) -> None:
    user = await control.create_user("Ana")
    mid = (await api("sendMessage", chat_id=user, text="x", reply_markup=KEYBOARD)).result[
        "message_id"
    ]
    query_id = await control.tap(user, mid, user, data="y")
    answer = await api.form("answerCallbackQuery", callback_query_id=query_id, show_alert=True)
    assert answer.result is True
    assert (await control.callback_answer(query_id))["show_alert"] is True
    url = f"{api.base_url}/bot{api.token}/getChat?chat_id={user}"
    async with api.session.get(url) as response:
        assert (await response.json())["result"]["id"] == user


async def test_method_names_are_case_insensitive(api: BotApi) -> None:
    assert (await api("getme")).result["is_bot"] is True
