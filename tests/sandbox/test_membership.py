"""Bot removal, blocked users, group upgrades: Telegram's 403 and 400-with-parameters."""

from __future__ import annotations

from bot.sandbox.control import SandboxControl
from tests.sandbox.helpers import BOT_ID, BotApi, kinds, updates


async def test_removed_bot_gets_403_and_my_chat_member(
    api: BotApi, control: SandboxControl
) -> None:
    user = await control.create_user("Ana")
    chat = await control.create_chat(members=[user])
    first = await updates(api)
    assert kinds(first) == ["my_chat_member", "message"]
    assert first[1]["message"]["new_chat_members"][0]["id"] == BOT_ID
    await control.remove_bot(chat)
    removed = await updates(api)
    assert kinds(removed) == ["my_chat_member", "message"]
    assert removed[0]["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    assert removed[1]["message"]["left_chat_member"]["id"] == BOT_ID
    answer = await api("sendMessage", chat_id=chat, text="hi")
    assert (answer.status, answer.description) == (
        403,
        "Forbidden: bot was kicked from the group chat",
    )


async def test_bot_never_added_is_not_a_member(api: BotApi, control: SandboxControl) -> None:
    user = await control.create_user("Ana")
    chat = await control.create_chat(members=[user], with_bot=False)
    answer = await api("sendMessage", chat_id=chat, text="hi")
    assert answer.description == "Forbidden: bot is not a member of the group chat"
    await control.add_bot(chat)
    assert (await api("sendMessage", chat_id=chat, text="hi")).status == 200


async def test_blocked_user(api: BotApi, control: SandboxControl) -> None:
    user = await control.create_user("Ana", username="ana")
    assert (await api("sendMessage", chat_id=user, text="hi")).status == 200
    await control.block_bot(user)
    answer = await api("sendMessage", chat_id=user, text="hi")
    assert (answer.status, answer.description) == (403, "Forbidden: bot was blocked by the user")
    [blocked] = await updates(api)
    change = blocked["my_chat_member"]
    assert change["chat"] == {"id": user, "type": "private", "first_name": "Ana",
                              "username": "ana"}
    assert change["from"] == {"id": user, "is_bot": False, "first_name": "Ana",
                              "username": "ana"}
    assert change["old_chat_member"]["status"] == "member"
    assert change["new_chat_member"] == {"status": "kicked", "until_date": 0,
                                         "user": change["old_chat_member"]["user"]}
    assert change["new_chat_member"]["user"]["id"] == BOT_ID
    await control.block_bot(user)  # already blocked: nothing new
    assert await updates(api) == []
    await control.unblock_bot(user)
    [unblocked] = await updates(api)
    statuses = (unblocked["my_chat_member"]["old_chat_member"]["status"],
                unblocked["my_chat_member"]["new_chat_member"]["status"])
    assert statuses == ("kicked", "member")
    assert (await api("sendMessage", chat_id=user, text="hi")).status == 200


async def test_a_403_fault_names_the_chat_kind(api: BotApi, control: SandboxControl) -> None:
    user = await control.create_user("Ana")
    chat = await control.create_chat(members=[user])
    await control.inject_fault("403", method="sendMessage", chat_id=user)
    await control.inject_fault("403", method="sendMessage", chat_id=chat)
    private = await api("sendMessage", chat_id=user, text="hi")
    group = await api("sendMessage", chat_id=chat, text="hi")
    assert (private.status, private.description) == (403, "Forbidden: bot was blocked by the user")
    kicked = "Forbidden: bot was kicked from the group chat"
    assert (group.status, group.description) == (403, kicked)
    assert (await api("sendMessage", chat_id=user, text="hi")).status == 200


async def test_upgrade_to_supergroup(api: BotApi, control: SandboxControl) -> None:
    user = await control.create_user("Ana")
    old = await control.create_chat(members=[user])
    await updates(api)
    new = await control.upgrade_to_supergroup(old)
    assert str(new).startswith("-100")
    migration = await updates(api)
    assert migration[0]["message"]["chat"]["id"] == old
    assert migration[0]["message"]["migrate_to_chat_id"] == new
    assert migration[1]["message"]["chat"] == {
        "id": new,
        "type": "supergroup",
        "title": "Order thread",
    }
    assert migration[1]["message"]["migrate_from_chat_id"] == old
    answer = await api("sendMessage", chat_id=old, text="hi")
    assert answer.body == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": new},
    }
    assert (await api("sendMessage", chat_id=new, text="hi")).status == 200
    kinds_in_new = [e["kind"] for e in await control.transcript(new)]
    assert kinds_in_new == ["service", "message"]


async def test_supergroup_wording(api: BotApi, control: SandboxControl) -> None:
    user = await control.create_user("Ana")
    chat = await control.create_chat(type="supergroup", members=[user])
    await control.remove_bot(chat)
    answer = await api("sendMessage", chat_id=chat, text="hi")
    assert answer.description == "Forbidden: bot was kicked from the supergroup chat"


async def test_members_join_and_leave(api: BotApi, control: SandboxControl) -> None:
    ana, bea = await control.create_user("Ana"), await control.create_user("Bea")
    chat = await control.create_chat(members=[ana])
    await updates(api)
    await control.add_member(chat, bea)
    await control.remove_member(chat, bea)
    batch = await updates(api)
    assert batch[0]["message"]["new_chat_members"][0]["id"] == bea
    assert batch[1]["message"]["left_chat_member"]["id"] == bea
    member = (await api("getChatMember", chat_id=chat, user_id=bea)).result
    assert member["status"] == "left"
