"""The page's HTTP routes: the static page, live events, and the actions a person can take.

Every action is a JSON POST: a browser cannot send one from another site without asking first
(a CORS preflight, which is never granted), so a page elsewhere cannot act here.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.sandbox.control import SandboxControlError
from bot.tryit import faults
from bot.tryit.events import Stream
from bot.tryit.host import Host
from bot.tryit.menus import menu_for
from bot.tryit.people import Person
from bot.tryit.transcript import transcript_lines
from bot.tryit.world import World

STATIC = Path(__file__).parent / "static"
HOST = web.AppKey("host", Host)
STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
# Nothing but this address: the page makes no request anywhere else.
POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
          "connect-src 'self'; frame-ancestors 'none'")


class BadAction(Exception):
    """The page asked for something that cannot be done; the message says what."""


def make_app(host: Host) -> web.Application:
    app = web.Application(middlewares=[_errors_and_policy])
    app[HOST] = host
    app.router.add_get("/", _index)
    app.router.add_static("/static", STATIC)
    app.router.add_get("/api/events", _events)
    app.router.add_get("/api/menu", _menu)
    app.router.add_get("/api/documents/{chat_id}/{message_id}", _document)
    app.router.add_get("/api/transcript.jsonl", _transcript)
    for name, action in ACTIONS.items():
        app.router.add_post(f"/api/{name}", action)
    return app


@web.middleware
async def _errors_and_policy(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
    except (BadAction, SandboxControlError) as error:
        response = web.json_response({"ok": False, "error": str(error)}, status=400)
    if not response.prepared:
        response.headers["Content-Security-Policy"] = POLICY
    return response


def _world(request: web.Request) -> World:
    return request.app[HOST].world


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise BadAction("actions are JSON requests")
    body = await request.json()
    if not isinstance(body, dict):
        raise BadAction("the body must be a JSON object")
    return body


def _person(world: World, role: Any) -> Person:
    try:
        return world.cast.get(str(role))
    except KeyError as error:
        raise BadAction(f"nobody plays {role!r}") from error


def _person_id(world: World, role: Any) -> int:
    return _person(world, role).id


def _group_id(world: World, chat_id: Any) -> int:
    if int(chat_id) not in world.groups:
        raise BadAction("that is not an order group")
    return int(chat_id)


def _ok(result: Any = None) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


async def _events(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-cache",
                                           "Content-Security-Policy": POLICY})
    await response.prepare(request)
    # Until the browser goes away (ConnectionResetError) or the try-out closes (RuntimeError).
    with contextlib.suppress(ConnectionResetError, RuntimeError):
        await Stream(request.app[HOST], response, request.headers.get("Last-Event-ID")).run()
    return response


async def _menu(request: web.Request) -> web.Response:
    world = _world(request)
    person = _person(world, request.query.get("as"))
    chat_id = int(request.query.get("chat_id", "0"))
    menus = await world.control.commands()
    return _ok(menu_for(menus, chat_id, person.id, person.language, private=chat_id > 0))


async def _document(request: web.Request) -> web.Response:
    world = _world(request)
    chat_id, message_id = (int(request.match_info[key]) for key in ("chat_id", "message_id"))
    for document in await world.control.documents(chat_id):
        if document["message_id"] == message_id:
            name = document["file_name"] or f"document-{message_id}"
            return web.Response(body=document["content"],
                                content_type=document["mime_type"] or "application/octet-stream",
                                headers={"Content-Disposition": f'attachment; filename="{name}"'})
    raise web.HTTPNotFound(text="no such document")


async def _transcript(request: web.Request) -> web.Response:
    lines = transcript_lines(_world(request))
    return web.Response(text="".join(line + "\n" for line in lines),
                        content_type="application/x-ndjson", headers={
                            "Content-Disposition": 'attachment; filename="orderbot-try.jsonl"'})


# --- actions -------------------------------------------------------------------------------
async def _post(request: web.Request) -> web.Response:
    world, body = _world(request), await _body(request)
    text = str(body.get("text") or "").strip()
    if not text:
        raise BadAction("nothing to send")
    reply_to = body.get("reply_to")
    message_id = await world.control.post(
        int(body["chat_id"]), _person_id(world, body.get("as")), text,
        reply_to_message_id=int(reply_to) if reply_to else None)
    return _ok(message_id)


async def _tap(request: web.Request) -> web.Response:
    world, body = _world(request), await _body(request)
    query_id = await world.control.tap(int(body["chat_id"]), int(body["message_id"]),
                                       _person_id(world, body.get("as")), data=str(body["data"]))
    return _ok(query_id)


async def _clock(request: web.Request) -> web.Response:
    world, body = _world(request), await _body(request)
    step = str(body.get("step"))
    if step == "next":
        return _ok(await world.to_next_due())
    if step not in STEPS:
        raise BadAction(f"no clock step {step!r}")
    await world.advance(STEPS[step])
    return _ok(True)


async def _fault(request: web.Request) -> web.Response:
    world, body = _world(request), await _body(request)
    kind = str(body.get("kind"))
    if kind == "block":
        return _ok(await faults.toggle_block(world, _person_id(world, body.get("as"))))
    chat_id = _group_id(world, body.get("chat_id"))
    if kind == "storm":
        await faults.storm(world, chat_id)
        return _ok()
    if kind == "upgrade":
        return _ok((await faults.upgrade(world, chat_id)).id)
    if kind == "bot":
        return _ok(await faults.toggle_bot(world, chat_id))
    raise BadAction(f"no fault {kind!r}")


async def _new_group(request: web.Request) -> web.Response:
    await _body(request)
    return _ok((await _world(request).new_group()).id)


async def _reset(request: web.Request) -> web.Response:
    await _body(request)
    await request.app[HOST].start_fresh()
    return _ok()


ACTIONS = {"post": _post, "tap": _tap, "clock": _clock, "fault": _fault,
           "groups": _new_group, "reset": _reset}
