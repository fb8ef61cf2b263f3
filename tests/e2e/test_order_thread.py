"""The order thread through each framework, against the sandbox:
binding with /neworder and "I am the client", the status panel, when to ask for the review
(now / on a date / later), rectifying, not going ahead and the refund wait, and refusals."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tests.e2e.conftest import MODES
from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e
WAIT = 15.0  # several messages into one private chat: the 1/s limit is waited out
ASK = "When should we ask the client for the review?"
STARS = ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]


@dataclass
class Thread:
    group: int
    pro: int
    client: int


async def step(world: World, chat: int, user: int, button: str, expect: str,
               message_id: int | None = None) -> Entry:
    """Tap a button and wait for what it makes the bot show."""
    seen = await world.mark(chat)
    await world.tap(chat, user, button, message_id)
    return await world.wait_text(chat, expect, after=seen)


async def refused(world: World, chat: int, user: int, button: str,
                  message_id: int | None = None) -> str:
    """Tap and return the alert's text; the alert must be shown."""
    answer = await world.wait_answer(await world.tap(chat, user, button, message_id))
    assert answer["show_alert"] is True, answer
    return str(answer["text"])


async def forged(world: World, chat: int, user: int, data: str, message_id: int) -> str:
    answer = await world.wait_answer(await world.forge_tap(chat, user, data, message_id))
    return str(answer["text"])


async def reply(world: World, chat: int, user: int, prompt: Entry, text: str,
                expect: str) -> Entry:
    # The prompt is known as one once its sending is recorded, a moment after Telegram shows
    # it: a person does not answer within that moment, a test must wait for it.
    await world.flush()
    seen = await world.mark(chat)
    await world.say(chat, user, text, reply_to=int(prompt["message_id"]))
    return await world.wait_text(chat, expect, after=seen)


async def quiet(world: World, chat: int, after: int) -> list[Entry]:
    """What the bot posted or changed in the chat since `after`, once the outbox is empty."""
    await world.settle()
    await world.flush()
    return await world.entries(chat, after=after, kinds=("message", "edit", "delete"))


async def moderator(world: World, name: str = "Mona") -> int:
    mona = await world.user(name, "en", name.lower())
    await world.add_moderator(mona)
    await world.say(mona, mona, "/start")
    await world.wait_text(mona, "order thread")
    return mona


async def open_order(world: World, members: tuple[int, ...] = (), privacy: bool = True,
                     admin: bool = False) -> Thread:
    """/neworder by Ana, Luis taps "I am the client"."""
    ana = await world.user("Ana", "en", "ana")
    luis = await world.user("Luis", "en", "luis")
    group = await world.group("Kitchen tap", [ana, luis, *members], privacy=privacy,
                              admin=admin)
    await world.say(group, ana, "/neworder Kitchen tap")
    await world.wait_text(group, "Order #1: Kitchen tap")
    await step(world, group, luis, "I am the client", "Luis is the client")
    return Thread(group, ana, luis)


async def set_status(world: World, th: Thread, status: str, expect: str = ASK) -> Entry:
    await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    return await step(world, th.group, th.pro, status, expect)


async def requested_now(world: World, th: Thread) -> Entry:
    await set_status(world, th, "Done")
    await step(world, th.group, th.pro, "Yes, now", "the client will see")
    return await step(world, th.group, th.pro, "Use this text", "how would you rate the service")


def day_data(calendar: Entry, day: date) -> str:
    wanted = "cal:1:" + day.strftime("%Y%m%d")
    found = [b["data"] for row in calendar["buttons"] for b in row if b.get("data") == wanted]
    assert found, f"{wanted} is not offered"
    return str(found[0])


# --- binding -------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
async def test_card_claim_and_done_now(world: World) -> None:
    eve = await world.user("Eve", "en")
    th = await open_order(world, (eve,))
    card = await world.wait_text(th.group, "Client: Luis")
    assert "Status: Not hired yet" in card["text"]
    labels = [b["text"] for row in card["buttons"] for b in row]
    assert "I am the client" not in labels and "Update" in labels
    # a second claimer (the button is gone: a stale client) is refused, nothing changes
    seen = await world.mark(th.group)
    assert await forged(world, th.group, eve, "claim:1", int(card["message_id"])) == \
        "That was already done."
    assert [e for e in await quiet(world, th.group, seen) if "Eve" in (e.get("text") or "")] \
        == []
    request = await requested_now(world, th)
    assert request["text"].startswith("Hello! Thank you for trusting me with this job.")
    assert [b["text"] for b in request["buttons"][0]] == STARS


