"""The ForceReply flows with privacy mode off, through each framework, against the sandbox: the bot
now sees every message, and the revision, the note, the comment and the pro's reply still work as
replies to their prompts, while a plain message written while a prompt is open is not mistaken for
the answer."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from tests.e2e.conftest import TOKEN
from tests.e2e.test_order_thread import Thread, quiet, reply, set_status, step
from tests.e2e.test_privacy import NOTICE, delivered
from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    """Privacy mode off before the bot starts (getMe: can_read_all_group_messages)."""
    server = SandboxServer(webhook_retry_delay=0.05, bot_token=TOKEN)
    await server.start()
    async with SandboxControl(server.base_url) as control:
        await control.set_privacy(False)
    yield server
    await server.stop()


async def plain_then_reply(world: World, th: Thread, user: int, prompt: Entry, plain: str,
                           answer: str, expect: str) -> Entry:
    """A plain message while the prompt is open (seen, not taken), then the reply to it."""
    seen = await world.mark(th.group)
    await world.say(th.group, user, plain)
    await world.say(th.group, th.pro, "/help")  # handled after the plain message: a marker
    await world.wait_text(th.group, "order thread", after=seen)
    assert len(delivered(world, plain)) == 1
    taken = [e for e in await quiet(world, th.group, seen)
             if e["from"]["is_bot"] and plain in (e.get("text") or "")]
    assert taken == []
    assert prompt["force_reply"]
    return await reply(world, th.group, user, prompt, answer, expect)


async def test_prompts_are_answered_by_replies_when_the_bot_sees_everything(
        world: World) -> None:
    ana = await world.user("Ana", "en", "ana")
    luis = await world.user("Luis", "en", "luis")
    group = await world.group("Kitchen tap", [ana, luis], privacy=False)
    await world.say(group, ana, "/neworder Kitchen tap")
    await world.wait_text(group, "Order #1: Kitchen tap")
    await step(world, group, luis, "I am the client", "Luis is the client")
    th = Thread(group, ana, luis)
    await set_status(world, th, "In progress")
    asked = await step(world, group, luis, "Ask for a revision", "Describe what should be changed")
    posted = await plain_then_reply(world, th, luis, asked, "Make the handle red",
                                    "Make the handle blue", "Revision 1 of 2 requested")
    assert "«Make the handle blue»" in posted["text"]
    await set_status(world, th, "Done")
    await step(world, group, ana, "Yes, now", "the client will see")
    asked = await step(world, group, ana, "Write my own note", "Write your personal note")
    request = await plain_then_reply(world, th, ana, asked, "One moment, Luis",
                                     "Thanks for choosing me, Luis.",
                                     "how would you rate the service")
    assert request["text"].startswith("Thanks for choosing me, Luis.")
    await step(world, group, luis, "5 ⭐", "Luis rated")
    for aspect in ("On time", "Quality of the work", "Communication"):
        await world.wait_text(group, aspect)
        await world.tap(group, luis, "Skip")
    asked = await step(world, group, luis, "Write a comment", "Write your comment")
    thanks = await plain_then_reply(world, th, luis, asked, "Hmm, let me think",
                                    "Quick and clean.", "Thank you, Luis")
    assert "Comment: Quick and clean." in thanks["text"]
    asked = await step(world, group, ana, "Reply to the review", "Write your reply")
    await plain_then_reply(world, th, ana, asked, "Brb", "Thank you!",
                           "Ana replied to the review")
    review = await world.wait_text(group, "Reply from Ana: Thank you!")
    assert "Brb" not in review["text"]
    entries = await world.entries(group)
    assert not [e for e in entries if NOTICE in (e.get("text") or "")]
