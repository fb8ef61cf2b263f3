"""Binding a group to an order through each framework, against the sandbox: a moderator's /neworder,
whose card offers both roles, and the deep link of an order that `orderbot create-order` made for a
marketplace backend (`?startgroup=<token>`)."""

from __future__ import annotations

import asyncio
import os
import re
import sys

import pytest

from tests.e2e.test_order_thread import ASK, forged, moderator, quiet, refused, step
from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e
NO_PRO = ("This order has no professional yet: the professional taps \"I am the "
          "professional\" on the card first.")
MODERATOR = "Moderators cannot take the client's or the professional's place in an order."
BOTH = ("You already have the other role in this order: the client and the professional are "
        "two different people.")


def labels(entry: Entry) -> list[str]:
    return [b["text"] for row in entry.get("buttons") or [] for b in row]


async def test_a_moderators_order_gets_its_professional_and_client_from_the_card(
        world: World) -> None:
    mona = await moderator(world)
    ana, luis = await world.user("Ana", "en", "ana"), await world.user("Luis", "en", "luis")
    group = await world.group("Kitchen tap", [mona, ana, luis])
    await world.say(group, mona, "/neworder Kitchen tap")
    card = await world.wait_text(group, "Order #1: Kitchen tap")
    assert "Professional: not yet known" in card["text"]
    assert labels(card) == ["I am the professional", "I am the client"]
    card_id = int(card["message_id"])
    await world.wait_text(group, "Note: I can only see commands")  # privacy mode is on
    # the moderator takes neither role; the pro's buttons wait for a pro
    assert await refused(world, group, mona, "I am the professional", card_id) == MODERATOR
    assert await refused(world, group, mona, "I am the client", card_id) == MODERATOR
    seen = await world.mark(group)
    assert await forged(world, group, mona, "upd:1", card_id) == NO_PRO
    assert await forged(world, group, ana, "upd:1", card_id) == NO_PRO
    assert await quiet(world, group, seen) == []
    await world.say(group, mona, "/revisions 3")
    await world.wait_text(group, NO_PRO, after=seen)
    await world.say(group, luis, "/profile")  # nobody's profile to show yet
    await world.wait_text(group, "or /profile <user id>.", after=seen)
    await world.say(mona, mona, "/order 1")
    details = await world.wait_text(mona, "History:", timeout=15)
    assert "Professional: not yet known" in details["text"] and "(id 0)" not in details["text"]
    await world.say(mona, mona, "/orders")
    await world.wait_text(mona, "— not yet known / no client yet", timeout=15)
    # the first other member to tap each takes that role, and only one
    card = await step(world, group, luis, "I am the client", "Client: Luis", card_id)
    assert labels(card) == ["I am the professional"]
    await world.wait_text(group, "Luis is the client of order #1.")
    assert await refused(world, group, luis, "I am the professional", card_id) == BOTH
    card = await step(world, group, ana, "I am the professional", "Professional: Ana", card_id)
    assert "Update" in labels(card) and "I am the professional" not in labels(card)
    await world.wait_text(group, "Ana is the professional of order #1.")
    assert (await forged(world, group, luis, "clpro:1", card_id)).startswith(
        "That was already done.")
    await step(world, group, ana, "Update", "at what stage is the job?", card_id)
    await step(world, group, ana, "Done", ASK)
    await world.wait_text(group, "Ana marked the job as done. Luis, please confirm")


async def test_the_professional_of_a_moderators_order_cannot_also_be_its_client(
        world: World) -> None:
    mona = await moderator(world)
    ana, luis = await world.user("Ana", "en", "ana"), await world.user("Luis", "en", "luis")
    group = await world.group("Kitchen tap", [mona, ana, luis])
    await world.say(group, mona, "/neworder Kitchen tap")
    card = await world.wait_text(group, "Order #1: Kitchen tap")
    await step(world, group, ana, "I am the professional", "Professional: Ana",
               int(card["message_id"]))
    assert await refused(world, group, ana, "I am the client", int(card["message_id"])) == BOTH
    await step(world, group, luis, "I am the client", "Client: Luis", int(card["message_id"]))


async def _create_order(world: World, title: str, pro: int, name: str) -> str:
    """`orderbot create-order`, as a marketplace backend runs it; the token of its link."""
    username = world.sandbox.state.primary_bot().username
    env = {**os.environ, "ORDERBOT_DATABASE_URL": world.app.settings.database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "create-order", "--title", title, "--pro-id",
        str(pro), "--pro-name", name, "--language", "en", "--bot-username", username,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    found = re.search(rf"https://t\.me/{username}\?startgroup=([A-Za-z0-9_-]+)", out.decode())
    assert found, out.decode()
    return found.group(1)


@pytest.mark.slow
async def test_the_deep_link_binds_the_group_the_bot_is_added_to(world: World) -> None:
    ana, luis = await world.user("Ana", "en", "ana"), await world.user("Luis", "en", "luis")
    token = await _create_order(world, "Paint the hall", ana, "Ana")
    group = await world.control.create_chat("group", "Hall", [ana, luis], with_bot=False)
    await world.control.start_in_group(group, ana, token)
    card = await world.wait_text(group, "Order #1: Paint the hall")
    assert "Professional: Ana" in card["text"] and "Client: not yet known" in card["text"]
    assert labels(card) == ["I am the client", "Update"]
    await step(world, group, luis, "I am the client", "Luis is the client of order #1.")
    await step(world, group, ana, "Update", "at what stage is the job?")
    await step(world, group, ana, "In progress", ASK)
    # the same link in another group, and a link that does not exist, bind nothing
    other = await world.control.create_chat("group", "Other", [luis], with_bot=False)
    seen = await world.mark(other)
    await world.control.start_in_group(other, luis, token)
    await world.wait_text(other, "You are not allowed to do that in this order.", after=seen)
    await world.say(other, luis, "/start nosuchtoken")
    await world.wait_text(other, "That is no longer available.", after=seen)
    assert not [e for e in await quiet(world, other, seen) if "Order #1" in (e["text"] or "")]
