"""The real sender, through each framework's real transport, against the sandbox with its limits
on and its fault switches, on SQLite and on PostgreSQL: every message is delivered once (or given
up with a reason), none is silently dropped, and our own pace never earns a 429.
"""

from __future__ import annotations

import pytest

from tests.delivery.helpers import count, rows
from tests.delivery.sandbox_rig import Rig, accounted, payload_text


async def test_our_pace_earns_no_429(rig: Rig) -> None:
    group = await rig.group("Busy")
    people = await rig.people(35)  # more chats than the bot-wide 30/s
    await rig.queue(group, 25)  # more than a group's 20 a minute
    for person in people:
        await rig.queue(person, 1)
    await rig.queue(people[0], 4, "more ")  # more than a private chat's burst
    start = rig.clock.now()
    await rig.sender().flush(timeout=30)
    assert await accounted(rig, [group, *people]) == []
    assert await rig.own_429s() == 0
    assert (rig.clock.now() - start).total_seconds() >= 60  # the 21st group message waited


async def test_the_sandbox_would_catch_a_pace_too_fast(rig: Rig) -> None:
    """The rig's check is live: a sender allowed 40 a minute in a group earns 429s (and still
    delivers everything once, waiting them out)."""
    group = await rig.group("Hasty")
    await rig.queue(group, 25)
    await rig.sender(rate_group_per_minute=40).flush(timeout=30)
    assert await accounted(rig, [group]) == []
    assert await rig.own_429s() > 0


@pytest.mark.parametrize("retry_after", [1, 5, 30])
async def test_429_storm_is_waited_out(rig: Rig, retry_after: int) -> None:
    group = await rig.group("Storm")
    people = await rig.people(3)
    await rig.queue(group, 3)
    for person in people:
        await rig.queue(person, 2)
    await rig.control.inject_fault("429", count=3, retry_after=retry_after)
    start = rig.clock.now()
    sender = rig.sender()
    await sender.flush(timeout=30)
    assert await accounted(rig, [group, *people]) == []
    assert await rig.own_429s(injected=3) == 0
    assert count(sender.metrics, "responses_429") == 3
    assert (rig.clock.now() - start).total_seconds() >= retry_after
    assert {r["attempts"] for r in await rows(rig.uow)} == {0}  # a 429 is not a failure


async def test_5xx_burst_is_retried_then_given_up_with_the_reason(rig: Rig) -> None:
    group = await rig.group("Flaky")
    [person] = await rig.people(1)
    await rig.queue(group, 3)
    await rig.queue(person, 3)
    await rig.control.inject_fault("500", count=2, chat_id=person)
    await rig.control.inject_fault("502", count=3, chat_id=group)  # = max attempts: given up
    await rig.sender(outbox_max_attempts=3).flush(timeout=30)
    [failed] = await accounted(rig, [group, person])
    assert failed["chat_id"] == group and payload_text(failed["payload"]) == f"{group}:0"
    assert failed["outcome_reason"].startswith("gave up after 3 attempts")
    assert await rig.own_429s() == 0


@pytest.mark.parametrize("performed", [False, True])
async def test_network_drops(rig: Rig, performed: bool) -> None:
    """A drop before Telegram acted is retried and arrives once; a drop after it acted (the
    outcome unknown) may arrive twice, never more than once per drop, never zero times."""
    group = await rig.group("Drops")
    people = await rig.people(2)
    await rig.queue(group, 3)
    for person in people:
        await rig.queue(person, 2)
    await rig.control.inject_fault("drop", count=3, method="sendMessage", performed=performed)
    await rig.sender().flush(timeout=30)
    assert await accounted(rig, [group, *people], duplicates_allowed=3 if performed else 0) == []
    seen = await rig.delivered(group, *people)
    assert (sum(seen.values()) - len(seen) > 0) == performed
    assert await rig.own_429s() == 0


async def test_403_ends_the_chat_and_the_rest_is_delivered(rig: Rig) -> None:
    group = await rig.group("Gone")
    people = await rig.people(2)
    await rig.queue(group, 2)
    await rig.sender().flush(timeout=30)
    await rig.control.remove_bot(group)
    await rig.control.block_bot(people[1])
    await rig.queue(group, 4, "late ")
    for person in people:
        await rig.queue(person, 2)
    await rig.sender().flush(timeout=30)
    failed = await accounted(rig, [group, *people])
    assert {r["chat_id"] for r in failed} == {group, people[1]}
    assert len(failed) == 6
    assert all(r["outcome_reason"].startswith(("forbidden", "chat inactive")) for r in failed)
    assert sorted(rig.lost) == sorted([group, people[1]])  # told once per chat


async def test_group_upgraded_with_messages_queued(rig: Rig) -> None:
    group = await rig.group("Growing")
    early = await rig.queue(group, 2, "early ")
    sender = rig.sender()
    await sender.flush(timeout=30)
    queued = await rig.queue(group, 5, "queued ")
    supergroup = await rig.control.upgrade_to_supergroup(group)
    await sender.flush(timeout=30)
    later = await rig.queue(group, 2, "later ")  # queued for the old id after the move
    await sender.flush(timeout=30)
    assert await accounted(rig, [group, supergroup]) == []
    assert set(await rig.delivered(group)) == set(early)
    assert list(await rig.delivered(supergroup)) == queued + later  # in order, once each
    assert await rig.own_429s() == 0
