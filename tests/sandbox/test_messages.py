"""Sending, editing, deleting, documents and callback answers through the raw Bot API."""

from __future__ import annotations

import asyncio

import aiohttp

from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from tests.e2e.conftest import until
from tests.sandbox.helpers import BOT_ID, TOKEN, BotApi, kinds, updates

KEYBOARD = {"inline_keyboard": [[{"text": "Done", "callback_data": "st:1:done"}]]}


async def group_with(control: SandboxControl, admin: bool = False) -> tuple[int, int]:
    user = await control.create_user("Ana", language="es")
    chat = await control.create_chat(members=[user], bot_admin=admin)
    return chat, user


async def test_get_me_reports_privacy(api: BotApi, control: SandboxControl) -> None:
    me = (await api("getMe")).result
    assert me["id"] == BOT_ID and me["is_bot"] and me["username"] == f"orderbot_{BOT_ID}_bot"
    assert me["can_join_groups"] and not me["can_read_all_group_messages"]
    assert me["supports_inline_queries"] is False
    await control.set_privacy(False)
    assert (await api("getMe")).result["can_read_all_group_messages"]


async def test_send_message_with_keyboard_thread_and_reply(
    api: BotApi, control: SandboxControl
) -> None:
    chat, user = await group_with(control)
    asked = await control.post(chat, user, "/neworder")
    sent = (
        await api(
            "sendMessage",
            chat_id=chat,
            text="Order 7",
            reply_markup=KEYBOARD,
            reply_parameters={"message_id": asked},
            message_thread_id=5,
            parse_mode="HTML",
            link_preview_options={"is_disabled": True},
        )
    ).result
    assert sent["text"] == "Order 7" and sent["message_thread_id"] == 5
    assert sent["reply_to_message"]["message_id"] == asked
    assert sent["reply_markup"] == KEYBOARD
    [now] = [m for m in await control.messages(chat) if m["message_id"] == sent["message_id"]]
    assert now["buttons"] == [[{"text": "Done", "data": "st:1:done"}]]
    assert now["reply_to_message_id"] == asked


async def test_force_reply_is_kept(api: BotApi, control: SandboxControl) -> None:
    chat, _ = await group_with(control)
    markup = {"force_reply": True, "input_field_placeholder": "Your note", "selective": True}
    sent = (await api("sendMessage", chat_id=chat, text="Note?", reply_markup=markup)).result
    entry = await control.wait_for(chat, lambda e: e["message_id"] == sent["message_id"])
    assert entry["force_reply"] == {"placeholder": "Your note", "selective": True}


async def test_edit_text_and_markup(api: BotApi, control: SandboxControl) -> None:
    chat, _ = await group_with(control)
    sent = (await api("sendMessage", chat_id=chat, text="a", reply_markup=KEYBOARD)).result
    mid = sent["message_id"]
    edited = (
        await api("editMessageText", chat_id=chat, message_id=mid, text="b", reply_markup=KEYBOARD)
    ).result
    assert edited["text"] == "b" and "edit_date" in edited
    cleared = (await api("editMessageReplyMarkup", chat_id=chat, message_id=mid)).result
    assert "reply_markup" not in cleared
    [now] = [m for m in await control.messages(chat) if m["message_id"] == mid]
    assert now["text"] == "b" and now["buttons"] == []
    edits = [e for e in await control.transcript(chat) if e["kind"] == "edit"]
    assert [e["text"] for e in edits] == ["b", "b"]


async def test_delete_message(api: BotApi, control: SandboxControl) -> None:
    chat, _ = await group_with(control)
    mid = (await api("sendMessage", chat_id=chat, text="bye")).result["message_id"]
    assert (await api("deleteMessage", chat_id=chat, message_id=mid)).result is True
    assert mid not in [m["message_id"] for m in await control.messages(chat)]
    assert (await control.transcript(chat))[-1]["kind"] == "delete"


async def test_answer_callback_query_is_recorded(api: BotApi, control: SandboxControl) -> None:
    chat, user = await group_with(control)
    mid = (await api("sendMessage", chat_id=chat, text="x", reply_markup=KEYBOARD)).result[
        "message_id"
    ]
    await updates(api)
    query_id = await control.tap(chat, mid, user, text="Done")
    [update] = await updates(api)
    assert update["callback_query"]["data"] == "st:1:done"
    assert update["callback_query"]["id"] == query_id
    ok = await api("answerCallbackQuery", callback_query_id=query_id, text="Saved", show_alert=True)
    assert ok.result is True
    answer = await control.callback_answer(query_id)
    assert answer["text"] == "Saved" and answer["show_alert"] is True
    assert answer["user_id"] == user and answer["chat_id"] == chat


