"""Privacy mode through each framework, against the sandbox: what the bot
reads is asked with ForceReply prompts; a plain message is not delivered in privacy mode (so it
cannot stop the refund wait), but is with privacy off or the bot an administrator; the notice at
/neworder says what privacy mode costs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from tests.e2e.conftest import TOKEN
from tests.e2e.test_order_thread import Thread, moderator, quiet, reply, set_status, step
from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e
NOTICE = "Note: I can only see commands, taps and replies to my messages here."
PLAIN = "Hi! Sorry, I was away, I still want the job."
STOPPED = "The client wrote: the refund wait of order #1 «Kitchen tap» is stopped."


@pytest.fixture
def bot_privacy() -> bool:
    """The bot's privacy mode when it starts (getMe's can_read_all_group_messages)."""
    return True


@pytest.fixture
async def sandbox(bot_privacy: bool) -> AsyncIterator[SandboxServer]:
    server = SandboxServer(webhook_retry_delay=0.05, bot_token=TOKEN)
    await server.start()
    if not bot_privacy:
        async with SandboxControl(server.base_url) as control:
            await control.set_privacy(False)
    yield server
    await server.stop()


def delivered(world: World, text: str) -> list[dict[str, Any]]:
    """Updates the sandbox queued for the bot that carry a message with this text."""
    history = world.sandbox.state.primary_bot().updates.history.values()
    return [u.payload for u in history if (u.payload.get("text") or "") == text]


async def thread(world: World, privacy: bool = True, admin: bool = False) -> tuple[Thread, Entry]:
    """An order whose client "did not answer"; returns it and the refund-wait message."""
    ana = await world.user("Ana", "en", "ana")
    luis = await world.user("Luis", "en", "luis")
    group = await world.group("Kitchen tap", [ana, luis], privacy=privacy, admin=admin)
    await world.say(group, ana, "/neworder Kitchen tap")
    await world.wait_text(group, "Order #1: Kitchen tap")
    await step(world, group, luis, "I am the client", "Luis is the client")
    th = Thread(group, ana, luis)
    await set_status(world, th, "Not going ahead", "Why is the job not going ahead?")
    await step(world, group, ana, "The client did not answer after several tries",
               "Saved: not going ahead")
    return th, await world.wait_text(group, "the professional could not reach you")


async def test_what_the_bot_reads_comes_as_replies_to_force_reply_prompts(
        world: World) -> None:
    ana = await world.user("Ana", "en", "ana")
    luis = await world.user("Luis", "en", "luis")
    group = await world.group("Kitchen tap", [ana, luis])
    await world.say(group, ana, "/neworder Kitchen tap")
    await world.wait_text(group, "Order #1: Kitchen tap")
    await step(world, group, luis, "I am the client", "Luis is the client")
    th = Thread(group, ana, luis)
    await set_status(world, th, "In progress")
    asked = await step(world, group, luis, "Ask for a revision", "Describe what should be changed")
    assert asked["force_reply"]
    await reply(world, group, luis, asked, "Make the handle blue", "Revision 1 of 2 requested")
    await set_status(world, th, "Done")
    await step(world, group, ana, "Yes, now", "the client will see")
    asked = await step(world, group, ana, "Write my own note", "Write your personal note")
    assert asked["force_reply"]
    await reply(world, group, ana, asked, "Thanks for choosing me, Luis.",
                "how would you rate the service")
    await step(world, group, luis, "5 ⭐", "Luis rated")
    for aspect in ("On time", "Quality of the work", "Communication"):
        await world.wait_text(group, aspect)
        await world.tap(group, luis, "Skip")
    await world.wait_text(group, "written comment")
    asked = await step(world, group, luis, "Write a comment", "Write your comment")
    assert asked["force_reply"]
    await reply(world, group, luis, asked, "Quick and clean.", "Thank you, Luis")
    asked = await step(world, group, ana, "Reply to the review", "Write your reply")
    assert asked["force_reply"]
    await reply(world, group, ana, asked, "Thank you!", "Ana replied to the review")
    prompts = [m for m in await world.bot_messages(group) if m["force_reply"]]
    assert len(prompts) == 4 and all("order #1 «Kitchen tap»" in m["text"] for m in prompts)


async def test_privacy_on_a_plain_message_is_not_delivered(world: World) -> None:
    mona = await moderator(world)
    private = await world.mark(mona)
    th, _wait = await thread(world)
    await world.wait_text(th.group, NOTICE)
    await world.wait_text(mona, "Privacy mode is on in the chat of order #1", after=private)
    seen = await world.mark(th.group)
    await world.say(th.group, th.client, PLAIN)
    await world.say(th.group, th.pro, "/help")  # a command is delivered: a marker after it
    await world.wait_text(th.group, "order thread", after=seen)
    assert delivered(world, PLAIN) == []
    assert not [e for e in await quiet(world, th.group, seen) if STOPPED in (e["text"] or "")]
    await world.advance(timedelta(hours=48))
    await world.wait_text(th.group, "is now eligible for the credit refund", after=seen)


@pytest.mark.parametrize("bot_privacy", [False])
async def test_privacy_off_a_plain_message_stops_the_wait(world: World) -> None:
    th, _wait = await thread(world, privacy=False)
    seen = await world.mark(th.group)
    await world.say(th.group, th.client, PLAIN)
    await world.wait_text(th.group, STOPPED, after=seen)
    assert len(delivered(world, PLAIN)) == 1
    entries = await world.entries(th.group)
    assert not [e for e in entries if NOTICE in (e.get("text") or "")]
    await world.advance(timedelta(hours=49))
    assert not [e for e in await quiet(world, th.group, seen)
                if "eligible" in (e.get("text") or "")]


async def test_bot_admin_a_plain_message_stops_the_wait(world: World) -> None:
    th, _wait = await thread(world, admin=True)
    seen = await world.mark(th.group)
    await world.say(th.group, th.client, PLAIN)
    await world.wait_text(th.group, STOPPED, after=seen)
    assert len(delivered(world, PLAIN)) == 1
    entries = await world.entries(th.group)
    assert not [e for e in entries if NOTICE in (e.get("text") or "")]


MOD_NOTICE = (
    "Privacy mode is on in the chat of order #1 «Kitchen tap»: I cannot see ordinary messages "
    "there, so the refund wait and the check-in window count only taps, commands and replies. "
    "To change that, make me an administrator of that group, or turn off my privacy mode with "
    "@BotFather (/setprivacy, then Disable) and add me to the group again.")
MOD_NOTICE_ES = (
    "El modo de privacidad está activado en el chat del pedido n.º 1 «Kitchen tap»: allí no veo "
    "los mensajes normales, así que el plazo de espera para la devolución y el plazo del mensaje "
    "de ayuda solo cuentan los toques en los botones, los comandos y las respuestas. Para "
    "cambiarlo, hazme administrador de ese grupo o desactiva mi modo de privacidad con "
    "@BotFather (/setprivacy y luego Disable) y vuelve a añadirme al grupo.")


async def test_each_moderator_is_told_what_to_change_in_their_own_language(
        world: World) -> None:
    mona = await moderator(world)
    marta = await world.user("Marta", "es", "marta")
    await world.add_moderator(marta)
    await world.say(marta, marta, "/start")
    await world.wait_text(marta, "")  # the help, in Spanish: Marta is known to the bot
    seen = await world.mark(mona), await world.mark(marta)
    th, _wait = await thread(world)  # an English order
    assert (await world.wait_text(mona, "Privacy mode", after=seen[0]))["text"] == MOD_NOTICE
    assert (await world.wait_text(marta, "modo de privacidad", after=seen[1]))["text"] == \
        MOD_NOTICE_ES
    assert (await world.wait_text(th.group, NOTICE))["text"].startswith(NOTICE)


async def test_a_refused_note_is_asked_again_naming_the_order(world: World) -> None:
    ana = await world.user("Ana", "en", "ana")
    luis = await world.user("Luis", "en", "luis")
    group = await world.group("Kitchen tap", [ana, luis])
    await world.say(group, ana, "/neworder Kitchen tap")
    await world.wait_text(group, "Order #1: Kitchen tap")
    await step(world, group, luis, "I am the client", "Luis is the client")
    await set_status(world, Thread(group, ana, luis), "Done")
    await step(world, group, ana, "Yes, now", "the client will see")
    asked = await step(world, group, ana, "Write my own note", "Write your personal note")
    await reply(world, group, ana, asked, "Please give me 5 stars!",
                "Your note asks for a given rating")
    again = await world.wait_text(group, "Write the corrected note")
    assert again["text"] == ("@ana Write the corrected note for order #1 «Kitchen tap» as a "
                             "reply to this message.")
    assert again["force_reply"] == {"placeholder": "Your personal note", "selective": True}
    await reply(world, group, ana, again, "Thanks for choosing me, Luis.",
                "how would you rate the service")
    prompts = [m for m in await world.bot_messages(group) if m["force_reply"]]
    assert len(prompts) == 2
    assert all("order #1 «Kitchen tap»" in m["text"] for m in prompts)
