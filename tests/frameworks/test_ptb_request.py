"""python-telegram-bot's requests over aiohttp: the same bodies as PTB's own httpx request
sends (form fields, multipart files), and PTB's errors for a timeout and a failed connection."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.frameworks.ptb_request import AiohttpRequest


async def _echo(request: web.Request) -> web.Response:
    """What the server got: the content type and every field (files as name, type, bytes)."""
    if request.query.get("slow"):
        await asyncio.sleep(1)
    fields: list[list[Any]] = []
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            content = await part.read()  # type: ignore[union-attr]
            fields.append([part.name, part.filename, part.headers.get("Content-Type"),  # type: ignore[union-attr]
                           content.decode()])
    else:
        fields = [[name, value] for name, value in (await request.post()).items()]
    response = web.json_response({"type": request.content_type, "fields": fields,
                                  "agent": request.headers.get("User-Agent", ""),
                                  "cookie": request.headers.get("Cookie")})
    response.set_cookie("session", "abc")  # the Bot API sets none; a stray one is not kept
    return response


@pytest.fixture
async def server() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/echo", _echo)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/echo"
    finally:
        await runner.cleanup()


class _Capture(BaseRequest):
    """Keeps the body PTB's `Bot` builds for a call, and sends nothing."""

    def __init__(self) -> None:
        self.data: RequestData | None = None

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        self.data = request_data
        raise _Captured


class _Captured(Exception):
    pass


async def _data(with_file: bool) -> RequestData:
    """The body PTB builds for a message (with a document: as a file, multipart)."""
    capture = _Capture()
    bot = Bot("1:x", request=capture, get_updates_request=capture)
    text = "ça va? ع"
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Sí", callback_data="x")]])
    with pytest.raises(NetworkError):  # PTB wraps what its request raised
        if with_file:
            await bot.send_document(-100, InputFile(b"id,stars\n7,5\n", filename="ratings.csv"),
                                    caption=text, reply_markup=markup)
        else:
            await bot.send_message(-100, text, reply_markup=markup)
    assert capture.data is not None
    return capture.data


async def _sent(request: BaseRequest, url: str, data: RequestData) -> Any:
    import json

    await request.initialize()
    try:
        status, body = await request.do_request(url, "POST", data)
    finally:
        await request.shutdown()
    assert status == 200
    return json.loads(body)


@pytest.mark.parametrize("with_file", [False, True])
async def test_the_body_is_what_ptbs_own_request_sends(server: str, with_file: bool) -> None:
    ours = await _sent(AiohttpRequest(), server, await _data(with_file))
    theirs = await _sent(HTTPXRequest(), server, await _data(with_file))
    kind = "multipart/form-data" if with_file else "application/x-www-form-urlencoded"
    assert ours["type"] == theirs["type"] == kind
    assert _comparable(ours["fields"]) == _comparable(theirs["fields"])
    assert ours["agent"] == theirs["agent"]  # PTB's User-Agent
    if with_file:
        document = next(field for field in ours["fields"] if field[0] == "document")
        assert document[1] == "ratings.csv" and document[3] == "id,stars\n7,5\n"


def _comparable(fields: list[list[Any]]) -> list[list[Any]]:
    """Multipart text fields carry `text/plain; charset=utf-8` from aiohttp and no type from
    httpx (RFC 7578's default is text/plain): their type is left out, a file's is kept."""
    return [field if len(field) == 2 or field[1] is not None else [field[0], field[3]]
            for field in fields]


async def test_no_cookie_is_kept_between_calls(server: str) -> None:
    import json

    request = AiohttpRequest()
    await request.initialize()
    try:
        by_name = server.replace("127.0.0.1", "localhost")  # a jar keeps no IP's cookies
        answers = [json.loads((await request.do_request(by_name, "POST", await _data(False)))[1])
                   for _ in range(2)]
    finally:
        await request.shutdown()
    assert [answer["cookie"] for answer in answers] == [None, None]


async def test_a_slow_answer_is_timed_out(server: str) -> None:
    request = AiohttpRequest(read_timeout=0.1)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(server + "?slow=1", "POST", await _data(False))
        # a call's own timeout wins over the default
        with pytest.raises(TimedOut):
            await AiohttpRequest.do_request(request, server + "?slow=1", "POST", await _data(False),
                                            read_timeout=0.05)
    finally:
        await request.shutdown()
    assert request.read_timeout == 0.1


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match=r"aiohttp\.Client"):
            await request.do_request(f"http://127.0.0.1:{port}/x", "POST", None)
    finally:
        await request.shutdown()


async def test_a_request_before_initialize_is_refused() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/x", "POST")
