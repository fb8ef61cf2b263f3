"""The control API: POST /control/<action> with a JSON body, to act as people and inspect."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any

from bot.sandbox import actions, taps
from bot.sandbox.errors import ControlError
from bot.sandbox.faults import Fault
from bot.sandbox.serialize import message_view
from bot.sandbox.state import SandboxState

Action = Callable[[SandboxState, dict[str, Any]], Awaitable[Any]]


async def register_bot(state: SandboxState, body: dict[str, Any]) -> Any:
    return state.register_bot(str(body["token"])).id


async def create_user(state: SandboxState, body: dict[str, Any]) -> Any:
    user_id = body.get("user_id")
    return state.new_user(str(body["name"]), body.get("language"), body.get("username"),
                          None if user_id is None else int(user_id),
                          bool(body.get("is_bot", False))).id


async def create_chat(state: SandboxState, body: dict[str, Any]) -> Any:
    chat = state.new_chat(body.get("type", "group"), body.get("title", "Order thread"))
    members = [int(m) for m in body.get("members", [])]
    for index, user_id in enumerate(members):
        state.user(user_id)
        chat.members[user_id] = "creator" if index == 0 else "member"
    if body.get("with_bot", True):
        status = "administrator" if body.get("bot_admin") else "member"
        actions.set_bot_status(state, chat.id, status, body.get("by"), body.get("bot_id"))
    return chat.id


async def add_member(state: SandboxState, body: dict[str, Any]) -> Any:
    actions.add_member(state, int(body["chat_id"]), int(body["user_id"]))


async def remove_member(state: SandboxState, body: dict[str, Any]) -> Any:
    actions.remove_member(state, int(body["chat_id"]), int(body["user_id"]))


async def set_title(state: SandboxState, body: dict[str, Any]) -> Any:
    actions.set_title(state, int(body["chat_id"]), str(body["title"]), body.get("by"))


async def set_bot_status(state: SandboxState, body: dict[str, Any]) -> Any:
    status = str(body["status"])
    if status not in ("member", "administrator", "left", "kicked"):
        raise ControlError(f"unknown bot status {status!r}")
    actions.set_bot_status(state, int(body["chat_id"]), status, body.get("by"), body.get("bot_id"))


async def set_privacy(state: SandboxState, body: dict[str, Any]) -> Any:
    enabled = bool(body["enabled"])
    state.default_privacy = enabled
    for bot in state.bots.values():
        bot.privacy = enabled


async def set_blocked(state: SandboxState, body: dict[str, Any]) -> Any:
    actions.set_blocked(state, int(body["user_id"]), bool(body["blocked"]), body.get("bot_id"))


async def post(state: SandboxState, body: dict[str, Any]) -> Any:
    message = actions.post(
        state,
        int(body["chat_id"]),
        int(body["user_id"]),
        str(body["text"]),
        body.get("reply_to_message_id"),
        body.get("message_thread_id"),
    )
    return message.message_id


async def start_in_group(state: SandboxState, body: dict[str, Any]) -> Any:
    """A `t.me/<bot>?startgroup=<payload>` link opened by a member: the bot is added to the
    group (if it is not there) and the member's client sends `/start@<bot> <payload>`."""
    chat_id, user_id = int(body["chat_id"]), int(body["user_id"])
    bot = state.primary_bot(body.get("bot_id"))
    actions.set_bot_status(state, chat_id, "member", user_id, bot.id)
    text = f"/start@{bot.username} {body['payload']}"
    return actions.post(state, chat_id, user_id, text).message_id


async def tap(state: SandboxState, body: dict[str, Any]) -> Any:
    return taps.tap(
        state,
        int(body["chat_id"]),
        int(body["message_id"]),
        int(body["user_id"]),
        body.get("text"),
        body.get("data"),
    )


async def forge_tap(state: SandboxState, body: dict[str, Any]) -> Any:
    return taps.forge_tap(
        state,
        int(body["chat_id"]),
        int(body["message_id"]),
        int(body["user_id"]),
        str(body["data"]),
    )


async def upgrade(state: SandboxState, body: dict[str, Any]) -> Any:
    return actions.upgrade(state, int(body["chat_id"]), body.get("by"))


async def transcript(state: SandboxState, body: dict[str, Any]) -> Any:
    """Entries of a chat after `after`; with `wait`, long-polls until there is one."""
    chat_id, after = int(body["chat_id"]), int(body.get("after", 0))
    kinds = body.get("kinds")

    def entries() -> list[dict[str, Any]]:
        found = state.chat_transcript(chat_id, after)
        return [e for e in found if not kinds or e["kind"] in kinds]

    await state.changed.wait_until(lambda: bool(entries()), float(body.get("wait", 0)))
    return entries()


async def messages(state: SandboxState, body: dict[str, Any]) -> Any:
    chat = state.chat(int(body["chat_id"]))
    return [message_view(state, m) for m in chat.messages.values()]


async def callback_answer(state: SandboxState, body: dict[str, Any]) -> Any:
    query_id = str(body["callback_query_id"])

    def found() -> dict[str, Any] | None:
        for entry in reversed(state.transcript):
            if entry["kind"] == "callback_answer" and entry["callback_query_id"] == query_id:
                return entry
        return None

    if not await state.changed.wait_until(lambda: found() is not None, float(body["timeout"])):
        raise ControlError(f"the bot did not answer callback query {query_id}")
    return found()


async def set_limits(state: SandboxState, body: dict[str, Any]) -> Any:
    state.limits.enabled = bool(body["enabled"])
    state.limits.reset()


async def inject_fault(state: SandboxState, body: dict[str, Any]) -> Any:
    try:
        state.faults.arm(Fault(**body))
    except (TypeError, ValueError) as error:
        raise ControlError(str(error)) from None


async def stats(state: SandboxState, body: dict[str, Any]) -> Any:
    return state.stats()


async def redeliver(state: SandboxState, body: dict[str, Any]) -> Any:
    bot = state.primary_bot(body.get("bot_id"))
    if not bot.updates.redeliver(int(body["update_id"])):
        raise ControlError(f"no update {body['update_id']}")


async def documents(state: SandboxState, body: dict[str, Any]) -> Any:
    chat = state.chat(int(body["chat_id"]))
    return [
        {
            "message_id": m.message_id,
            "file_name": m.document.file_name,
            "mime_type": m.document.mime_type,
            "caption": m.caption,
            "content_b64": base64.b64encode(m.document.content).decode(),
        }
        for m in chat.messages.values()
        if m.document is not None
    ]


async def commands(state: SandboxState, body: dict[str, Any]) -> Any:
    bot = state.primary_bot(body.get("bot_id"))
    return [
        {"scope": json.loads(scope), "language_code": lang, "commands": cmds}
        for (scope, lang), cmds in bot.commands.items()
    ]


async def reset(state: SandboxState, body: dict[str, Any]) -> Any:
    state.reset()
