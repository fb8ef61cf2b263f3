"""The marketplace hook (ORDERBOT_HOOK_URL) hears of refund eligibility as the chat does:
eligible when the wait runs out, decided when a moderator records it, withdrawn when the
professional rectifies; signed, through each framework against the sandbox. The bot records
eligibility; the marketplace moves the credits."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.moderation_steps import WAIT, Thread, ask, moderator, open_order, step
from tests.e2e.world import World
from tests.hook_receiver import HookReceiver, Received

pytestmark = pytest.mark.e2e
HOOK_SECRET = "marketplace-shared-secret"


@pytest.fixture
def settings_overrides(receiver: HookReceiver) -> dict[str, Any]:
    return {"hook_url": receiver.url, "hook_secret": HOOK_SECRET}


def _signed(got: Received) -> bool:
    digest = hmac.new(HOOK_SECRET.encode(), got.body, hashlib.sha256).hexdigest()
    return got.headers["X-Orderbot-Signature"] == f"sha256={digest}"


async def _eligible(world: World, receiver: HookReceiver) -> Thread:
    th = await open_order(world)
    await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    await step(world, th.group, th.pro, "Not going ahead", "Why is the job not going ahead?")
    await step(world, th.group, th.pro, "The client did not answer after several tries",
               "Saved: not going ahead")
    seen = await world.mark(th.group)
    await world.advance(timedelta(hours=47))
    assert receiver.received == []  # still waiting for the client
    await world.advance(timedelta(hours=1, minutes=1))
    await world.wait_text(th.group, "is now eligible for the credit refund", after=seen)
    await receiver.wait_for(1, timeout=WAIT)
    return th


async def test_the_hook_hears_eligibility_and_the_moderators_decision(
        world: World, receiver: HookReceiver) -> None:
    mona = await moderator(world)
    seen = await world.mark(mona)
    th = await _eligible(world, receiver)
    [eligible] = receiver.received
    body = eligible.json
    assert (body["event"], body["by"], _signed(eligible)) == ("refund.eligible", None, True)
    order = body["order"]
    assert (order["id"], order["chat_id"], order["title"]) == (1, th.group, "Kitchen tap")
    assert (order["status"], order["not_going_ahead_reason"]) == ("not_going_ahead", "no_answer")
    assert order["refund_eligible_at"] == body["occurred_at"] <= world.clock.now().isoformat()
    assert (order["pro_id"], order["client_id"]) == (th.pro, th.client)

    notice = await world.wait_text(mona, "is eligible", after=seen, timeout=WAIT)
    tap = await world.tap(mona, mona, "Record the refund", notice["message_id"])
    answer = await world.wait_answer(tap, timeout=WAIT)
    assert answer["text"] == "order #1 «Kitchen tap»: the refund decision is recorded."
    [_, decided] = await receiver.wait_for(2, timeout=WAIT)
    assert (decided.event, decided.json["by"], _signed(decided)) == ("refund.decided", mona, True)
    assert decided.json["order"]["refund_decided_at"] is not None
    assert decided.json["id"] != body["id"]


async def test_the_hook_hears_when_the_professional_rectifies(
        world: World, receiver: HookReceiver) -> None:
    th = await _eligible(world, receiver)
    await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    await step(world, th.group, th.pro, "In progress", "Status: In progress")
    [_, withdrawn] = await receiver.wait_for(2, timeout=WAIT)
    assert (withdrawn.event, withdrawn.json["by"]) == ("refund.withdrawn", th.pro)
    order = withdrawn.json["order"]
    assert (order["status"], order["refund_eligible_at"]) == ("in_progress", None)
    await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    await step(world, th.group, th.pro, "Done", "When should we ask")
    assert len(receiver.received) == 2  # no refund was eligible any more: nothing to say


async def test_stats_show_the_events_the_hook_has_not_taken(
        world: World, receiver: HookReceiver) -> None:
    mona = await moderator(world)
    receiver.answer = lambda _: (503, {})  # the marketplace is down
    await _eligible(world, receiver)
    stats = await ask(world, mona, mona, "/stats", "Refunds:")
    assert "Refunds: 1 eligible, 0 decided" in stats["text"]
    assert "Refund events for the marketplace: 1 waiting, 0 given up" in stats["text"]
