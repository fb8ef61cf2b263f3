"""What an operator sees: /healthz and the Prometheus /metrics of the real app (webhook mode, and
polling mode on ORDERBOT_METRICS_PORT), and one JSON log line per handled update."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlparse

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from bot.logging_setup import JsonFormatter
from bot.storage.models import InboxRow, OutboxRow
from tests.e2e.test_order_thread import open_order, refused, step
from tests.e2e.world import World

pytestmark = pytest.mark.e2e


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"metrics_port": 0}  # polling mode serves /healthz and /metrics on a free port


async def _get(base: str) -> tuple[dict[str, Any], dict[str, float]]:
    """/healthz's body and /metrics' samples (name -> value)."""
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/healthz") as response:
            assert response.status == 200
            health = await response.json()
        async with http.get(f"{base}/metrics") as response:
            assert response.status == 200
            text = await response.text()
    samples = {s.name: s.value for family in text_string_to_metric_families(text)
               for s in family.samples}
    return health, samples


async def _count(world: World, table: Any, *where: Any) -> int:
    async with world.app.uow_factory() as uow:
        query = select(func.count()).select_from(table).where(*where)
        return int((await uow.conn.execute(query)).scalar_one())


async def _handled_and_sent(world: World) -> tuple[int, int]:
    inbox, outbox = InboxRow.__table__, OutboxRow.__table__
    return (await _count(world, inbox, inbox.c.handled_at.is_not(None)),
            await _count(world, outbox, outbox.c.state == "sent"))


@pytest.mark.parametrize("mode", ["webhook"])
async def test_health_and_metrics_in_webhook_mode(world: World) -> None:
    ana = await world.user("Ana", "en")
    await world.say(ana, ana, "/help")
    await world.wait_text(ana, "order thread")
    await world.settle()
    await world.flush()
    webhook = urlparse(world.running.webhook_url or "")
    health, samples = await _get(f"{webhook.scheme}://{webhook.netloc}")
    assert health == {"ok": True, "database": True, "intake": "running",
                                             "outbox_pending": 0}
    assert samples["orderbot_updates_handled_total"] == 1
    assert samples["orderbot_messages_sent_total"] == 1  # the /help answer


@pytest.mark.parametrize("mode", ["polling"])
async def test_health_and_metrics_on_the_metrics_port_in_polling_mode(world: World) -> None:
    assert world.running.webhook is None and world.running.health_port
    th = await open_order(world)
    await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    await world.flush()
    handled, sent = await _handled_and_sent(world)
    assert handled >= 3 and sent >= 4  # /neworder, the client's tap, the pro's tap...
    health, samples = await _get(f"http://127.0.0.1:{world.running.health_port}")
    assert health == {"ok": True, "database": True, "intake": "running",
                                             "outbox_pending": 0}
    assert samples["orderbot_updates_handled_total"] == handled
    assert samples["orderbot_messages_sent_total"] == sent
    assert samples["orderbot_outbox_depth"] == 0


def _update_lines(caplog: pytest.LogCaptureFixture) -> dict[int, list[dict[str, Any]]]:
    """The pipeline's JSON log lines (as `--log-json` prints them), by update id."""
    formatter = JsonFormatter()
    lines: dict[int, list[dict[str, Any]]] = {}
    for record in caplog.records:
        if record.name == "orderbot.pipeline" and record.levelno == logging.INFO:
            line = json.loads(formatter.format(record))
            lines.setdefault(int(line["update_id"]), []).append(line)
    return lines


async def test_one_json_line_per_update_names_the_order(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="orderbot")
    th = await open_order(world)
    await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    tap = world.last_update_id()
    text = await refused(world, th.group, th.client, "In progress")
    assert text == "This button is not for you."
    await world.flush()
    refusal = world.last_update_id()
    lines = _update_lines(caplog)
    assert sorted(lines) == await world.inbox_ids()  # every update, once
    assert all(len(found) == 1 for found in lines.values())
    [handled], [refused_line] = lines[tap], lines[refusal]
    assert (handled["chat_id"], handled["order_id"]) == (th.group, 1)
    assert f"update {tap} handled: callback" in handled["message"]
    assert (refused_line["chat_id"], refused_line["order_id"]) == (th.group, 1)
    assert "refused (not_allowed" in refused_line["message"]
