"""Telegram's error answers, with their exact codes, descriptions and parameters."""

from __future__ import annotations

import aiohttp
import pytest

from bot.sandbox.control import SandboxControl
from bot.sandbox.errors import NOT_MODIFIED, WEBHOOK_CONFLICT
from bot.sandbox.server import SandboxServer
from tests.sandbox.helpers import BotApi

KEYBOARD = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}


async def group(control: SandboxControl, **kwargs: object) -> int:
    user = await control.create_user("Ana")
    return await control.create_chat(members=[user], **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"text": ""}, "Bad Request: message text is empty"),
        ({"text": "   "}, "Bad Request: message text is empty"),
        ({}, "Bad Request: message text is empty"),
        ({"text": "x" * 4097}, "Bad Request: message is too long"),
        (
            {
                "text": "x",
                "reply_markup": {"inline_keyboard": [[{"text": "b", "callback_data": "ع" * 33}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        ({"text": "x", "reply_to_message_id": 999}, "Bad Request: message to be replied not found"),
    ],
)
async def test_send_message_bad_requests(
    api: BotApi, control: SandboxControl, params: dict[str, object], description: str
) -> None:
    chat = await group(control)
    answer = await api("sendMessage", chat_id=chat, **params)
    assert (answer.status, answer.body) == (
        400,
        {"ok": False, "error_code": 400, "description": description},
    )


async def test_limits_are_exact(api: BotApi, control: SandboxControl) -> None:
    chat = await group(control)
    assert (await api("sendMessage", chat_id=chat, text="x" * 4096)).status == 200
    data = {"inline_keyboard": [[{"text": "b", "callback_data": "ع" * 32}]]}
    assert (await api("sendMessage", chat_id=chat, text="x", reply_markup=data)).status == 200


async def test_chat_not_found(api: BotApi) -> None:
    for method in ("sendMessage", "getChat"):
        answer = await api(method, chat_id=-42, text="x")
        assert (answer.status, answer.description) == (400, "Bad Request: chat not found")


async def test_edit_and_delete_not_found(api: BotApi, control: SandboxControl) -> None:
    chat = await group(control)
    edit = await api("editMessageText", chat_id=chat, message_id=999, text="x")
    assert edit.description == "Bad Request: message to edit not found"
    markup = await api("editMessageReplyMarkup", chat_id=chat, message_id=999)
    assert markup.description == "Bad Request: message to edit not found"
    delete = await api("deleteMessage", chat_id=chat, message_id=999)
    assert (delete.status, delete.description) == (400, "Bad Request: message to delete not found")


async def test_not_modified(api: BotApi, control: SandboxControl) -> None:
    chat = await group(control)
    mid = (await api("sendMessage", chat_id=chat, text="a", reply_markup=KEYBOARD)).result[
        "message_id"
    ]
    same = await api(
        "editMessageText", chat_id=chat, message_id=mid, text="a", reply_markup=KEYBOARD
    )
    assert (same.status, same.description) == (400, NOT_MODIFIED)
    same_markup = await api(
        "editMessageReplyMarkup", chat_id=chat, message_id=mid, reply_markup=KEYBOARD
    )
    assert same_markup.description == NOT_MODIFIED


async def test_unauthorized_and_unknown_method(server: SandboxServer) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{server.base_url}/botnot-a-token/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with session.post(f"{server.base_url}/bot1:abc/frobnicate") as response:
            assert response.status == 404
            assert (await response.json())["description"] == "Not Found"


async def test_get_updates_conflicts_with_webhook(api: BotApi) -> None:
    assert (await api("setWebhook", url="http://127.0.0.1:9/hook")).result is True
    answer = await api("getUpdates")
    assert (answer.status, answer.description) == (409, WEBHOOK_CONFLICT)
    await api("deleteWebhook")
    assert (await api("getUpdates")).status == 200


async def test_stale_callback_query(api: BotApi) -> None:
    answer = await api("answerCallbackQuery", callback_query_id="nope")
    assert answer.description == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
