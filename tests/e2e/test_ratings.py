"""The rating flow and /profile through each framework, against the sandbox: stars, aspects (one
skipped), a comment typed as a reply to the ForceReply prompt, the thank-you, the pro's one reply (a
second attempt refused), and the profile. Editing: test_ratings_edit.py; refusals:
test_ratings_refusals.py; the profile's numbers over several orders: test_ratings_profile.py."""

from __future__ import annotations

import pytest

from tests.e2e.ratings_flow import answer, requested, step, stored
from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e
COMMENT = "Great <b>job</b> *really*"  # shown as typed: plain text, never markup
REPLY = "Reply to the review"


def _labels(message: Entry) -> list[str]:
    return [b["text"] for row in message["buttons"] for b in row]


async def test_rating_reply_and_profile(world: World) -> None:
    ana = await world.user("Ana", "en", username="ana")
    luis = await world.user("Luis", "en", username="luis")
    group = await requested(world, ana, luis, "Luis", "Kitchen tap")
    await step(world, group, luis, "4 ⭐", "Luis rated: ★★★★☆")
    await world.wait_text(group, "On time")
    await step(world, group, luis, "5", "Quality of the work")
    await step(world, group, luis, "Skip", "Communication")
    await step(world, group, luis, "3", "written comment")
    prompt = await step(world, group, luis, "Write a comment", "Write your comment")
    thanks = await answer(world, group, luis, prompt, COMMENT, "Thank you, Luis")
    assert "★★★★☆ (4/5)" in thanks["text"] and "Quality of the work: not rated" in thanks["text"]
    assert "Comment: " + COMMENT in thanks["text"]
    assert not thanks.get("entities") and not thanks.get("parse_mode")
    assert _labels(thanks) == ["Change my rating", REPLY]
    await world.wait_text(group, "Rating: ★★★★☆ (4/5)")  # the card
    # the pro replies once
    reply_data = next(b["data"] for row in thanks["buttons"] for b in row if b["text"] == REPLY)
    prompt = await step(world, group, ana, REPLY, "Write your reply")
    await answer(world, group, ana, prompt, "Thank you, Luis!", "Ana replied to the review")
    review = await world.wait_text(group, "Reply from Ana: Thank you, Luis!")
    assert review["message_id"] == thanks["message_id"]
    assert "Comment: " + COMMENT in review["text"] and _labels(review) == ["Change my rating"]
    # a second attempt is refused: the old button (a client that still shows it) and the old
    # prompt alike, and the reply stays as it was
    query = await world.forge_tap(group, ana, reply_data, int(thanks["message_id"]))
    refused = await world.wait_answer(query)
    assert refused["show_alert"] is True and refused["text"] == "That was already done."
    seen = await world.mark(group)
    await world.say(group, ana, "Second thoughts", reply_to=int(prompt["message_id"]))
    await world.wait_text(group, "That question was already answered.", after=seen)
    rating, _history = await stored(world, group)
    assert rating is not None and rating.reply == "Thank you, Luis!"
    # the profile, in the order chat and in private
    seen = await world.mark(group)
    await world.say(group, luis, "/profile")
    profile = await world.wait_text(group, "Profile of Ana", after=seen)
    assert "Average: 4.0 out of 5 (1 review)" in profile["text"]
    assert "4 ★ ▓▓▓▓▓▓▓▓▓▓ 1" in profile["text"] and "On time: 5.0" in profile["text"]
    assert "Reply from Ana: Thank you, Luis!" in profile["text"]
    assert "Second thoughts" not in profile["text"]
    await world.say(ana, ana, "/profile")
    mine = await world.wait_text(ana, "Profile of Ana")
    assert "(1 review)" in mine["text"] and COMMENT in mine["text"]
