"""What the bot sees in groups: privacy mode, admin rights, addressed commands, replies, and
service messages (a new title)."""

from __future__ import annotations

import pytest

from bot.sandbox.control import SandboxControl, SandboxControlError
from tests.sandbox.helpers import BOT_ID, BotApi, texts, updates

USERNAME = f"orderbot_{BOT_ID}_bot"


async def setup_group(api: BotApi, control: SandboxControl, admin: bool = False) -> tuple[int, int]:
    user = await control.create_user("Ana")
    chat = await control.create_chat(members=[user], bot_admin=admin)
    await updates(api)
    return chat, user


async def post_all(control: SandboxControl, chat: int, user: int) -> None:
    for text in ("hello", "/status", f"/status@{USERNAME}", "/status@another_bot"):
        await control.post(chat, user, text)


async def test_privacy_on_only_commands_and_replies(api: BotApi, control: SandboxControl) -> None:
    chat, user = await setup_group(api, control)
    await post_all(control, chat, user)
    assert texts(await updates(api)) == ["/status", f"/status@{USERNAME}"]
    mine = (await api("sendMessage", chat_id=chat, text="Note?")).result["message_id"]
    await control.post(chat, user, "my note", reply_to_message_id=mine)
    other = await control.post(chat, user, "plain")
    await control.post(chat, user, "reply to a person", reply_to_message_id=other)
    [reply] = await updates(api)
    assert reply["message"]["text"] == "my note"
    assert reply["message"]["reply_to_message"]["message_id"] == mine


async def test_privacy_off_sees_everything(api: BotApi, control: SandboxControl) -> None:
    await control.set_privacy(False)
    chat, user = await setup_group(api, control)
    await post_all(control, chat, user)
    assert len(texts(await updates(api))) == 4


async def test_admin_sees_everything(api: BotApi, control: SandboxControl) -> None:
    chat, user = await setup_group(api, control, admin=True)
    await post_all(control, chat, user)
    assert len(texts(await updates(api))) == 4
    await control.set_bot_admin(chat, False)
    await updates(api)
    await control.post(chat, user, "hello")
    assert await updates(api) == []


async def test_private_chat_sees_everything(api: BotApi, control: SandboxControl) -> None:
    user = await control.create_user("Ana")
    await control.post(user, user, "hello")
    await control.post(user, user, "/start")
    batch = await updates(api)
    assert texts(batch) == ["hello", "/start"]
    assert batch[1]["message"]["entities"][0]["type"] == "bot_command"


async def test_removed_bot_sees_nothing(api: BotApi, control: SandboxControl) -> None:
    await control.set_privacy(False)
    chat, user = await setup_group(api, control)
    await control.remove_bot(chat)
    await updates(api)
    await control.post(chat, user, "/status")
    assert await updates(api) == []


async def test_title_change_is_a_service_message_in_privacy_mode(
    api: BotApi, control: SandboxControl
) -> None:
    chat, user = await setup_group(api, control)
    await control.post(chat, user, "hello")  # privacy mode: not delivered
    await control.set_title(chat, "Kitchen tap: phase 2", by=user)
    [renamed] = await updates(api)
    message = renamed["message"]
    assert message["new_chat_title"] == "Kitchen tap: phase 2"
    assert message["from"]["id"] == user and "text" not in message
    assert message["chat"] == {"id": chat, "type": "group", "title": "Kitchen tap: phase 2"}
    [entry] = [e for e in await control.transcript(chat) if e["kind"] == "service"][-1:]
    assert entry["service"] == {"new_chat_title": "Kitchen tap: phase 2"}
    sent = await api("sendMessage", chat_id=chat, text="hi")
    assert sent.result["chat"]["title"] == "Kitchen tap: phase 2"


async def test_title_change_refused_where_telegram_refuses_it(
    api: BotApi, control: SandboxControl
) -> None:
    chat, user = await setup_group(api, control)
    for title in ("", "x" * 129):
        with pytest.raises(SandboxControlError, match="1 to 128 characters"):
            await control.set_title(chat, title)
    with pytest.raises(SandboxControlError, match="not a group that can be renamed"):
        await control.set_title(user, "A private chat")
    new = await control.upgrade_to_supergroup(chat)
    with pytest.raises(SandboxControlError, match="not a group that can be renamed"):
        await control.set_title(chat, "Old group")
    await control.set_title(new, "x" * 128)
    assert (await updates(api))[-1]["message"]["new_chat_title"] == "x" * 128
