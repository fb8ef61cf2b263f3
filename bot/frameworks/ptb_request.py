"""python-telegram-bot's Bot API requests over aiohttp instead of httpx.

PTB lets the networking backend be replaced (`telegram.request.BaseRequest`). Its own,
httpx, looks through every connection of its pool, polling each idle one's socket, whenever a
request is queued or finishes: with a callback answer per tap that cost about as much CPU as
handling the tap. aiohttp (already the aiogram adapter's client) keeps its idle connections
in a queue. The requests and their errors are PTB's: the same form-encoded or multipart body
(the parameters JSON-encoded by PTB), `TimedOut` for a timeout and `NetworkError` for a
failed connection, with the same default timeouts as PTB's `HTTPXRequest`.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's HTTPXRequest defaults.
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 5.0
POOL_TIMEOUT_S = 1.0
CONNECTIONS = 256


class AiohttpRequest(BaseRequest):
    """PTB's request interface; the work is the `client`'s (an `AiohttpClient`)."""

    def __init__(self, connections: int = CONNECTIONS,
                 read_timeout: float | None = READ_TIMEOUT_S,
                 connect_timeout: float | None = CONNECT_TIMEOUT_S,
                 pool_timeout: float | None = POOL_TIMEOUT_S) -> None:
        self.client = AiohttpClient(connections, read_timeout, connect_timeout, pool_timeout)

    @property
    def read_timeout(self) -> float | None:
        return self.client.read_timeout

    async def initialize(self) -> None:
        await self.client.open(self.USER_AGENT)

    async def shutdown(self) -> None:
        await self.client.close()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE,
                         write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        return await self.client.request(url, method, request_data, read_timeout,
                                         connect_timeout, pool_timeout)


class AiohttpClient:
    """The aiohttp session behind an `AiohttpRequest`, with its default timeouts.

    Kept apart from the `BaseRequest` subclass so that its state is the project's own and
    cannot meet a name PTB's class uses for its own.
    """

    def __init__(self, connections: int, read_timeout: float | None,
                 connect_timeout: float | None, pool_timeout: float | None) -> None:
        self._connections = connections
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def open(self, user_agent: str) -> None:
        if self._session is None or self._session.closed:
            # The Bot API sets no cookies: a cookie jar would only cost every call its time.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": user_agent}, cookie_jar=aiohttp.DummyCookieJar())

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def request(self, url: str, method: str, request_data: RequestData | None,
                      read_timeout: Any, connect_timeout: Any,
                      pool_timeout: Any) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        timeout = self._timeout(read_timeout, connect_timeout, pool_timeout)
        try:
            async with self._session.request(method, url, data=_body(request_data),
                                             timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    def _timeout(self, read: Any, connect: Any, pool: Any) -> aiohttp.ClientTimeout:
        """A call's timeouts, the defaults where PTB passed none (its write timeout has no
        counterpart in aiohttp: a request's body goes to the socket's buffer)."""
        read = self._read_timeout if _is_default(read) else read
        connect = self._connect_timeout if _is_default(connect) else connect
        pool = self._pool_timeout if _is_default(pool) else pool
        # aiohttp's `connect` covers waiting for a free connection and then making it
        waited = None if connect is None or pool is None else connect + pool
        return aiohttp.ClientTimeout(total=None, connect=waited, sock_connect=connect,
                                     sock_read=read)


def _is_default(value: Any) -> bool:
    """Whether PTB passed no timeout (its documented check: `is BaseRequest.DEFAULT_NONE`)."""
    return value is BaseRequest.DEFAULT_NONE


def _body(request_data: RequestData | None) -> dict[str, str] | aiohttp.FormData | None:
    """The parameters form-encoded, or with the files as a multipart form, as PTB sends them."""
    if request_data is None:
        return None
    parameters = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return parameters
    form = aiohttp.FormData()
    for name, value in parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
