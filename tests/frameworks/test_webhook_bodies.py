"""Every webhook body gets a deliberate answer, never a 500, with both frameworks behind it:
400 for a body that is not JSON, an update_id that is not an int64 or a body over the limit;
200 for a well-formed update the bot does not handle; 403 for a wrong secret."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.runner import Running, start
from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from bot.storage.models import InboxRow
from tests.e2e.conftest import SECRET
from tests.frameworks.fakes import EchoCore
from tests.frameworks.test_webhook import HEADER, private_command

pytestmark = pytest.mark.e2e
INT64_MAX = 2**63 - 1
MAX_BYTES = 64 * 1024

REFUSED = {
    "not UTF-8": b'{"update_id": 1, "message": "\xff\xfe"}',
    "update_id 10^30": b'{"update_id": 1000000000000000000000000000000}',
    "update_id 1e400": b'{"update_id": 1e400}',
    "update_id 2^63": json.dumps({"update_id": 2**63}).encode(),
    "update_id a string": b'{"update_id": "7"}',
    "update_id true": b'{"update_id": true}',
    "update_id 7.0": b'{"update_id": 7.0}',
    "no update_id": b'{"message": {}}',
    "100,000-deep JSON": b"[" * 100_000 + b"]" * 100_000,
    "100,000 deep inside an update": b'{"update_id": 9, "x": ' + b"[" * 100_000 + b"]" * 100_000
                                     + b"}",
    "NaN": b'{"update_id": 9, "x": NaN}',
    "not JSON": b"update_id=9",
    "empty": b"",
    "a list": b"[1, 2]",
    "over the limit": json.dumps({"update_id": 9, "x": "a" * MAX_BYTES}).encode(),
}
ACCEPTED = {  # well-formed, with an int64 update_id, but nothing the bot handles
    "the largest int64 and nothing else": {"update_id": INT64_MAX},
    "an unknown kind": {"update_id": 4_001, "story_reaction": {"id": 1}},
    "a message that is not an object": {"update_id": 4_002, "message": "hello"},
    "a negative update_id": {"update_id": -(2**63)},
}


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"webhook_max_bytes": MAX_BYTES}


async def _post(url: str, body: bytes, secret: str = SECRET) -> int:
    headers = {HEADER: secret, "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as http, http.post(url, data=body,
                                                          headers=headers) as response:
        return response.status


async def _stored_ids(running: Running) -> set[int]:
    async with running.app.uow_factory() as uow:
        rows = await uow.conn.execute(select(InboxRow.__table__.c.update_id))
        return {int(u) for (u,) in rows.all()}


async def test_each_body_gets_its_answer_and_the_bot_goes_on(
        sandbox: SandboxServer, settings: Settings) -> None:
    async with SandboxControl(sandbox.base_url) as control:
        ana = await control.create_user("Ana", "en")
        running = await start(settings, mode="webhook", app_factory=EchoCore)
        try:
            url, webhook = running.webhook_url, running.webhook
            assert url is not None and webhook is not None
            statuses = {name: await _post(url, body) for name, body in REFUSED.items()}
            assert statuses == dict.fromkeys(REFUSED, 400)
            statuses = {name: await _post(url, json.dumps(body).encode())
                        for name, body in ACCEPTED.items()}
            assert statuses == dict.fromkeys(ACCEPTED, 200)
            assert await _post(url, b'{"update_id": 5}', secret="wrong") == 403
            await webhook.idle()
            assert await _stored_ids(running) == {b["update_id"] for b in ACCEPTED.values()}
            good = json.dumps(private_command(4_100, ana, "/echo still here")).encode()
            assert await _post(url, good) == 200
            await control.wait_for(ana, lambda e: e.get("text") == "echo echo still here")
        finally:
            await running.stop()
