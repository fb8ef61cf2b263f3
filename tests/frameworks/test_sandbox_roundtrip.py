"""Both adapters, both modes, against the sandbox, with a stand-in core (no handlers needed)."""

from __future__ import annotations

import aiohttp
import pytest

from bot.runner import AppFactory
from tests.e2e.conftest import MODES
from tests.e2e.world import World
from tests.frameworks.fakes import EchoCore

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_factory() -> AppFactory:
    return EchoCore


def core(world: World) -> EchoCore:
    assert isinstance(world.app, EchoCore)
    return world.app


@pytest.mark.parametrize("mode", MODES)
async def test_command_round_trip_and_tap(world: World) -> None:
    ana = await world.user("Ana", "pt")
    asked = await world.say(ana, ana, "/Echo@OrderBot_123456_bot  hello there")
    reply = await world.wait_text(ana, "echo echo hello there")
    assert reply["reply_to_message_id"] == asked
    assert reply["buttons"] == [[{"text": "Yes", "data": "y:1"}, {"text": "No", "data": "n:1"}]]
    query = await world.tap(ana, ana, "No")
    answer = await world.wait_answer(query)
    assert answer["text"] == "tapped n:1" and answer["show_alert"] is True
    command = core(world).events[0]
    assert (command.command, command.args, command.user.language) == ("echo", "hello there", "pt")
    tap = core(world).events[1]
    assert (tap.callback_data, tap.message_id, tap.chat_id) == ("n:1", reply["message_id"], ana)


async def test_force_reply_and_reply_text(world: World) -> None:
    bo = await world.user("Bo")
    group = await world.group("Order 7", [bo])
    await world.say(group, bo, "/note")
    prompt = await world.wait_text(group, "echo note")
    assert prompt["force_reply"] == {"placeholder": "your note", "selective": True}
    await world.say(group, bo, "my note", reply_to=prompt["message_id"])
    query = await world.forge_tap(group, bo, "marker")  # processed after the reply: in order
    await world.wait_answer(query)
    text = [e for e in core(world).events if e.kind == "text"][-1]
    assert (text.text, text.reply_to_message_id) == ("my note", prompt["message_id"])
    assert text.chat_type == "group" and text.chat_title == "Order 7"


async def test_command_for_another_bot_is_ignored(world: World) -> None:
    ana = await world.user("Ana")
    await world.say(ana, ana, "/echo@other_bot one")
    await world.say(ana, ana, "/echo two")
    await world.wait_text(ana, "echo echo two")
    assert [e.args for e in core(world).events if e.kind == "command"] == ["two"]


@pytest.mark.parametrize("mode", ["webhook"])
async def test_webhook_refuses_a_wrong_secret_and_stores_nothing(world: World) -> None:
    url = world.running.webhook_url
    assert url is not None
    update = {"update_id": 424242, "message": {"message_id": 1, "date": 0, "text": "/x",
                                               "chat": {"id": 1, "type": "private"}}}
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            async with http.post(url, json=update, headers=headers) as response:
                assert response.status == 403
        health_url = url.rsplit("/", 1)[0] + "/healthz"
        async with http.get(health_url) as response:
            assert response.status == 200
            assert (await response.json())["database"] is True
    assert 424242 not in await world.inbox_ids()


@pytest.mark.parametrize("mode", MODES)
async def test_redelivered_update_is_handled_once(world: World) -> None:
    ana = await world.user("Ana")
    await world.say(ana, ana, "/echo once")
    await world.wait_text(ana, "echo echo once")
    await world.control.redeliver(world.last_update_id())
    marker = await world.forge_tap(ana, ana, "marker")
    await world.wait_answer(marker)
    assert [e.args for e in core(world).events if e.kind == "command"] == ["once"]
    assert len([m for m in await world.bot_messages(ana) if m["text"] == "echo echo once"]) == 1
