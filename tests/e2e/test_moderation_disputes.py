"""/refund for an order that is and is not eligible, and /disputes with the buttons that
resolve them, with the audit entries /order shows, through each framework against the
sandbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.moderation_steps import WAIT, Thread, ask, moderator, open_order, step
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
REASON = "The tap still leaks"


async def _no_answer(world: World, th: Thread) -> None:
    await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    await step(world, th.group, th.pro, "Not going ahead", "Why is the job not going ahead?")
    await step(world, th.group, th.pro, "The client did not answer after several tries",
               "Saved: not going ahead")


async def test_refund_only_for_an_eligible_order(world: World) -> None:
    mona = await moderator(world)
    th = await open_order(world)
    refused = await ask(world, mona, mona, "/refund 1", "is not eligible for the credit refund")
    assert refused["text"].startswith("order #1 «Kitchen tap» is not eligible")
    await _no_answer(world, th)
    waiting = await ask(world, mona, mona, "/refund 1", "still running")
    assert "not eligible for the refund yet" in waiting["text"]
    seen = await world.mark(mona)
    await world.advance(timedelta(hours=48, minutes=1))
    notice = await world.wait_text(mona, "is eligible", after=seen, timeout=WAIT)
    assert any(b["text"] == "Record the refund" for row in notice["buttons"] for b in row)

    done = await ask(world, mona, mona, "/refund 1", "the refund decision is recorded")
    assert "The credits are moved by the marketplace." in done["text"]
    again = await ask(world, mona, mona, "/refund 1", "already recorded")
    assert again["text"].startswith("order #1 «Kitchen tap»: the refund decision was already "
                                    "recorded on ")
    details = await ask(world, mona, mona, "/order 1", "History:")
    assert "Refund decision recorded on" in details["text"]
    history = details["text"].split("History:\n")[1]
    assert "Mona: recorded the refund decision" in history
    assert "Ana: Not hired yet → Not going ahead" in history
    assert history.count("recorded the refund decision") == 1


async def _dispute(world: World, th: Thread) -> None:
    await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    await step(world, th.group, th.pro, "In progress", "When should we ask")
    prompt = await step(world, th.group, th.client, "Open a dispute",
                        "Why are you opening a dispute")
    seen = await world.mark(th.group)
    await world.say(th.group, th.client, REASON, reply_to=int(prompt["message_id"]))
    await world.wait_text(th.group, "Luis opened a dispute about", after=seen, timeout=WAIT)


async def test_disputes_listed_with_buttons_that_resolve_them(world: World) -> None:
    mona = await moderator(world)
    th = await open_order(world)
    await ask(world, mona, mona, "/disputes", "No open disputes.")
    await _dispute(world, th)
    await world.wait_text(mona, "Dispute opened on", timeout=WAIT)  # the notice

    seen = await world.mark(mona)
    await world.say(mona, mona, "/disputes")
    await world.wait_text(mona, "1 open dispute:", after=seen, timeout=WAIT)
    listed = await world.wait_text(mona, REASON, after=seen, timeout=WAIT)
    assert listed["text"].startswith("order #1 «Kitchen tap» — since ")
    assert listed["text"].endswith("— /order 1")
    assert [[b["text"] for b in row] for row in listed["buttons"]] == [
        ["Done", "In progress"], ["Cancel the order"]]
    # nobody else can use the list or its buttons
    eve = await world.user("Eve", "en")
    refusal = await ask(world, eve, eve, "/disputes", "Only moderators can use this command.")
    answer = await world.wait_answer(await world.forge_tap(eve, eve, "dsr:1:done",
                                                           int(refusal["message_id"])))
    assert answer["show_alert"] is True

    seen_group = await world.mark(th.group)
    resolved = await step(world, mona, mona, "Done", "resolved by you: Done",
                          int(listed["message_id"]))
    assert resolved["kind"] == "edit" and resolved["message_id"] == listed["message_id"]
    assert not resolved.get("buttons")
    await world.wait_text(th.group, "A moderator closed the dispute: the order is Done.",
                          after=seen_group, timeout=WAIT)
    await ask(world, mona, mona, "/disputes", "No open disputes.")
    details = await ask(world, mona, mona, "/order 1", "History:")
    history = details["text"].split("History:\n")[1]
    for entry in (f"Luis: opened a dispute ({REASON})", "Luis: In progress → In dispute",
                  "Mona: resolved the dispute (Done)", "Mona: In dispute → Done"):
        assert entry in history, history
    assert "dispute_" not in history
