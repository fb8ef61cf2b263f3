"""What the bot sees in groups: privacy mode, admin rights, addressed commands, replies."""

from __future__ import annotations

from bot.sandbox.control import SandboxControl
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
