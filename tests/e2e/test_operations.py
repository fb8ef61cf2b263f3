"""What an operator sees: /healthz and the Prometheus /metrics of the real app."""

from __future__ import annotations

from urllib.parse import urlparse

import aiohttp
import pytest

from tests.e2e.world import World

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("mode", ["webhook"])
async def test_health_and_metrics_in_webhook_mode(world: World) -> None:
    ana = await world.user("Ana", "en")
    await world.say(ana, ana, "/help")
    await world.wait_text(ana, "order thread")
    await world.flush()
    webhook = urlparse(world.running.webhook_url or "")
    base = f"{webhook.scheme}://{webhook.netloc}"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/healthz") as response:
            assert response.status == 200
            health = await response.json()
        async with http.get(f"{base}/metrics") as response:
            assert response.status == 200
            metrics = await response.text()
    assert health["database"] == "ok" or health.get("ok") is True
    assert "orderbot_updates_handled_total 1.0" in metrics
    assert "orderbot_messages_sent_total" in metrics
