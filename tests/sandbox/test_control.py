"""The control API: acting as people, the transcript, waiting, stats, reset."""

from __future__ import annotations

import asyncio

import pytest

from bot.sandbox.control import SandboxControl, SandboxControlError
from tests.sandbox.helpers import BOT_ID, BotApi, updates

KEYBOARD = {"inline_keyboard": [[{"text": "★5", "callback_data": "r:9:5"}]]}
ENTRY_KEYS = {
    "seq",
    "kind",
    "time",
    "chat_id",
    "message_id",
    "from",
    "text",
    "buttons",
    "force_reply",
    "reply_to_message_id",
}


async def test_ids_by_chat_type(control: SandboxControl) -> None:
    user = await control.create_user("Ana", language="ar", username="ana")
    assert user > 0
    assert await control.create_chat(members=[user]) < 0
    assert str(await control.create_chat(type="supergroup", members=[user])).startswith("-100")


async def test_tap_only_existing_buttons(api: BotApi, control: SandboxControl) -> None:
    user = await control.create_user("Ana")
    mid = (await api("sendMessage", chat_id=user, text="Rate", reply_markup=KEYBOARD)).result[
        "message_id"
    ]
    with pytest.raises(SandboxControlError):
        await control.tap(user, mid, user, text="★1")
    assert await control.tap(user, mid, user, text="★5")
    await api("editMessageReplyMarkup", chat_id=user, message_id=mid)
    with pytest.raises(SandboxControlError):
        await control.tap(user, mid, user, data="r:9:5")
    forged = await control.forge_tap(user, mid, user, data="r:9:5;drop table")
    batch = await updates(api)
    assert batch[-1]["callback_query"] == batch[-1]["callback_query"] | {
        "id": forged,
        "data": "r:9:5;drop table",
    }


async def test_transcript_shape_and_order(api: BotApi, control: SandboxControl) -> None:
    user = await control.create_user("Ana")
    asked = await control.post(user, user, "/start")
    mid = (
        await api(
            "sendMessage",
            chat_id=user,
            text="Rate",
            reply_markup=KEYBOARD,
            reply_to_message_id=asked,
        )
    ).result["message_id"]
    query = await control.tap(user, mid, user, data="r:9:5")
    await api("answerCallbackQuery", callback_query_id=query, text="Thanks")
    entries = await control.transcript(user)
    assert [e["kind"] for e in entries] == ["message", "message", "tap", "callback_answer"]
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    person, bot = entries[0], entries[1]
    assert set(person) >= ENTRY_KEYS and set(bot) >= ENTRY_KEYS
    assert person["from"] == {"id": user, "name": "Ana", "is_bot": False}
    assert bot["from"]["id"] == BOT_ID and bot["from"]["is_bot"] is True
    assert bot["buttons"] == [[{"text": "★5", "data": "r:9:5"}]]
    assert bot["reply_to_message_id"] == asked
    answer = entries[3]
    assert (
        answer
        | {"callback_query_id": query, "text": "Thanks", "show_alert": False, "user_id": user}
        == answer
    )


async def test_wait_for_wakes_on_new_entry(api: BotApi, control: SandboxControl) -> None:
    user = await control.create_user("Ana")
    waiting = asyncio.create_task(
        control.wait_for(user, lambda e: e["text"] == "pong", kinds=["message"])
    )
    await api("sendMessage", chat_id=user, text="ping")
    await api("sendMessage", chat_id=user, text="pong")
    entry = await asyncio.wait_for(waiting, timeout=5)
    assert entry["from"]["is_bot"] and entry["text"] == "pong"
    with pytest.raises(TimeoutError):
        await control.wait_for(user, lambda e: e["text"] == "never", timeout=0.2)


async def test_callback_answer_times_out(api: BotApi, control: SandboxControl) -> None:
    user = await control.create_user("Ana")
    mid = (await api("sendMessage", chat_id=user, text="x", reply_markup=KEYBOARD)).result[
        "message_id"
    ]
    query = await control.tap(user, mid, user, text="★5")
    with pytest.raises(SandboxControlError):
        await control.callback_answer(query, timeout=0.1)


async def test_stats_and_reset(api: BotApi, control: SandboxControl) -> None:
    user = await control.create_user("Ana")
    await api("sendMessage", chat_id=user, text="a")
    await api("sendMessage", chat_id=user, text="b")
    stats = await control.stats()
    assert stats["requests"]["sendMessage"] == 2
    assert stats["messages_per_chat"] == {str(user): 2}
    await control.reset()
    assert (await control.stats())["requests"] == {}
    with pytest.raises(SandboxControlError):
        await control.messages(user)
    assert (await api("getMe")).result["id"] == BOT_ID


async def test_post_needs_membership(control: SandboxControl) -> None:
    ana, bea = await control.create_user("Ana"), await control.create_user("Bea")
    chat = await control.create_chat(members=[ana])
    with pytest.raises(SandboxControlError):
        await control.post(chat, bea, "hi")
