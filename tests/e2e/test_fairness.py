"""Fair review requests (every client asked alike, no nagging) through each framework, against the
sandbox: a steering note refused with the reason and accepted once edited, reminders frozen by a
dispute and resumed from its resolution, and the card's counter (reminders sent, check-in)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.test_order_thread import (
    WAIT,
    moderator,
    open_order,
    quiet,
    reply,
    requested_now,
    set_status,
    step,
)
from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e
STEERING = "Thank you! If you were happy, rate me 5 stars; if not, write to me first."
FAIR = "Thank you for trusting me with your kitchen, Luis. Tell me how it went."
REMINDER = "a friendly reminder"
CARD = "Order #1: Kitchen tap"


def labels(entry: Entry) -> list[str]:
    return [b["text"] for row in entry.get("buttons") or [] for b in row]


async def test_a_steering_note_is_refused_then_edited_and_accepted(world: World) -> None:
    th = await open_order(world)
    await set_status(world, th, "Done")
    await step(world, th.group, th.pro, "Yes, now", "the client will see")
    prompt = await step(world, th.group, th.pro, "Write my own note", "Write your personal note")
    seen = await world.mark(th.group)
    refusal = await reply(world, th.group, th.pro, prompt, STEERING, "please take that out")
    assert "Your note, to copy and edit:\n" + STEERING in refusal["text"]
    again = await world.wait_text(th.group, "Write the corrected note", after=seen)
    assert again["force_reply"]
    assert not [e for e in await quiet(world, th.group, seen)
                if "how would you rate" in (e.get("text") or "")]
    posted = await reply(world, th.group, th.pro, again, FAIR, "how would you rate the service")
    assert posted["text"].startswith(FAIR) and len(posted["buttons"][0]) == 5


async def test_a_dispute_freezes_reminders_until_resolved_as_done(world: World) -> None:
    mona = await moderator(world)
    th = await open_order(world)
    request = await requested_now(world, th)
    private = await world.mark(mona)
    prompt = await step(world, th.group, th.client, "Open a dispute", "Why are you opening")
    await reply(world, th.group, th.client, prompt, "The tap still leaks", "opened a dispute")
    await world.control.wait_for(th.group, lambda e: e["message_id"] == request["message_id"]
                                 and labels(e) == ["Rating paused: the order is in dispute"])
    seen = await world.mark(th.group)
    await world.advance(timedelta(hours=30))
    assert not [e for e in await quiet(world, th.group, seen) if REMINDER in (e["text"] or "")]
    notice = await world.wait_text(mona, "Dispute opened on", after=private, timeout=WAIT)
    await world.tap(mona, mona, "Done", int(notice["message_id"]))
    await world.wait_text(th.group, "A moderator closed the dispute: the order is Done.",
                          after=seen)
    await world.control.wait_for(th.group, lambda e: e["message_id"] == request["message_id"]
                                 and len(labels(e)) == 5, after=seen)
    seen = await world.mark(th.group)
    await world.advance(timedelta(hours=23))
    assert not [e for e in await quiet(world, th.group, seen) if REMINDER in (e["text"] or "")]
    await world.advance(timedelta(hours=1))
    await world.wait_text(th.group, REMINDER, after=seen)
    reminders = [e for e in await quiet(world, th.group, seen) if REMINDER in (e["text"] or "")]
    assert len(reminders) == 1


async def test_the_card_counts_reminders_and_the_check_in(world: World) -> None:
    th = await open_order(world)
    await requested_now(world, th)
    card = await world.wait_text(th.group, "Reminders sent: 0")
    assert "Check-in: not used" in card["text"]
    seen = await world.mark(th.group)
    await world.advance(timedelta(hours=24))
    await world.wait_text(th.group, REMINDER, after=seen)
    card = await world.wait_text(th.group, "Reminders sent: 1", after=seen)
    assert "Check-in: not used" in card["text"] and CARD in card["text"]
    await world.advance(timedelta(hours=1))
    prompt = await step(world, th.group, th.pro, "Check in with the client",
                        "Write your one check-in")
    await reply(world, th.group, th.pro, prompt, "How did it go? Do you need anything else?",
                "Message from Ana:")
    card = await world.wait_text(th.group, "Check-in: used", after=seen)
    assert "Reminders sent: 1" in card["text"]
    seen = await world.mark(th.group)
    await world.advance(timedelta(hours=24))
    await world.wait_text(th.group, "Reminders sent: 2", after=seen)
