"""The rating flow and /profile through each framework, against the sandbox
(PRODUCT.md section 5): stars, aspects (one skipped), a comment typed as a reply to the
ForceReply prompt, the thank-you, the pro's one reply, and the profile."""

from __future__ import annotations

import pytest

from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e
COMMENT = "Great <b>job</b> *really*"  # shown as typed: plain text, never markup


async def _step(world: World, chat: int, user: int, button: str, expect: str) -> Entry:
    """Tap a button and wait for what it makes the bot show."""
    seen = await world.mark(chat)
    await world.tap(chat, user, button)
    return await world.wait_text(chat, expect, after=seen)


async def _answer(world: World, chat: int, user: int, prompt: Entry, text: str,
                  expect: str) -> Entry:
    seen = await world.mark(chat)
    await world.say(chat, user, text, reply_to=int(prompt["message_id"]))
    return await world.wait_text(chat, expect, after=seen)


async def _requested(world: World) -> tuple[int, int, int]:
    ana = await world.user("Ana", "en", username="ana")
    luis = await world.user("Luis", "en", username="luis")
    group = await world.group("Kitchen tap", [ana, luis])
    await world.say(group, ana, "/neworder Kitchen tap")
    await world.wait_text(group, "Kitchen tap")
    await _step(world, group, luis, "I am the client", "Luis is the client")
    await _step(world, group, ana, "Update", "at what stage")
    await _step(world, group, ana, "Done", "When should we ask")
    await _step(world, group, ana, "Yes, now", "the client will see")
    await _step(world, group, ana, "Use this text", "how would you rate the service")
    return ana, luis, group


async def test_rating_reply_and_profile(world: World) -> None:
    ana, luis, group = await _requested(world)
    await _step(world, group, luis, "4 ⭐", "Luis rated: ★★★★☆")
    await world.wait_text(group, "On time")
    await _step(world, group, luis, "5", "Quality of the work")
    await _step(world, group, luis, "Skip", "Communication")
    await _step(world, group, luis, "3", "written comment")
    prompt = await _step(world, group, luis, "Write a comment", "Write your comment")
    thanks = await _answer(world, group, luis, prompt, COMMENT, "Thank you, Luis")
    assert "★★★★☆ (4/5)" in thanks["text"] and "Quality of the work: not rated" in thanks["text"]
    assert "Comment: " + COMMENT in thanks["text"]
    assert not thanks.get("entities") and not thanks.get("parse_mode")
    await world.wait_text(group, "Rating: ★★★★☆ (4/5)")  # the card
    # the pro replies once; a second tap is refused with an alert
    prompt = await _step(world, group, ana, "Reply to the review", "Write your reply")
    await _answer(world, group, ana, prompt, "Thank you, Luis!", "Ana replied to the review")
    review = await world.wait_text(group, "Reply from Ana: Thank you, Luis!")
    assert "Comment: " + COMMENT in review["text"]
    # the profile, in the order chat and in private
    seen = await world.mark(group)
    await world.say(group, luis, "/profile")
    profile = await world.wait_text(group, "Profile of Ana", after=seen)
    assert "Average: 4.0 out of 5 (1 review)" in profile["text"]
    assert "4 ★ ▓▓▓▓▓▓▓▓▓▓ 1" in profile["text"] and "On time: 5.0" in profile["text"]
    assert "Reply from Ana: Thank you, Luis!" in profile["text"]
    await world.say(ana, ana, "/profile")
    mine = await world.wait_text(ana, "Profile of Ana")
    assert "(1 review)" in mine["text"] and COMMENT in mine["text"]


async def test_refusals_change_nothing(world: World) -> None:
    ana, luis, group = await _requested(world)
    request = await world.wait_text(group, "how would you rate the service")
    for user in (ana, await world.user("Eve", "en")):
        query = await world.tap(group, user, "5 ⭐", int(request["message_id"]))
        answer = await world.wait_answer(query)
        assert answer["show_alert"] is True and answer["text"] == "This button is not for you."
    data = next(b["data"] for b in request["buttons"][0] if b["text"] == "5 ⭐")
    forged = data.rsplit(":", 1)[0] + ":9"
    query = await world.forge_tap(group, luis, forged, int(request["message_id"]))
    answer = await world.wait_answer(query)
    assert answer["text"] == "This button is not valid."
    await world.flush()
    seen = await world.mark(group)
    await world.say(group, luis, "/profile")
    profile = await world.wait_text(group, "Profile of Ana", after=seen)
    assert "no reviews yet" in profile["text"]