async def test_in_progress_asks_the_client_to_confirm_the_hire(world: World) -> None:
    th = await open_order(world)
    seen = await world.mark(th.group)
    await set_status(world, th, "In progress")
    hire = await world.wait_text(th.group, "please confirm that you hired Ana", after=seen)
    assert await refused(world, th.group, th.pro, "Confirm the hire",
                         int(hire["message_id"])) == "This button is not for you."
    await step(world, th.group, th.client, "Confirm the hire", "Luis confirmed the hire.",
               int(hire["message_id"]))
    # "No, another time": nothing is sent to the client
    seen = await world.mark(th.group)
    await step(world, th.group, th.pro, "No, another time", "OK, nothing was sent.")
    assert [e for e in await quiet(world, th.group, seen) if e["kind"] == "message"] == []
    # Not hired yet: nothing is sent either
    seen = await world.mark(th.group)
    await set_status(world, th, "Not hired yet", "Nothing was sent to the client.")
    posted = [e for e in await quiet(world, th.group, seen) if e["kind"] == "message"]
    assert [e["text"] for e in posted] == ["Order #1 «Kitchen tap»: at what stage is the job?"]


async def test_done_asks_for_the_hire_and_the_rating_and_a_repeat_is_refused(
        world: World) -> None:
    th = await open_order(world)
    seen = await world.mark(th.group)
    panel = await set_status(world, th, "Done")
    await world.wait_text(th.group, "Ana marked the job as done. Luis, please confirm", after=seen)
    await step(world, th.group, th.pro, "Yes, now", "the client will see", int(panel["message_id"]))
    await step(world, th.group, th.pro, "Use this text", "how would you rate the service")
    # the old "when" panel, forged back: the request was already sent
    seen = await world.mark(th.group)
    text = await forged(world, th.group, th.pro, "ask:1:now", int(panel["message_id"]))
    assert text.startswith("That was already done.")
    requests = [e for e in await quiet(world, th.group, seen)
                if "how would you rate" in (e.get("text") or "")]
    assert requests == []


# --- on a date ------------------------------------------------------------------------------
async def test_review_on_a_date_with_a_personal_note(world: World) -> None:
    th = await open_order(world)
    await set_status(world, th, "Done")
    calendar = await step(world, th.group, th.pro, "Yes, on a date", "Choose the day")
    today = world.clock.now().date()
    panel = int(calendar["message_id"])
    past = "cal:1:" + (today - timedelta(days=1)).strftime("%Y%m%d")
    assert await forged(world, th.group, th.pro, past, panel) == \
        "Please choose a date that is not in the past."
    # beyond the rating window: the alert names the calendar's last day
    last = re.search(r"\(until (.+)\):", calendar["text"])
    assert last, calendar["text"]
    beyond = "cal:1:" + (today + timedelta(days=200)).strftime("%Y%m%d")
    assert await forged(world, th.group, th.pro, beyond, panel) == (
        "That day is beyond the rating window. Please choose a date no later than "
        f"{last.group(1)}.")
    chosen = await step(world, th.group, th.pro, day_data(calendar, today + timedelta(days=2)),
                        "The review will be requested on", panel)
    assert "3/10/27, 10:00" in chosen["text"]
    prompt = await step(world, th.group, th.pro, "Write my own note", "Write your personal note")
    note = "Luis, it was a pleasure to fix your kitchen tap. Tell me how it works!"
    await reply(world, th.group, th.pro, prompt, note, "Scheduled: on")
    await world.wait_text(th.group, "Review requested for")
    seen = await world.mark(th.group)
    await world.advance(timedelta(days=1))
    assert [e for e in await quiet(world, th.group, seen) if e["kind"] == "message"] == []
    await world.advance(timedelta(days=1, hours=2))
    posted = await world.wait_text(th.group, note, after=seen)
    assert posted["kind"] == "message" and "how would you rate the service" in posted["text"]
    assert [b["text"] for b in posted["buttons"][0]] == STARS


# --- rectify and history ------------------------------------------------------------------------
async def test_rectify_keeps_every_change_in_the_history(world: World) -> None:
    mona = await moderator(world)
    th = await open_order(world)
    await set_status(world, th, "In progress")
    await set_status(world, th, "Not going ahead", "Why is the job not going ahead?")
    await step(world, th.group, th.pro, "The client postponed it with no date",
               "Saved: not going ahead (The client postponed it with no date)")
    await world.wait_text(th.group, "Status: Not going ahead")
    await set_status(world, th, "Done")  # rectified: they agreed after all
    await world.wait_text(th.group, "Status: Done")
    await world.say(mona, mona, "/order 1")
    details = await world.wait_text(mona, "History:", timeout=WAIT)
    text = details["text"]
    for change in ("Not hired yet → In progress", "In progress → Not going ahead",
                   "Not going ahead → Done"):
        assert change in text, text


