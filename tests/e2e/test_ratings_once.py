"""One review request per order, ever, through each framework, against the sandbox: once the
client has rated (and the pro replied), every button of the earlier "when should we ask?" panel
(a client that still shows it) is answered that the review is in, and nothing more is asked:
no second request, no reminder."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.ratings_flow import answer, rate, step, stored
from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e
RATED = ("The client has already rated this order: we will not ask for the review "
         "again.")
REQUEST = "how would you rate the service"
REMINDER = "a friendly reminder"


def _labels(message: Entry) -> list[str]:
    return [b["text"] for row in message["buttons"] for b in row]


def _data(panel: Entry, label: str) -> str:
    return next(b["data"] for row in panel["buttons"] for b in row if b["text"] == label)


async def _panels(world: World, ana: int, luis: int) -> tuple[int, Entry, Entry]:
    """The order up to its posted request; the "when should we ask?" panel and the note
    panel as they were before the pro's taps edited them."""
    group = await world.group("Kitchen tap", [ana, luis])
    await world.say(group, ana, "/neworder Kitchen tap")
    await world.wait_text(group, "Kitchen tap")
    await step(world, group, luis, "I am the client", "Luis is the client")
    await step(world, group, ana, "Update", "at what stage")
    when = await step(world, group, ana, "Done", "When should we ask")
    note = await step(world, group, ana, "Yes, now", "the client will see")
    await step(world, group, ana, "Use this text", REQUEST)
    return group, when, note


async def _refused(world: World, group: int, ana: int, panel: Entry, label: str) -> None:
    query = await world.forge_tap(group, ana, _data(panel, label), int(panel["message_id"]))
    alert = await world.wait_answer(query)
    assert alert["show_alert"] is True and alert["text"] == RATED, (label, alert)


async def test_old_panel_after_rating_asks_nothing_more(world: World) -> None:
    ana = await world.user("Ana", "en", username="ana")
    luis = await world.user("Luis", "en", username="luis")
    group, when, note = await _panels(world, ana, luis)
    thanks = await rate(world, group, luis, "Luis", 4)
    prompt = await step(world, group, ana, "Reply to the review", "Write your reply")
    await answer(world, group, ana, prompt, "Thank you, Luis!", "Ana replied to the review")
    seen = await world.mark(group)
    await _refused(world, group, ana, when, "Yes, now")  # the story
    await _refused(world, group, ana, note, "Use this text")
    await _refused(world, group, ana, note, "Write my own note")
    for label in ("Yes, on a date", "No, another time"):
        await _refused(world, group, ana, when, label)
    await world.advance(timedelta(days=8))
    await world.settle()
    await world.flush()
    shown = [m.get("text") or "" for m in await world.entries(group, after=seen)]
    assert not [text for text in shown if REQUEST in text or REMINDER in text], shown
    requests = [m for m in await world.bot_messages(group) if REQUEST in (m["text"] or "")]
    assert len(requests) == 1
    rating, _history = await stored(world, group)
    assert rating is not None and rating.stars == 4 and rating.reply == "Thank you, Luis!"
    assert _labels(await world.wait_text(group, "Reply from Ana")) == _labels(thanks)[:1]
