"""Refusals of the rating flow through each framework, against the sandbox: the pro rating their own
order, a stranger rating, a forged star value, a rating or a change after the 90-day window: each
answered with an alert, nothing stored. A comment that is too long: the limit said in words, the
question still open, nothing stored until a shorter one comes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.ratings_flow import answer, rate, rating_count, requested, step, stored
from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e
NOT_YOURS = "This button is not for you."
CLOSED = "The rating window for this order has closed."
TOO_LONG = ("Your comment is too long: at most 1,000 characters. Please shorten it and send it "
            "again as a reply to this message.")


async def _alert(world: World, query: str, text: str) -> None:
    answer_ = await world.wait_answer(query)
    assert answer_["show_alert"] is True and answer_["text"] == text


def _star_data(request: Entry, stars: int) -> str:
    return next(b["data"] for b in request["buttons"][0] if b["text"] == f"{stars} ⭐")


async def _nothing_stored(world: World, group: int, asker: int) -> None:
    await world.flush()
    rating, _history = await stored(world, group)
    assert rating is None and await rating_count(world) == 0
    seen = await world.mark(group)
    await world.say(group, asker, "/profile")
    profile = await world.wait_text(group, "Profile of Ana", after=seen)
    assert "Ana has no reviews yet." in profile["text"]


async def test_pro_stranger_and_forged_stars_are_refused(world: World) -> None:
    ana = await world.user("Ana", "en", username="ana")
    luis = await world.user("Luis", "en", username="luis")
    eve = await world.user("Eve", "en", username="eve")
    group = await requested(world, ana, luis, "Luis", "Kitchen tap", others=[eve])
    request = await world.wait_text(group, "how would you rate the service")
    for user in (ana, eve):  # the pro on their own order; a member who is not the client
        await _alert(world, await world.tap(group, user, "5 ⭐", int(request["message_id"])),
                     NOT_YOURS)
    for forged in ("9", "0", "-1"):
        data = _star_data(request, 5).rsplit(":", 1)[0] + ":" + forged
        query = await world.forge_tap(group, luis, data, int(request["message_id"]))
        await _alert(world, query, "This button is not valid.")
    await _nothing_stored(world, group, eve)
    still = next(m for m in await world.bot_messages(group)
                 if m["message_id"] == request["message_id"])
    assert [b["text"] for b in still["buttons"][0]] == [f"{n} ⭐" for n in range(1, 6)]


async def test_no_rating_after_the_window(world: World) -> None:
    ana = await world.user("Ana", "en", username="ana")
    luis = await world.user("Luis", "en", username="luis")
    group = await requested(world, ana, luis, "Luis", "Kitchen tap")
    request = await world.wait_text(group, "how would you rate the service")
    seen = await world.mark(group)
    await world.advance(timedelta(days=90, minutes=1))
    closed = await world.control.wait_for(
        group, lambda e: e["message_id"] == request["message_id"] and any(
            b["text"] == "The rating window has closed" for row in e["buttons"] for b in row),
        5.0, ("edit",), seen)
    assert closed["text"] == request["text"]
    # a client that still shows the stars taps one
    query = await world.forge_tap(group, luis, _star_data(request, 5), int(request["message_id"]))
    await _alert(world, query, CLOSED)
    await _nothing_stored(world, group, luis)


async def test_no_change_after_the_window(world: World) -> None:
    ana = await world.user("Ana", "en", username="ana")
    luis = await world.user("Luis", "en", username="luis")
    group = await requested(world, ana, luis, "Luis", "Kitchen tap")
    thanks = await rate(world, group, luis, "Luis", 3, (4, None, None), "Fine")
    await world.advance(timedelta(days=91))
    seen = await world.mark(group)
    query = await world.tap(group, luis, "Change my rating", int(thanks["message_id"]))
    await _alert(world, query, CLOSED)
    await world.flush()
    assert not [e for e in await world.entries(group, seen, ("message",))
                if e["from"]["is_bot"]]  # no fresh row of stars
    rating, history = await stored(world, group)
    assert rating is not None and rating.content() == (3, 4, None, None, "Fine")
    assert history == []


async def test_a_comment_too_long_is_refused_and_asked_again(world: World) -> None:
    ana = await world.user("Ana", "en", username="ana")
    luis = await world.user("Luis", "en", username="luis")
    group = await requested(world, ana, luis, "Luis", "Kitchen tap")
    await step(world, group, luis, "4 ⭐", "Luis rated: ★★★★☆")
    for question in ("Quality of the work", "Communication", "written comment"):
        await step(world, group, luis, "Skip", question)
    prompt = await step(world, group, luis, "Write a comment", "Write your comment")
    assert "at most 1,000 characters" in prompt["text"]
    seen = await world.mark(group)
    long_id = await world.say(group, luis, "x" * 1001, reply_to=int(prompt["message_id"]))
    again = await world.wait_text(group, TOO_LONG, after=seen)
    assert again["text"] == "@luis " + TOO_LONG
    assert again["reply_to_message_id"] == long_id and again["force_reply"]
    await world.flush()
    rating, history = await stored(world, group)
    assert rating is not None and rating.comment is None and history == []
    assert not [e for e in await world.entries(group, seen) if "Thank you" in (e["text"] or "")]
    # the refusal is the question again: a reply to it is the comment
    thanks = await answer(world, group, luis, again, "x" * 1000, "Thank you, Luis")
    assert "Comment: " + "x" * 1000 in thanks["text"]
    rating, history = await stored(world, group)
    assert rating is not None and rating.comment == "x" * 1000 and history == []