@pytest.mark.parametrize("reason", ["solved_otherwise", "no_agreement", "never_posted"])
async def test_not_going_ahead_reasons(world: World, reason: str) -> None:
    th = await open_order(world)
    panel = await set_status(world, th, "Not going ahead", "Why is the job not going ahead?")
    seen = await world.mark(th.group)
    await world.tap(th.group, th.pro, f"nga:1:{reason}", int(panel["message_id"]))
    await world.wait_text(th.group, "Saved: not going ahead", after=seen)
    card = await world.wait_text(th.group, "Status: Not going ahead", after=seen)
    assert "Reason: " in card["text"]
    assert not [e for e in await quiet(world, th.group, seen)
                if "refund" in (e.get("text") or "")]


# --- the refund wait ------------------------------------------------------------------------------
async def _no_answer(world: World, th: Thread) -> Entry:
    await set_status(world, th, "Not going ahead", "Why is the job not going ahead?")
    await step(world, th.group, th.pro, "The client did not answer after several tries",
               "Saved: not going ahead")
    return await world.wait_text(th.group, "the professional could not reach you")


async def test_a_client_reply_stops_the_refund_wait(world: World) -> None:
    mona = await moderator(world)
    th = await open_order(world)
    wait = await _no_answer(world, th)
    assert "within 48 hours" in wait["text"]
    await reply(world, th.group, th.client, wait, "Sorry, I was away. Still interested!",
                "The client wrote: the refund wait of order #1 «Kitchen tap» is stopped.")
    seen, private = await world.mark(th.group), await world.mark(mona)
    await world.advance(timedelta(hours=49))
    assert not [e for e in await quiet(world, th.group, seen) if "eligible" in (e["text"] or "")]
    assert await world.entries(mona, after=private, kinds=("message",)) == []


async def test_the_refund_wait_expires_and_moderators_are_told(world: World) -> None:
    mona = await moderator(world)
    th = await open_order(world)
    await _no_answer(world, th)
    seen, private = await world.mark(th.group), await world.mark(mona)
    await world.advance(timedelta(hours=47))
    assert await world.entries(mona, after=private, kinds=("message",)) == []
    await world.advance(timedelta(hours=1))
    await world.wait_text(th.group, "is now eligible for the credit refund", after=seen)
    told = await world.wait_text(mona, "Refund: order #1 «Kitchen tap» is eligible", after=private)
    assert "/refund 1" in told["text"]
    await world.advance(timedelta(hours=48))
    assert len(await world.entries(mona, after=private, kinds=("message",))) == 1


# --- refusals -------------------------------------------------------------------------------------
async def test_refusals_and_double_taps_change_nothing(world: World) -> None:
    eve = await world.user("Eve", "en")
    th = await open_order(world, (eve,))
    card = await world.wait_text(th.group, "Client: Luis")
    card_id = int(card["message_id"])
    seen = await world.mark(th.group)
    assert await refused(world, th.group, th.client, "Update", card_id) == \
        "This button is not for you."
    assert await refused(world, th.group, eve, "Update", card_id) == "This button is not for you."
    assert await quiet(world, th.group, seen) == []
    panel = await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    panel_id = int(panel["message_id"])
    assert await refused(world, th.group, eve, "In progress", panel_id) == \
        "This button is not for you."
    assert await refused(world, th.group, th.client, "Done", panel_id) == \
        "This button is not for you."
    await step(world, th.group, th.pro, "In progress", ASK, panel_id)
    # the same button twice (a double tap on a client that kept the old keyboard)
    seen = await world.mark(th.group)
    text = await forged(world, th.group, th.pro, "st:1:in_progress", panel_id)
    assert text == "That was already done. The order is now: In progress."
    changed = await quiet(world, th.group, seen)
    assert not [e for e in changed if e["kind"] == "message"]
    assert not [e for e in changed if "Status:" in (e.get("text") or "")
                and "In progress" not in e["text"]]
    hire = await world.wait_text(th.group, "please confirm that you hired Ana")
    await step(world, th.group, th.client, "Confirm the hire", "Luis confirmed the hire.",
               int(hire["message_id"]))
    seen = await world.mark(th.group)
    text = await forged(world, th.group, th.client, "hire:1", int(hire["message_id"]))
    assert text.startswith("That was already done.")
    assert not [e for e in await quiet(world, th.group, seen) if e["kind"] == "message"]
