"""Telegram's group realities through each framework, against the sandbox:
a group upgraded to a supergroup (the order follows, nothing queued across it is lost), the bot
removed (deliveries stop with a reason, moderators told once) and added again (the card is
posted again), and stale buttons (the alert says what is true now, the keyboard is refreshed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.storage.models import OutboxRow
from tests.e2e.test_order_thread import (
    Thread,
    forged,
    moderator,
    open_order,
    quiet,
    requested_now,
    set_status,
    step,
)
from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e
CARD = "Order #1: Kitchen tap"
REMOVED = "I was removed from the chat of order #1 «Kitchen tap»"


async def outbox(world: World, chat: int) -> list[tuple[str, str | None]]:
    table = OutboxRow.__table__
    async with world.app.uow_factory() as uow:
        rows = await uow.conn.execute(select(table.c.state, table.c.outcome_reason)
                                      .where(table.c.chat_id == chat).order_by(table.c.id))
        return [(str(r[0]), r[1]) for r in rows]


async def cards_posted(world: World, chat: int) -> int:
    """How many times the card was posted in the chat, once the outbox is empty."""
    await world.flush()
    posted = await world.entries(chat, kinds=("message",))
    return len([e for e in posted if CARD in (e.get("text") or "")])


def labels(entry: Entry) -> list[str]:
    return [b["text"] for row in entry.get("buttons") or [] for b in row]


# --- migration --------------------------------------------------------------------------------
async def test_upgrade_the_order_follows_to_the_supergroup(world: World) -> None:
    th = await open_order(world)
    await world.flush()
    supergroup = await world.control.upgrade_to_supergroup(th.group)
    card = await world.wait_text(supergroup, CARD)
    assert card["kind"] == "message" and "Client: Luis" in card["text"]
    assert await cards_posted(world, supergroup) == 1  # both service messages: one card
    moved = Thread(supergroup, th.pro, th.client)
    await set_status(world, moved, "In progress")
    await world.wait_text(supergroup, "Status: In progress")
    await world.wait_text(supergroup, "please confirm that you hired Ana")
    old = await world.entries(th.group, kinds=("message", "edit"))
    assert not [e for e in old if "In progress" in (e.get("text") or "")]


async def test_a_message_queued_across_the_upgrade_arrives_in_the_supergroup(
        world: World) -> None:
    th = await open_order(world)
    await world.flush()
    await world.control.inject_fault("500", method="sendMessage", chat_id=th.group)
    await world.tap(th.group, th.pro, "Update")  # the panel's send fails: it waits to retry
    supergroup = await world.control.upgrade_to_supergroup(th.group)
    await world.wait_text(supergroup, CARD)
    await world.advance(timedelta(seconds=30))
    panel = await world.wait_text(supergroup, "at what stage is the job?")
    assert panel["kind"] == "message"
    assert ("failed", None) not in await outbox(world, th.group)
    assert not [e for e in await world.entries(th.group, kinds=("message",))
                if "at what stage" in (e.get("text") or "")]
    assert await cards_posted(world, supergroup) == 1


# --- removal and re-adding ----------------------------------------------------------------------
async def test_removed_bot_stops_deliveries_and_tells_moderators_once(world: World) -> None:
    mona = await moderator(world)
    th = await open_order(world, (mona,))
    await set_status(world, th, "Done")
    await step(world, th.group, th.pro, "Yes, now", "the client will see")
    await step(world, th.group, th.pro, "Use this text", "how would you rate the service")
    await world.flush()
    private = await world.mark(mona)
    seen = await world.mark(th.group)
    await world.control.remove_bot(th.group)
    await world.wait_text(mona, REMOVED, after=private)
    await world.advance(timedelta(hours=25))  # a reminder falls due: not delivered there
    await world.advance(timedelta(hours=24))
    assert await quiet(world, th.group, seen) == []
    failed = [reason for state, reason in await outbox(world, th.group) if state == "failed"]
    assert failed and all(reason for reason in failed)
    told = await world.entries(mona, after=private, kinds=("message",))
    assert [e for e in told if REMOVED in e["text"]] == told and len(told) == 1
    # added again: the card is posted again and deliveries resume
    await world.control.add_bot(th.group)
    card = await world.wait_text(th.group, CARD, after=seen)
    assert card["kind"] == "message" and "Status: Done" in card["text"]
    await world.advance(timedelta(hours=24))
    await world.wait_text(th.group, "a friendly reminder", after=seen)


# --- stale buttons ---------------------------------------------------------------------------
async def test_stale_status_panel_says_what_is_true_now(world: World) -> None:
    th = await open_order(world)
    first = await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    await set_status(world, th, "Done")  # through a second panel
    seen = await world.mark(th.group)
    text = await forged(world, th.group, th.pro, "st:1:done", int(first["message_id"]))
    assert text == "That was already done. The order is now: Done."
    refreshed = await world.wait_text(th.group, "at what stage is the job?", after=seen)
    assert refreshed["kind"] == "edit" and labels(refreshed) == ["No longer current"]
    assert refreshed["message_id"] == first["message_id"]


async def test_stale_stars_after_the_rating_window(world: World) -> None:
    th = await open_order(world)
    request = await requested_now(world, th)
    await world.advance(timedelta(days=91))
    await world.flush()
    seen = await world.mark(th.group)
    text = await forged(world, th.group, th.client, "star:1:5", int(request["message_id"]))
    assert text.startswith("The rating window for this order has closed.")
    await world.flush()
    stars = next(m for m in await world.control.messages(th.group)
                 if m["message_id"] == request["message_id"])
    assert labels(stars) == ["The rating window has closed"]
    card = await world.wait_text(th.group, CARD)
    assert "Rating:" not in card["text"]
    assert not [e for e in await quiet(world, th.group, seen) if e["kind"] == "message"]


@pytest.mark.parametrize("settings_overrides", [{"outbox_max_attempts": 2}])
async def test_stale_stars_after_the_rating_was_given(world: World) -> None:
    th = await open_order(world)
    request = await requested_now(world, th)
    await world.flush()
    # the edit that takes the stars away is given up: they are still there to tap again
    await world.control.inject_fault("500", count=2, method="editMessageText",
                                     chat_id=th.group)
    await step(world, th.group, th.client, "5 ⭐", "Optional: how would you rate this aspect")
    await world.flush()
    stale = next(m for m in await world.control.messages(th.group)
                 if m["message_id"] == request["message_id"])
    assert "5 ⭐" in labels(stale)
    seen = await world.mark(th.group)
    answer = await world.wait_answer(
        await world.tap(th.group, th.client, "5 ⭐", int(request["message_id"])))
    assert answer == answer | {"show_alert": True,
                               "text": "You already rated order #1 «Kitchen tap»: ★★★★★."}
    refreshed = await world.wait_text(th.group, "Luis rated: ★★★★★", after=seen)
    assert refreshed["kind"] == "edit" and refreshed["message_id"] == request["message_id"]
    assert refreshed["buttons"] == []
    posted = [e for e in await quiet(world, th.group, seen) if e["kind"] == "message"]
    assert posted == []  # no second round of aspect questions


# --- service messages ------------------------------------------------------------------------
async def test_a_renamed_group_is_not_a_message(world: World) -> None:
    th = await open_order(world)
    await set_status(world, th, "Not going ahead", "Why is the job not going ahead?")
    await step(world, th.group, th.pro, "The client did not answer after several tries",
               "Saved: not going ahead")
    seen = await world.mark(th.group)
    await world.control.set_title(th.group, "Kitchen tap (Luis)", by=th.client)
    await world.say(th.group, th.pro, "/help")  # handled after the rename: a marker
    await world.wait_text(th.group, "order thread", after=seen)
    history = world.sandbox.state.primary_bot().updates.history.values()
    assert [u.payload["new_chat_title"] for u in history
            if "new_chat_title" in u.payload] == ["Kitchen tap (Luis)"]
    assert not [e for e in await quiet(world, th.group, seen)
                if "refund wait" in (e.get("text") or "")]
    await world.advance(timedelta(hours=48))  # the rename did not stop the refund wait
    await world.wait_text(th.group, "is now eligible for the credit refund", after=seen)
