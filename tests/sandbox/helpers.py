"""Helpers for the sandbox tests: a fake clock and a raw Bot API caller."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp

TOKEN = "123456:TEST-secret_token"
BOT_ID = 123456


class FakeClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Answer:
    status: int
    body: dict[str, Any]

    @property
    def result(self) -> Any:
        assert self.body["ok"], self.body
        return self.body["result"]

    @property
    def description(self) -> str:
        return str(self.body["description"])


class BotApi:
    """Calls /bot<token>/<method> with a JSON body (or form data when asked)."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str) -> None:
        self.session = session
        self.base_url = base_url
        self.token = token

    async def __call__(self, method: str, **params: Any) -> Answer:
        url = f"{self.base_url}/bot{self.token}/{method}"
        async with self.session.post(url, json=params) as response:
            return Answer(response.status, await response.json())

    async def form(self, method: str, multipart: bool = False, **params: Any) -> Answer:
        """Form fields; as multipart/form-data when asked, or when a value is a file (a
        (filename, content, content type) tuple)."""
        data = aiohttp.MultipartWriter("form-data") if multipart else aiohttp.FormData()
        for key, value in params.items():
            if isinstance(value, (dict, list)):
                value = json.dumps(value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            if isinstance(data, aiohttp.MultipartWriter):
                if isinstance(value, tuple):
                    part = data.append(value[1], {"Content-Type": value[2]})
                    part.set_content_disposition("form-data", name=key, filename=value[0])
                else:
                    data.append(str(value)).set_content_disposition("form-data", name=key)
            elif isinstance(value, tuple):
                data.add_field(key, value[1], filename=value[0], content_type=value[2])
            else:
                data.add_field(key, str(value))
        url = f"{self.base_url}/bot{self.token}/{method}"
        async with self.session.post(url, data=data) as response:
            return Answer(response.status, await response.json())


async def updates(api: BotApi) -> list[dict[str, Any]]:
    """Pending updates, confirmed at once (the next call will not see them again)."""
    result: list[dict[str, Any]] = (await api("getUpdates")).result
    if result:
        await api("getUpdates", offset=result[-1]["update_id"] + 1, timeout=0)
    return result


def kinds(batch: list[dict[str, Any]]) -> list[str]:
    return [next(k for k in u if k != "update_id") for u in batch]


def texts(batch: list[dict[str, Any]]) -> list[str | None]:
    return [u["message"].get("text") for u in batch if "message" in u]
