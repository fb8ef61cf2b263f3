"""Raw Bot API updates (as Telegram sends them) and the neutral events they must become."""

from __future__ import annotations

from typing import Any

from bot.core.events import ChatEvent, EventKind, Person

BOT = "OrderBot_1_bot"
ANA = {"id": 11, "is_bot": False, "first_name": "Ana", "last_name": "Lima",
       "language_code": "pt", "username": "ana"}
BO = {"id": 12, "is_bot": False, "first_name": "Bo"}
THE_BOT = {"id": 1, "is_bot": True, "first_name": "OrderBot", "username": BOT}
GROUP = {"id": -100, "type": "group", "title": "Order 7"}
FORUM = {"id": -1002, "type": "supergroup", "title": "Shop", "is_forum": True}
PRIVATE = {"id": 11, "type": "private", "first_name": "Ana"}

ana = Person(11, "Ana Lima", "pt", False, "ana")
bo = Person(12, "Bo", None, False, None)
me = Person(1, "OrderBot", None, True, BOT)


def message(chat: dict[str, Any], sender: dict[str, Any] = ANA, **fields: Any) -> dict[str, Any]:
    return {"update_id": 501, "message": {"message_id": 40, "date": 1_700_000_000,
                                          "chat": chat, "from": sender, **fields}}


def in_group(**fields: Any) -> dict[str, Any]:
    return {"update_id": 501, "kind": EventKind.TEXT, "chat_id": -100, "chat_type": "group",
            "chat_title": "Order 7", "user": ana, "message_id": 40} | fields


CASES: list[tuple[str, dict[str, Any], ChatEvent | None]] = [
    ("command", message(GROUP, text="/NewOrder@OrderBot_1_bot  Logo design "),
     ChatEvent(**in_group(kind=EventKind.COMMAND, text="/NewOrder@OrderBot_1_bot  Logo design ",
                          command="neworder", args="Logo design"))),
    ("command without args in private", message(PRIVATE, text="/help"),
     ChatEvent(update_id=501, kind=EventKind.COMMAND, chat_id=11, chat_type="private",
               user=ana, message_id=40, text="/help", command="help")),
    ("command for another bot", message(GROUP, text="/help@other_bot"), None),
    ("text reply", message(GROUP, text="my note", reply_to_message={
        "message_id": 39, "date": 1_700_000_000, "chat": GROUP, "from": THE_BOT, "text": "?"}),
     ChatEvent(**in_group(text="my note", reply_to_message_id=39))),
    ("caption counts as text", message(GROUP, caption="see photo", photo=[]),
     ChatEvent(**in_group(text="see photo"))),
    ("forum topic", message(FORUM, text="hi", message_thread_id=5, is_topic_message=True),
     ChatEvent(**in_group(chat_id=-1002, chat_type="supergroup", chat_title="Shop",
                          text="hi", thread_id=5))),
    ("members joined", message(GROUP, new_chat_members=[BO, THE_BOT]),
     ChatEvent(**in_group(kind=EventKind.MEMBERS_JOINED, members=(bo, me)))),
    ("member left", message(GROUP, left_chat_member=BO),
     ChatEvent(**in_group(kind=EventKind.MEMBER_LEFT, members=(bo,)))),
    ("migrated to", message(GROUP, migrate_to_chat_id=-1003),
     ChatEvent(**in_group(kind=EventKind.MIGRATED, migrate_to_chat_id=-1003))),
    ("migrated from", message(FORUM, migrate_from_chat_id=-100),
     ChatEvent(**in_group(kind=EventKind.MIGRATED, chat_id=-1002, chat_type="supergroup",
                          chat_title="Shop", migrate_from_chat_id=-100))),
    ("callback", {"update_id": 502, "callback_query": {
        "id": "cb1", "from": BO, "chat_instance": "x", "data": "st:7:done",
        "message": {"message_id": 41, "date": 1_700_000_000, "chat": GROUP, "from": THE_BOT,
                    "text": "card"}}},
     ChatEvent(update_id=502, kind=EventKind.CALLBACK, chat_id=-100, chat_type="group",
               chat_title="Order 7", user=bo, message_id=41, callback_id="cb1",
               callback_data="st:7:done")),
    ("bot added as admin", {"update_id": 503, "my_chat_member": {
        "chat": GROUP, "from": ANA, "date": 1_700_000_000,
        "old_chat_member": {"status": "left", "user": THE_BOT},
        "new_chat_member": {"status": "administrator", "user": THE_BOT, "can_be_edited": False,
                            "is_anonymous": False, "can_manage_chat": True,
                            "can_delete_messages": True, "can_manage_video_chats": True,
                            "can_restrict_members": True, "can_promote_members": False,
                            "can_change_info": True, "can_invite_users": True,
                            "can_post_stories": False, "can_edit_stories": False,
                            "can_delete_stories": False,
                            "can_send_welcome_messages": False}}},
     ChatEvent(update_id=503, kind=EventKind.BOT_STATUS, chat_id=-100, chat_type="group",
               chat_title="Order 7", user=ana, bot_status="administrator")),
    ("bot kicked", {"update_id": 504, "my_chat_member": {
        "chat": GROUP, "from": ANA, "date": 1_700_000_000,
        "old_chat_member": {"status": "member", "user": THE_BOT},
        "new_chat_member": {"status": "kicked", "user": THE_BOT, "until_date": 0}}},
     ChatEvent(update_id=504, kind=EventKind.BOT_STATUS, chat_id=-100, chat_type="group",
               chat_title="Order 7", user=ana, bot_status="kicked")),
    ("edited message is not taken", {"update_id": 505, "edited_message": {
        "message_id": 40, "date": 1, "edit_date": 2, "chat": GROUP, "from": ANA, "text": "x"}},
     None),
]
