"""Routing of the control API: action names to handlers, JSON in and out."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.sandbox import control_api as c
from bot.sandbox.errors import ControlError
from bot.sandbox.state import SandboxState

ACTIONS: dict[str, c.Action] = {
    "register_bot": c.register_bot,
    "create_user": c.create_user,
    "create_chat": c.create_chat,
    "add_member": c.add_member,
    "remove_member": c.remove_member,
    "set_title": c.set_title,
    "set_bot_status": c.set_bot_status,
    "set_privacy": c.set_privacy,
    "set_blocked": c.set_blocked,
    "post": c.post,
    "start_in_group": c.start_in_group,
    "tap": c.tap,
    "forge_tap": c.forge_tap,
    "upgrade_to_supergroup": c.upgrade,
    "transcript": c.transcript,
    "messages": c.messages,
    "callback_answer": c.callback_answer,
    "set_limits": c.set_limits,
    "inject_fault": c.inject_fault,
    "stats": c.stats,
    "redeliver": c.redeliver,
    "documents": c.documents,
    "commands": c.commands,
    "reset": c.reset,
}


async def handle(state: SandboxState, request: web.Request) -> web.Response:
    action = ACTIONS.get(request.match_info["action"])
    if action is None:
        return _failure(f"unknown control action {request.match_info['action']!r}", 404)
    try:
        body = await _body(request)
        result = await action(state, body)
    except ControlError as error:
        return _failure(str(error), 400)
    except (KeyError, TypeError, ValueError) as error:
        return _failure(f"bad control request: {type(error).__name__}: {error}", 400)
    return web.json_response({"ok": True, "result": result})


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    body = json.loads(await request.text() or "{}")
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def _failure(message: str, status: int) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)
