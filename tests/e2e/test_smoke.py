"""The whole bot through each framework and each mode, against the sandbox."""

from __future__ import annotations

import aiohttp
import pytest

from tests.e2e.conftest import MODES
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
HELP = "order thread"  # in the English /help text


@pytest.mark.parametrize("mode", MODES)
async def test_help_round_trip(world: World) -> None:
    ana = await world.user("Ana", "en")
    asked = await world.say(ana, ana, "/help")
    answer = await world.wait_text(ana, HELP)
    assert answer["reply_to_message_id"] in (asked, None)
    bo = await world.user("Bo", "en")  # another chat: no wait for the 1/s private-chat limit
    await world.say(bo, bo, "/start")
    await world.wait_text(bo, HELP)


@pytest.mark.parametrize("mode", ["webhook"])
async def test_wrong_webhook_secret_is_refused_and_nothing_stored(world: World) -> None:
    url = world.running.webhook_url
    assert url is not None
    update = {"update_id": 990001, "message": {
        "message_id": 1, "date": 0, "text": "/help", "chat": {"id": 5, "type": "private"},
        "from": {"id": 5, "is_bot": False, "first_name": "Eve"}}}
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "not-the-secret"}):
            async with http.post(url, json=update, headers=headers) as response:
                assert response.status in (401, 403)
    assert 990001 not in await world.inbox_ids()


@pytest.mark.parametrize("mode", MODES)
async def test_redelivered_update_is_handled_once(world: World) -> None:
    ana = await world.user("Ana", "en")
    await world.say(ana, ana, "/help")
    await world.wait_text(ana, HELP)
    await world.flush()
    before = len(await world.bot_messages(ana))
    await world.control.redeliver(world.last_update_id())
    marker = await world.forge_tap(ana, ana, "zz:1")  # handled after the repeat: updates keep order
    await world.wait_answer(marker)
    await world.flush()
    assert len(await world.bot_messages(ana)) == before


async def test_forged_tap_gets_an_alert_and_changes_nothing(world: World) -> None:
    ana = await world.user("Ana", "en")
    await world.say(ana, ana, "/help")
    help_message = await world.wait_text(ana, HELP)
    await world.flush()
    seen = await world.mark(ana)
    query = await world.forge_tap(ana, ana, "st:999999:x", help_message["message_id"])
    answer = await world.wait_answer(query)
    assert answer["show_alert"] is True and answer["text"]
    await world.flush()
    changes = await world.entries(ana, after=seen, kinds=("message", "edit", "delete"))
    assert changes == []
