"""A new delivery date typed by hand, through each framework, against the sandbox (a reply to a
prompt, so it arrives in privacy mode): "Type the date" under the calendar posts a ForceReply prompt
that names the order; the reply is read like `/delivery`'s argument, checked, and proposed to the
client like a calendar pick. A date that cannot be used is explained, and the prompt can still be
answered."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from tests.e2e.test_order_thread import Thread, open_order, reply, set_status, step
from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e
ASKED = "Type the new delivery date for order #1 «Kitchen tap» as a reply to this message, " \
        "for example {example}."
STAGE = "A new delivery date can be proposed only while the order is in progress or done; it " \
        "is now: {status}."


def today(world: World) -> date:
    return world.clock.now().astimezone(ZoneInfo("Europe/Madrid")).date()


def short(day: date) -> str:
    return format_date(day, "short", locale="en")


def labels(entry: Entry) -> list[str]:
    return [b["text"] for row in entry.get("buttons") or [] for b in row]


async def typing_prompt(world: World, th: Thread) -> tuple[Entry, Entry]:
    """The calendar, then "Type the date": (the calendar message, the prompt)."""
    calendar = await step(world, th.group, th.pro, "New delivery date",
                          "Choose the new delivery date")
    assert labels(calendar)[-1] == "Type the date"
    prompt = await step(world, th.group, th.pro, "Type the date", "Type the new delivery date",
                        int(calendar["message_id"]))
    return calendar, prompt


async def test_a_typed_date_is_checked_then_proposed_like_a_calendar_pick(world: World) -> None:
    th = await open_order(world)
    await set_status(world, th, "In progress")
    calendar, prompt = await typing_prompt(world, th)
    example = short(today(world) + timedelta(days=7))
    assert prompt["text"] == "@ana " + ASKED.format(example=example)
    assert prompt["force_reply"] == {"placeholder": example, "selective": True}
    waiting = await world.wait_text(th.group, "Waiting for the date you type…")
    assert waiting["kind"] == "edit" and waiting["message_id"] == calendar["message_id"]
    assert waiting["buttons"] == []
    # unreadable, then in the past: said why, and asked again (the same question)
    again = await reply(world, th.group, th.pro, prompt, "next Tuesday",
                        "I could not read «next Tuesday» as a date.")
    assert again["text"] == "@ana I could not read «next Tuesday» as a date. " + \
        ASKED.format(example=example)
    assert again["force_reply"] and again["reply_to_message_id"] is not None
    past = short(today(world) - timedelta(days=1))
    again = await reply(world, th.group, th.pro, again, past, "is in the past.")
    assert again["force_reply"] and "order #1 «Kitchen tap»" in again["text"]
    # a good date, answering the first prompt: proposed like a calendar pick
    day = today(world) + timedelta(days=10)
    shown = format_date(day, "medium", locale="en")
    proposal = await reply(world, th.group, th.pro, prompt, short(day),
                           f"Ana proposes a new delivery date: {shown}. Luis, do you accept?")
    assert labels(proposal) == ["Accept", "Refuse"]
    panel = await world.wait_text(th.group, "Proposed: ")
    assert panel["message_id"] == calendar["message_id"]
    assert panel["text"] == f"Proposed: {shown}. Waiting for the client's answer."
    await step(world, th.group, th.client, "Accept", f"Luis accepted: the delivery date is now "
               f"{shown}.", int(proposal["message_id"]))
    await world.wait_text(th.group, f"Delivery date: {shown}")
    # the question was answered: a late reply to it changes nothing
    await reply(world, th.group, th.pro, again, short(day + timedelta(days=1)),
                "That question was already answered.")


async def test_a_reply_to_a_stale_prompt_says_what_is_true_now(world: World) -> None:
    th = await open_order(world)
    await set_status(world, th, "In progress")
    _calendar, prompt = await typing_prompt(world, th)
    await set_status(world, th, "Not hired yet", "Nothing was sent to the client.")
    seen = await world.mark(th.group)
    day = today(world) + timedelta(days=3)
    answer = await reply(world, th.group, th.pro, prompt, day.isoformat(),
                         STAGE.format(status="Not hired yet"))
    assert not answer["force_reply"]
    posted = await world.entries(th.group, after=seen, kinds=("message",))
    assert not [e for e in posted if "proposes a new delivery date" in (e["text"] or "")]
