"""Every answer parses in both frameworks' own models (aiogram and python-telegram-bot)."""

from __future__ import annotations

from typing import Any

import telegram
from aiogram import types as ag

from bot.sandbox.control import SandboxControl
from tests.sandbox.helpers import BOT_ID, BotApi, updates

KEYBOARD = {
    "inline_keyboard": [
        [{"text": "OK", "callback_data": "ok"}, {"text": "Web", "url": "https://x.y"}]
    ]
}


def ptb_bot() -> telegram.Bot:
    return telegram.Bot(f"{BOT_ID}:x")


def both_updates(batch: list[dict[str, Any]]) -> None:
    for raw in batch:
        assert ag.Update.model_validate(raw).update_id == raw["update_id"]
        assert telegram.Update.de_json(raw, ptb_bot()).update_id == raw["update_id"]


def both_messages(raw: dict[str, Any]) -> None:
    assert ag.Message.model_validate(raw).message_id == raw["message_id"]
    assert telegram.Message.de_json(raw, ptb_bot()).message_id == raw["message_id"]


async def test_updates_parse(api: BotApi, control: SandboxControl) -> None:
    ana, bea = await control.create_user("Ana", language="es"), await control.create_user("Bea")
    chat = await control.create_chat(members=[ana])
    await control.add_member(chat, bea)
    await control.post(chat, ana, "/neworder")
    mid = (await api("sendMessage", chat_id=chat, text="x", reply_markup=KEYBOARD)).result[
        "message_id"
    ]
    await control.post(chat, ana, "reply", reply_to_message_id=mid)
    await control.tap(chat, mid, ana, text="OK")
    await control.remove_member(chat, bea)
    await control.upgrade_to_supergroup(chat)
    await control.block_bot(ana)
    batch = await updates(api)
    assert {next(k for k in u if k != "update_id") for u in batch} == {
        "message",
        "my_chat_member",
        "callback_query",
    }
    both_updates(batch)
    command = ag.Update.model_validate(batch[3]).message
    assert command is not None and command.entities is not None


async def test_method_results_parse(api: BotApi, control: SandboxControl) -> None:
    ana = await control.create_user("Ana")
    chat = await control.create_chat(members=[ana], bot_admin=True)
    force = {"force_reply": True, "input_field_placeholder": "Nota"}
    sent = (await api("sendMessage", chat_id=chat, text="a", reply_markup=KEYBOARD)).result
    both_messages(sent)
    both_messages(
        (
            await api(
                "sendMessage",
                chat_id=chat,
                text="b",
                reply_markup=force,
                reply_to_message_id=sent["message_id"],
            )
        ).result
    )
    both_messages(
        (await api("editMessageText", chat_id=chat, message_id=sent["message_id"], text="c")).result
    )
    both_messages(
        (
            await api.form(
                "sendDocument",
                multipart=True,
                chat_id=chat,
                document=("a.txt", b"hi", "text/plain"),
            )
        ).result
    )
    me = (await api("getMe")).result
    assert ag.User.model_validate(me).can_read_all_group_messages is False
    assert telegram.User.de_json(me, ptb_bot()).can_join_groups is True
    info = (await api("getChat", chat_id=chat)).result
    assert ag.ChatFullInfo.model_validate(info).id == chat
    assert telegram.ChatFullInfo.de_json(info, ptb_bot()).id == chat
    member = (await api("getChatMember", chat_id=chat, user_id=BOT_ID)).result
    assert isinstance(
        telegram.ChatMember.de_json(member, ptb_bot()), telegram.ChatMemberAdministrator
    )
    assert ag.ChatMemberAdministrator.model_validate(member).can_delete_messages
    hook = (await api("getWebhookInfo")).result
    assert ag.WebhookInfo.model_validate(hook).url == ""
    assert telegram.WebhookInfo.de_json(hook, ptb_bot()).url == ""
