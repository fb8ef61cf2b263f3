"""Revisions, new delivery dates, disputes and the check-in through each framework, against
the sandbox: what the people in the chat see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from bot.core.callback_data import SendCheckin
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
CHECKIN = "Check in with the client"


@dataclass
class Thread:
    group: int
    pro: int
    client: int


async def _in_progress(world: World) -> Thread:
    pro = await world.user("Ana", "en", "ana")
    client = await world.user("Luis", "en", "luis")
    group = await world.group("Kitchen tap", [pro, client])
    await world.say(group, pro, "/neworder Kitchen tap")
    await world.wait_text(group, "Kitchen tap")
    await world.tap(group, client, "I am the client")
    await world.wait_text(group, "Luis is the client")
    await world.tap(group, pro, "Update")
    await world.wait_text(group, "at what stage is the job?")
    await world.tap(group, pro, "In progress")
    await world.wait_text(group, "When should we ask the client for the review?")
    return Thread(group, pro, client)


async def _answer_prompt(world: World, th: Thread, user: int, prompt: str, text: str) -> None:
    asked = await world.wait_text(th.group, prompt)
    await world.say(th.group, user, text, reply_to=int(asked["message_id"]))


async def test_revision_requested_and_counted(world: World) -> None:
    th = await _in_progress(world)
    await world.tap(th.group, th.client, "Ask for a revision")
    await _answer_prompt(world, th, th.client, "Describe what should be changed",
                         "Make the handle blue")
    posted = await world.wait_text(th.group, "Revision 1 of 2 requested by")
    assert "Make the handle blue" in posted["text"] and "1 revision left." in posted["text"]
    await world.wait_text(th.group, "Revisions: 1 of 2 used")


async def test_new_delivery_date_proposed_and_accepted(world: World) -> None:
    th = await _in_progress(world)
    await world.tap(th.group, th.pro, "New delivery date")
    calendar = await world.wait_text(th.group, "Choose the new delivery date")
    day = next(b["data"] for row in calendar["buttons"] for b in row
               if (b.get("data") or "").startswith("ddc:"))
    await world.tap(th.group, th.pro, day, int(calendar["message_id"]))
    await world.wait_text(th.group, "Ana proposes a new delivery date:")
    query = await world.tap(th.group, th.client, "Accept")
    await world.wait_answer(query)
    await world.wait_text(th.group, "Luis accepted: the delivery date is now")
    await world.wait_text(th.group, "Delivery date:")


async def _moderator_in_private(world: World) -> int:
    """A moderator who has started the private chat where dispute notices arrive."""
    moderator = await world.user("Mod", "en", "mod")
    await world.add_moderator(moderator)
    await world.say(moderator, moderator, "/start")
    await world.wait_text(moderator, "order thread")
    return moderator


async def test_dispute_reaches_the_moderator_who_resolves_it(world: World) -> None:
    moderator = await _moderator_in_private(world)
    th = await _in_progress(world)
    await world.tap(th.group, th.client, "Open a dispute")
    await _answer_prompt(world, th, th.client, "Why are you opening a dispute",
                         "The tap still leaks")
    await world.wait_text(th.group, "Luis opened a dispute about")
    notice = await world.wait_text(moderator, "Dispute opened on")
    assert "The tap still leaks" in notice["text"] and "History:" in notice["text"]
    await world.tap(moderator, moderator, "In progress", int(notice["message_id"]))
    await world.wait_text(th.group, "A moderator closed the dispute: the order is In progress.")
    await world.wait_text(moderator, "resolved by you: In progress")


async def test_one_checkin_in_its_window(world: World) -> None:
    th = await _in_progress(world)
    seen = await world.mark(th.group)
    await world.advance(timedelta(hours=25))
    opened = await world.wait_text(th.group, "Check-in: not used", after=seen)  # the window
    assert CHECKIN in _labels(opened)
    await world.tap(th.group, th.pro, CHECKIN)
    await _answer_prompt(world, th, th.pro, "Write your one check-in",
                         "How did it go? Do you need anything else?")
    await world.wait_text(th.group, "Message from Ana:")
    card = await world.wait_text(th.group, "Check-in: used")
    assert CHECKIN not in _labels(card)  # used: the card no longer offers it
    forged = SendCheckin(1).pack()
    query = await world.forge_tap(th.group, th.pro, forged, int(card["message_id"]))
    answer = await world.wait_answer(query)  # a tap from an out-of-date client
    assert answer["show_alert"] is True
    assert answer["text"].startswith("You already sent your check-in")


def _labels(entry: dict[str, Any]) -> list[str]:
    return [b["text"] for row in entry.get("buttons") or [] for b in row]


async def _alert(world: World, chat: int, user: int, button: str) -> str:
    answer = await world.wait_answer(await world.tap(chat, user, button))
    assert answer["show_alert"] is True, answer
    return str(answer["text"])


async def test_revisions_set_by_command_and_an_exhausted_allowance(world: World) -> None:
    th = await _in_progress(world)
    seen = await world.mark(th.group)
    await world.say(th.group, th.pro, "/revisions 1")
    await world.wait_text(th.group, "This order includes 1 revision.", after=seen)
    await world.wait_text(th.group, "Revisions: 0 of 1 used", after=seen)
    await world.say(th.group, th.client, "/revisions 5")
    await world.wait_text(th.group, "You are not allowed to do that in this order.", after=seen)
    await world.tap(th.group, th.client, "Ask for a revision")
    await _answer_prompt(world, th, th.client, "(1 revision left)", "A longer spout")
    posted = await world.wait_text(th.group, "Revision 1 of 1 requested by Luis", after=seen)
    assert "0 revisions left." in posted["text"]
    await world.wait_text(th.group, "Revisions: 1 of 1 used", after=seen)
    assert await _alert(world, th.group, th.client, "Ask for a revision") == \
        "The 1 included revision has already been used."
    await world.say(th.group, th.pro, "/revisions 0")
    await world.wait_text(th.group, "Choose a number from 1 to 20.", after=seen)
    await world.say(th.group, th.pro, "/revisions 2")
    await world.wait_text(th.group, "Revisions: 1 of 2 used", after=seen)


async def test_no_revisions_included_says_so(world: World) -> None:
    th = await _in_progress(world)
    await world.say(th.group, th.pro, "/revisions 0")
    await world.wait_text(th.group, "Revisions: 0 of 0 used")
    assert await _alert(world, th.group, th.client, "Ask for a revision") == \
        "This order includes no revisions."


async def test_the_client_refuses_a_new_delivery_date(world: World) -> None:
    th = await _in_progress(world)
    await world.tap(th.group, th.pro, "New delivery date")
    calendar = await world.wait_text(th.group, "Choose the new delivery date")
    day = next(b["data"] for row in calendar["buttons"] for b in row
               if (b.get("data") or "").startswith("ddc:"))
    await world.tap(th.group, th.pro, day, int(calendar["message_id"]))
    proposal = await world.wait_text(th.group, "Ana proposes a new delivery date:")
    proposal_id = int(proposal["message_id"])
    assert await _alert(world, th.group, th.pro, "Refuse") == "This button is not for you."
    seen = await world.mark(th.group)
    answer = await world.wait_answer(await world.tap(th.group, th.client, "Refuse",
                                                     proposal_id))
    assert answer["text"] == "Your answer was saved."
    refused = await world.wait_text(th.group, "Luis refused the new date.", after=seen)
    assert refused["message_id"] == proposal_id and not refused["buttons"]
    data = next(b["data"] for row in proposal["buttons"] for b in row if b["text"] == "Accept")
    again = await world.wait_answer(await world.forge_tap(th.group, th.client, data,
                                                          proposal_id))
    assert again["text"].startswith("This proposal was already refused.")
    await world.flush()
    cards = [e for e in await world.entries(th.group, kinds=("message", "edit"))
             if "📋 Order #1" in (e.get("text") or "")]
    assert "Delivery date:" not in cards[-1]["text"]


async def test_the_professional_opens_a_dispute_and_moderators_get_the_history(
        world: World) -> None:
    moderator = await _moderator_in_private(world)
    th = await _in_progress(world)
    await world.tap(th.group, th.pro, "Open a dispute")
    await _answer_prompt(world, th, th.pro, "Why are you opening a dispute",
                         "The client changed the job after we agreed")
    opened = await world.wait_text(th.group, "Ana opened a dispute about")
    assert "The client changed the job after we agreed" in opened["text"]
    await world.wait_text(th.group, "Status: In dispute")
    notice = await world.wait_text(moderator, "Dispute opened on order #1 «Kitchen tap» by Ana.")
    text = notice["text"]
    assert "Reason: The client changed the job after we agreed" in text
    history = text.split("History:\n", 1)[1].splitlines()
    assert [line.split(": ", 1)[1] for line in history] == [
        "Not hired yet → In progress, by Ana", "In progress → In dispute, by Ana"]
    assert await _alert(world, th.group, th.client, "Withdraw the dispute") == \
        "This button is not for you."
    await world.tap(th.group, th.pro, "Withdraw the dispute")
    await world.wait_text(th.group, "Ana withdrew the dispute: the order is In progress again.")
