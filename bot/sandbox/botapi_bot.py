"""Bot API methods about the bot itself: identity, updates, webhook, commands, chat lookups."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.sandbox.errors import WEBHOOK_CONFLICT, ApiError, bad_request
from bot.sandbox.models import BotAccount, Webhook
from bot.sandbox.params import Params
from bot.sandbox.serialize import (
    bot_user_dict,
    chat_full_info,
    get_me_dict,
    member_dict,
    user_dict,
)
from bot.sandbox.state import SandboxState

COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MAX_POLL_SECONDS = 50.0


async def get_me(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    return get_me_dict(bot)


async def get_updates(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    if bot.webhook is not None:
        raise ApiError(409, WEBHOOK_CONFLICT)
    allowed = p.obj("allowed_updates")
    if isinstance(allowed, list):
        bot.updates.allowed = [str(kind) for kind in allowed]
    queue = bot.updates
    queue.confirm(p.int("offset") or 0)
    limit = min(max(p.int("limit") or 100, 1), 100)
    timeout = min(float(p.int("timeout") or 0), MAX_POLL_SECONDS)
    if timeout > 0:
        await queue.changed.wait_until(lambda: bool(queue.pending), timeout)
    return [u.as_dict() for u in queue.take(limit)]


async def set_webhook(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    url = p.text("url") or ""
    secret = p.text("secret_token")
    if secret is not None and not SECRET_RE.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if url and not url.startswith(("http://127.0.0.1", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if p.flag("drop_pending_updates"):
        bot.updates.clear()
    allowed = p.obj("allowed_updates")
    if isinstance(allowed, list):
        bot.updates.allowed = [str(kind) for kind in allowed]
    bot.webhook = Webhook(url, secret, p.int("max_connections") or 40) if url else None
    bot.updates.changed.notify()
    return True


async def delete_webhook(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    if p.flag("drop_pending_updates"):
        bot.updates.clear()
    bot.webhook = None
    bot.updates.changed.notify()
    return True


async def get_webhook_info(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    info: dict[str, Any] = {
        "url": bot.webhook.url if bot.webhook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(bot.updates.pending),
    }
    if bot.webhook is not None:
        info["max_connections"] = bot.webhook.max_connections
        if bot.webhook.last_error_date is not None:
            info["last_error_date"] = bot.webhook.last_error_date
            info["last_error_message"] = bot.webhook.last_error_message
    if bot.updates.allowed:
        info["allowed_updates"] = bot.updates.allowed
    return info


async def log_out(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    return True


def _commands_key(p: Params) -> tuple[str, str]:
    scope = p.obj("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), p.text("language_code") or ""


async def set_my_commands(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    commands = p.obj("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict) or not COMMAND_RE.match(str(command.get("command"))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not str(command.get("description", "")).strip():
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    clean = [{"command": c["command"], "description": c["description"]} for c in commands]
    bot.commands[_commands_key(p)] = clean
    return True


async def get_my_commands(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    return bot.commands.get(_commands_key(p), [])


async def delete_my_commands(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    bot.commands.pop(_commands_key(p), None)
    return True


async def get_chat(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    return chat_full_info(state, state.find_chat(p.chat_id()))


async def get_chat_member(state: SandboxState, bot: BotAccount, p: Params) -> Any:
    chat = state.find_chat(p.chat_id())
    user_id = p.int("user_id")
    if user_id in state.bots:
        status = "member" if chat.type == "private" else chat.bot_status(user_id)
        return member_dict(bot_user_dict(state.bots[user_id]), status)
    if user_id is None or user_id not in state.users:
        raise bad_request("PARTICIPANT_ID_INVALID")
    if chat.type == "private":
        if user_id != chat.id:
            raise bad_request("user not found")
        return member_dict(user_dict(state.users[user_id]), "member")
    return member_dict(user_dict(state.users[user_id]), chat.members.get(user_id, "left"))
