"""The Bot API endpoint: token check, method table, faults, Telegram-shaped answers."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.sandbox import botapi_bot as b
from bot.sandbox import botapi_messages as m
from bot.sandbox.errors import (
    ApiError,
    forbidden,
    not_found,
    server_error,
    too_many_requests,
    unauthorized,
)
from bot.sandbox.faults import Fault
from bot.sandbox.models import BotAccount
from bot.sandbox.params import Params, read_params
from bot.sandbox.state import SandboxState

Handler = Callable[[SandboxState, BotAccount, Params], Awaitable[Any]]
TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]+$")

METHODS: dict[str, Handler] = {
    "getMe": b.get_me,
    "getUpdates": b.get_updates,
    "setWebhook": b.set_webhook,
    "deleteWebhook": b.delete_webhook,
    "getWebhookInfo": b.get_webhook_info,
    "logOut": b.log_out,
    "close": b.log_out,
    "setMyCommands": b.set_my_commands,
    "getMyCommands": b.get_my_commands,
    "deleteMyCommands": b.delete_my_commands,
    "getChat": b.get_chat,
    "getChatMember": b.get_chat_member,
    "sendMessage": m.send_message,
    "sendDocument": m.send_document,
    "sendChatAction": m.send_chat_action,
    "editMessageText": m.edit_message_text,
    "editMessageReplyMarkup": m.edit_message_reply_markup,
    "deleteMessage": m.delete_message,
    "answerCallbackQuery": m.answer_callback_query,
}


def find_method(name: str) -> tuple[str, Handler] | None:
    for canonical, handler in METHODS.items():
        if canonical.lower() == name.lower():
            return canonical, handler
    return None


def answer(payload: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(payload, status=status)


def error_answer(error: ApiError) -> web.Response:
    return answer(error.payload(), status=error.code)


async def handle(state: SandboxState, request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    if not TOKEN_RE.match(token):
        return error_answer(unauthorized())
    found = find_method(request.match_info["method"])
    if found is None:
        return error_answer(not_found())
    name, handler = found
    bot = state.register_bot(token)
    state.requests[name] += 1
    try:
        params = await read_params(request)
        fault = state.faults.take(name, _chat_key(params))
        if fault is not None:
            return await _faulty(state, bot, params, handler, fault, request)
        return answer({"ok": True, "result": await handler(state, bot, params)})
    except ApiError as error:
        return error_answer(error)


def _chat_key(params: Params) -> Any:
    raw = params.raw("chat_id")
    try:
        return int(raw)
    except (TypeError, ValueError):
        return raw


async def _faulty(
    state: SandboxState,
    bot: BotAccount,
    params: Params,
    handler: Handler,
    fault: Fault,
    request: web.Request,
) -> web.StreamResponse:
    if fault.kind == "429":
        state.too_many_sent += 1
        return error_answer(too_many_requests(fault.retry_after))
    if fault.kind in ("500", "502"):
        return error_answer(server_error(int(fault.kind)))
    if fault.kind == "403":
        return error_answer(_forbidden(state, _chat_key(params)))
    if fault.performed:
        with contextlib.suppress(ApiError):
            await handler(state, bot, params)
    return _drop(request)


def _forbidden(state: SandboxState, chat_key: Any) -> ApiError:
    """Telegram's 403 for the chat: a person who blocked the bot, or a group it was kicked
    from (the state is left as it is: a 403 the bot learns of before its update)."""
    chat = state.chats.get(chat_key) if isinstance(chat_key, int) else None
    if chat is None or chat.type == "private":
        return forbidden("bot was blocked by the user")
    return forbidden(f"bot was kicked from the {chat.type} chat")


def _drop(request: web.Request) -> web.StreamResponse:
    """Close the connection without an answer: the client sees a network error."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    return web.Response(status=204)
