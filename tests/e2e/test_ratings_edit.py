"""Changing a rating through each framework, against the sandbox: "Change my rating" posts the stars
again, then the aspects and the comment; the card and /profile show the new rating, the stored
history and a moderator's /order keep the old one, one entry per change, an aspect changed alone
included."""

from __future__ import annotations

import pytest

from tests.e2e.ratings_flow import card_now, details, order_in, rate, requested, step, stored
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
WAIT = 15.0  # several messages into one private chat: the 1/s limit is waited out


async def _profile(world: World, group: int, asker: int) -> str:
    seen = await world.mark(group)
    await world.say(group, asker, "/profile")
    return str((await world.wait_text(group, "Profile of Ana", after=seen))["text"])


async def _change(world: World, group: int, luis: int, stars: int) -> int:
    """Change my rating on the latest thank-you, then the stars; the transcript's mark before
    the star tap."""
    row = await step(world, group, luis, "Change my rating", "Choose the stars again")
    assert "your rating of order #1 «Kitchen tap» is" in row["text"]
    assert [b["text"] for b in row["buttons"][0]] == [f"{n} ⭐" for n in range(1, 6)]
    seen = await world.mark(group)
    await world.tap(group, luis, f"{stars} ⭐", int(row["message_id"]))
    changed = await world.wait_text(group, "Luis changed the rating: " + "★" * stars, after=seen)
    assert changed["message_id"] == row["message_id"] and not changed["buttons"]
    return seen


async def test_change_stars_aspects_and_comment_keeps_the_old_rating(world: World) -> None:
    ana = await world.user("Ana", "en", username="ana")
    luis = await world.user("Luis", "en", username="luis")
    mona = await world.user("Mona", "en")
    await world.add_moderator(mona)
    group = await requested(world, ana, luis, "Luis", "Kitchen tap")
    first = await rate(world, group, luis, "Luis", 2, (2, 3, None), "Slow")
    assert "★★☆☆☆ (2/5)" in first["text"] and "Comment: Slow" in first["text"]
    await world.wait_text(group, "Rating: ★★☆☆☆ (2/5)")

    seen = await _change(world, group, luis, 5)
    request = await world.wait_text(group, "Luis rated: ★★★★★", after=seen)  # the request
    assert "how would you rate the service" in request["text"] and not request["buttons"]
    await world.wait_text(group, "Rating: ★★★★★ (5/5)", after=seen)  # the card
    thanks = await details(world, group, luis, "Luis", (5, None, 4), "Sorted in the end", seen)
    assert thanks["message_id"] != first["message_id"]
    for line in ("★★★★★ (5/5)", "On time: ★★★★★", "Quality of the work: ★★★☆☆",
                 "Communication: ★★★★☆", "Comment: Sorted in the end"):
        assert line in thanks["text"]
    profile = await _profile(world, group, luis)
    assert "Average: 5.0 out of 5 (1 review)" in profile
    assert "5 ★ ▓▓▓▓▓▓▓▓▓▓ 1" in profile and "2 ★ 0" in profile
    assert "On time: 5.0" in profile and "Quality of the work: 3.0" in profile
    assert "Communication: 4.0" in profile
    assert "Comment: Sorted in the end" in profile and "Slow" not in profile
    rating, history = await stored(world, group)
    assert rating is not None and rating.content() == (5, 5, 3, 4, "Sorted in the end")
    assert [(h.content(), h.by_user_id) for h in history] == [((2, 2, 3, None, "Slow"), luis)]

    # a second change, of one aspect alone: the card keeps the stars, the history grows
    seen = await _change(world, group, luis, 5)
    await details(world, group, luis, "Luis", (1, None, None), None, seen)
    assert "Rating: ★★★★★ (5/5)" in await card_now(world, group)
    profile = await _profile(world, group, luis)
    assert "On time: 1.0" in profile and "Average: 5.0 out of 5 (1 review)" in profile
    rating, history = await stored(world, group)
    assert rating is not None and rating.content() == (5, 1, 3, 4, "Sorted in the end")
    assert [h.content() for h in history] == [(2, 2, 3, None, "Slow"),
                                              (5, 5, 3, 4, "Sorted in the end")]
    # what a moderator reads: the current review at the top, each old one in the history
    order = await order_in(world, group)
    await world.say(mona, mona, f"/order {order.id}")
    shown = await world.wait_text(mona, "History:", timeout=WAIT)
    head, past = shown["text"].split("History:")
    assert "Review: ★★★★★ (5/5)" in head and "On time: ★☆☆☆☆" in head
    changes = [line for line in past.splitlines() if "the rating was changed" in line]
    assert len(changes) == 2
    assert "before: ★★☆☆☆ · On time: ★★☆☆☆ · Quality of the work: ★★★☆☆ (Slow)" in changes[0]
    # the second change was of one aspect alone: the old aspects show what it was
    assert ("before: ★★★★★ · On time: ★★★★★ · Quality of the work: ★★★☆☆ · "
            "Communication: ★★★★☆ (Sorted in the end)") in changes[1]


async def test_an_old_thank_you_cannot_bring_a_second_reply(world: World) -> None:
    """After a change there are two thank-yous; once the pro replied on the newer one, the
    Reply button still on the older one is refused."""
    ana = await world.user("Ana", "en", username="ana")
    luis = await world.user("Luis", "en", username="luis")
    group = await requested(world, ana, luis, "Luis", "Kitchen tap")
    older = await rate(world, group, luis, "Luis", 3, (None, None, None), "Meh")
    seen = await _change(world, group, luis, 4)
    newer = await details(world, group, luis, "Luis", (None, None, None), "Better", seen)
    prompt = await step(world, group, ana, "Reply to the review", "Write your reply")
    seen = await world.mark(group)
    await world.say(group, ana, "Thanks!", reply_to=int(prompt["message_id"]))
    review = await world.wait_text(group, "Reply from Ana: Thanks!", after=seen)
    assert review["message_id"] == newer["message_id"]
    query = await world.tap(group, ana, "Reply to the review", int(older["message_id"]))
    refused = await world.wait_answer(query)
    assert refused["show_alert"] is True and refused["text"] == "That was already done."
    rating, _history = await stored(world, group)
    assert rating is not None and (rating.reply, rating.comment) == ("Thanks!", "Better")
