"""python-telegram-bot's getUpdates, made to wait until the updates before it are committed.

PTB's Updater puts each batch of updates in the Application's queue and asks for the next batch
at once, and a getUpdates acknowledges every update before its offset: a crash then lost
whatever was still queued or not yet committed. This request (PTB's own, httpx, as PTB builds
it for getUpdates) runs `before_poll` first: the adapter waits there until the queue has been
handled and the core has committed it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram.request import BaseRequest, HTTPXRequest, RequestData


class SettlingRequest(HTTPXRequest):
    def __init__(self, read_timeout: float) -> None:
        super().__init__(connection_pool_size=1, read_timeout=read_timeout)
        self.before_poll: Callable[[], Awaitable[None]] | None = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE,
                         write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self.before_poll is not None and url.endswith("/getUpdates"):
            await self.before_poll()
        return await super().do_request(url, method, request_data, read_timeout,
                                        write_timeout, connect_timeout, pool_timeout)
