"""/remind within the anti-nagging rules, /hide_review and /restore_review as the chat and
/profile show them, the audit entries /order shows, and the export's reviews and audit rows,
through each framework against the sandbox."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.services.export import AUDIT_COLUMNS, ORDER_COLUMNS, REVIEW_COLUMNS
from tests.e2e.moderation_steps import (
    WAIT,
    Thread,
    ask,
    exported,
    moderator,
    open_order,
    rate,
    requested_now,
)
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
COMMENT = "Fast, but the tiles are crooked"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """The first automatic reminder at 72 hours: a moderator's can come before it."""
    return {"reminder_hours": (72.0, 168.0)}


async def _remind(world: World, mona: int, th: Thread) -> None:
    soon = await ask(world, mona, mona, "/remind 1", "order #1 «Kitchen tap»:")
    assert "the client was asked less than 24 hours ago; no reminder before" in soon["text"]
    await world.advance(timedelta(hours=25))
    seen = await world.mark(th.group)
    sent = await ask(world, mona, mona, "/remind 1", "reminder sent (1 so far)")
    assert sent["text"] == "order #1 «Kitchen tap»: reminder sent (1 so far)."
    await world.wait_text(th.group, "Luis, a friendly reminder: you can still rate", after=seen)
    nag = await ask(world, mona, mona, "/remind 1", "no nagging")
    assert "less than 24 hours ago" in nag["text"]


async def _profile(world: World, th: Thread) -> str:
    seen = await world.mark(th.group)
    await world.say(th.group, th.client, "/profile")
    profile = await world.wait_text(th.group, "Profile of Ana", after=seen, timeout=WAIT)
    return str(profile["text"])


async def _hide_and_restore(world: World, mona: int, th: Thread) -> None:
    usage = await ask(world, mona, mona, "/hide_review 1", "Please give a reason.")
    assert "Usage: /hide_review <order id> <reason>" in usage["text"]
    seen = await world.mark(th.group)
    hidden = await ask(world, mona, mona, "/hide_review 1 insults the professional",
                       "is hidden")
    assert "It no longer shows on the card or on the profile." in hidden["text"]
    await world.wait_text(th.group, "A moderator hid the review of order #1 «Kitchen tap» "
                                    "because it breaks the rules.", after=seen)
    card = await world.wait_text(th.group, "Order #1: Kitchen tap", after=seen)
    assert card["kind"] == "edit" and "Rating:" not in card["text"]
    assert "Ana has no reviews yet." in await _profile(world, th)
    again = await ask(world, mona, mona, "/hide_review 1 twice", "already hidden")
    assert again["text"] == "The review of order #1 «Kitchen tap» is already hidden."

    seen = await world.mark(th.group)
    await ask(world, mona, mona, "/restore_review 1",
              "The review of order #1 «Kitchen tap» is shown again.")
    card = await world.wait_text(th.group, "Rating: ★★☆☆☆ (2/5)", after=seen)
    assert card["kind"] == "edit"
    profile = await _profile(world, th)
    assert "(1 review)" in profile and COMMENT in profile


async def test_remind_hide_restore_and_their_audit_trail(world: World) -> None:
    mona = await moderator(world)
    th = await open_order(world)
    await requested_now(world, th)
    await _remind(world, mona, th)
    await rate(world, th, 2, COMMENT)
    rated = await ask(world, mona, mona, "/remind 1", "already rated")
    assert rated["text"] == "order #1 «Kitchen tap»: the client has already rated."
    await _hide_and_restore(world, mona, th)

    details = await ask(world, mona, mona, "/order 1", "History:")
    history = details["text"].split("History:\n")[1]
    for entry in ("Mona: sent a reminder (1)", "Mona: hid the review (insults the professional)",
                  "Mona: restored the review", "Ana: Not hired yet → Done"):
        assert entry in history, history
    assert history.index("sent a reminder") < history.index("hid the review") \
        < history.index("restored the review")
    assert "Review: ★★☆☆☆ (2/5)" in details["text"] and f"Comment: {COMMENT}" in details["text"]

    files = await exported(world, mona)
    [order] = files["orders"]
    assert tuple(order) == ORDER_COLUMNS
    assert (order["id"], order["chat_id"], order["title"], order["status"], order["language"],
            order["pro_id"], order["client_id"], order["reminders_sent"]) == (
        "1", str(th.group), "Kitchen tap", "done", "en", str(th.pro), str(th.client), "1")
    assert order["done_at"] >= order["created_at"] and order["refund_decided_at"] == ""
    [review] = files["reviews"]
    assert tuple(review) == REVIEW_COLUMNS
    assert (review["order_id"], review["pro_id"], review["client_id"], review["stars"],
            review["comment"], review["hidden"], review["hidden_reason"]) == (
        "1", str(th.pro), str(th.client), "2", COMMENT, "no", "")
    assert review["on_time"] == review["quality"] == review["communication"] == ""
    assert tuple(files["audit"][0]) == AUDIT_COLUMNS
    moderated = [(row["source"], row["order_id"], row["actor_id"], row["action"], row["detail"])
                 for row in files["audit"] if row["actor_id"] == str(mona)]
    assert moderated == [("audit", "1", str(mona), "reminder_sent", "1"),
                         ("audit", "1", str(mona), "review_hidden", "insults the professional"),
                         ("audit", "1", str(mona), "review_restored", "")]
    done = [row for row in files["audit"] if row["to_status"] == "done"]
    assert [(row["source"], row["action"], row["actor_id"], row["role"], row["from_status"])
            for row in done] == [("status_change", "status_changed", str(th.pro), "pro",
                                  "not_hired")]