async def test_get_chat_and_members(api: BotApi, control: SandboxControl) -> None:
    chat, user = await group_with(control, admin=True)
    info = (await api("getChat", chat_id=chat)).result
    assert info["type"] == "group" and info["title"] == "Order thread"
    bot = (await api("getChatMember", chat_id=chat, user_id=BOT_ID)).result
    assert bot["status"] == "administrator" and bot["can_delete_messages"]
    person = (await api("getChatMember", chat_id=chat, user_id=user)).result
    assert person["status"] == "creator"
    await control.remove_bot(chat)
    assert (await api("getChatMember", chat_id=chat, user_id=BOT_ID)).result["status"] == "kicked"


async def test_commands_per_scope_and_language(api: BotApi, control: SandboxControl) -> None:
    commands = [{"command": "neworder", "description": "Nueva orden"}]
    scope = {"type": "all_group_chats"}
    assert (await api("setMyCommands", commands=commands, scope=scope, language_code="es")).result
    got = await api("getMyCommands", scope=scope, language_code="es")
    assert got.result == commands
    assert (await api("getMyCommands")).result == []
    assert await control.commands() == [
        {"scope": scope, "language_code": "es", "commands": commands}
    ]
    assert (await api("deleteMyCommands", scope=scope, language_code="es")).result is True
    assert await control.commands() == []


async def test_send_document_keeps_bytes(api: BotApi, control: SandboxControl) -> None:
    chat, _ = await group_with(control)
    sent = (
        await api.form(
            "sendDocument",
            multipart=True,
            chat_id=chat,
            caption="Invoice",
            document=("invoice.csv", b"a,b\n1,2\n", "text/csv"),
        )
    ).result
    assert sent["document"]["file_name"] == "invoice.csv" and sent["caption"] == "Invoice"
    [doc] = await control.documents(chat)
    assert doc["content"] == b"a,b\n1,2\n" and doc["file_name"] == "invoice.csv"
    assert (await control.transcript(chat))[-1]["kind"] == "document"
    again = await api("sendDocument", chat_id=chat, document=sent["document"]["file_id"])
    assert again.result["document"]["file_id"] == sent["document"]["file_id"]


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    api: BotApi, control: SandboxControl
) -> None:
    chat, user = await group_with(control)
    await updates(api)
    poll = asyncio.create_task(api("getUpdates", timeout=30))
    await control.post(chat, user, "/status")
    batch = (await asyncio.wait_for(poll, timeout=5)).result
    assert kinds(batch) == ["message"]
    assert batch[0]["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 7}]


async def test_a_long_poll_whose_client_has_gone_stops_waiting(
    server: SandboxServer, api: BotApi
) -> None:
    """As on Telegram, a bot that stops (or dies) mid-poll leaves no request behind: nothing
    holds the sandbox's shutdown for the rest of the poll's timeout."""
    waiting = server.state.bots[BOT_ID].updates.changed
    async with aiohttp.ClientSession() as session:
        poll = asyncio.create_task(BotApi(session, server.base_url, TOKEN)("getUpdates",
                                                                           timeout=30))
        assert await until(lambda: asyncio.sleep(0, waiting.waiting == 1), 5.0)
        poll.cancel()
    assert await until(lambda: asyncio.sleep(0, waiting.waiting == 0), 5.0)


async def test_offset_limit_and_allowed_updates(api: BotApi, control: SandboxControl) -> None:
    chat, user = await group_with(control)
    for n in range(3):
        await control.post(chat, user, f"/c{n}")
    first = (await api("getUpdates", limit=1)).result
    assert len(first) == 1
    rest = (await api("getUpdates", offset=first[0]["update_id"] + 1)).result
    assert [u["update_id"] for u in rest] == [first[0]["update_id"] + i for i in range(1, 5)]
    await api("getUpdates", offset=rest[-1]["update_id"] + 1, allowed_updates=["callback_query"])
    await control.post(chat, user, "/ignored")
    assert (await api("getUpdates")).result == []
