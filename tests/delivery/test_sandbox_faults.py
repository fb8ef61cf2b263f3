"""The real sender, through each framework's real transport, against the sandbox with its limits
on and its fault switches: every message is delivered once (or given up with a reason), none is
silently dropped, and our own pace never earns a 429.

Waits take no real time: the sender sleeps on a `ClockTimer` over a FakeClock, and the sandbox
reads the same FakeClock, so both agree on when a limit's window has passed.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ClockTimer, FakeClock
from bot.config import Settings
from bot.delivery.sender import OutboxSender
from bot.delivery.transport import Transport
from bot.metrics import Metrics
from bot.runner import load_adapter
from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from bot.storage.db import create_engine
from bot.storage.uow import UnitOfWorkFactory
from handlers.events import SendMessage
from tests.delivery.conftest import make_settings
from tests.delivery.helpers import enqueue, rows

TOKEN = "123456:FAULTS"
FRAMEWORKS = ("aiogram", "ptb")


@asynccontextmanager
async def framework_transport(framework: str, base_url: str) -> AsyncIterator[Transport]:
    """The framework's own Bot, opened against `base_url`, as the sender's transport."""
    settings = Settings(_env_file=None, bot_token=TOKEN, framework=framework,  # type: ignore[call-arg]
                        api_base_url=base_url)
    adapter = load_adapter(settings)
    await adapter.open()
    try:
        yield adapter.transport
    finally:
        await adapter.close()


@dataclass
class Rig:
    clock: FakeClock
    sandbox: SandboxServer
    control: SandboxControl
    uow: UnitOfWorkFactory
    transport: Transport
    lost: list[int] = field(default_factory=list)

    def sender(self, **settings: object) -> OutboxSender:
        async def on_chat_lost(chat_id: int, _reason: str) -> None:
            self.lost.append(chat_id)

        return OutboxSender(self.uow, self.transport, self.clock, make_settings(**settings),
                            timer=ClockTimer(self.clock), metrics=Metrics(),
                            on_chat_lost=on_chat_lost)

    async def queue(self, chat_id: int, count: int, tag: str = "") -> list[str]:
        texts = [f"{tag}{chat_id}:{n}" for n in range(count)]
        await enqueue(self.uow, self.clock, *[SendMessage(chat_id, t) for t in texts])
        return texts

    async def group(self, title: str) -> int:
        owner = await self.control.create_user(f"Owner of {title}", "en")
        return await self.control.create_chat("group", title, [owner])

    async def people(self, count: int) -> list[int]:
        return [await self.control.create_user(f"P{n}", "en") for n in range(count)]

    async def delivered(self, *chats: int) -> Counter[str]:
        """How often each text reached the chats (the sandbox's transcript)."""
        found: Counter[str] = Counter()
        for chat in chats:
            for entry in await self.control.transcript(chat):
                if entry["kind"] == "message" and entry["from"]["is_bot"]:
                    found[entry["text"]] += 1
        return found

    async def own_429s(self, injected: int = 0) -> int:
        """429s the sandbox answered because of our pace (beyond the injected ones)."""
        return int((await self.control.stats())["too_many_requests"]) - injected


@pytest.fixture(params=FRAMEWORKS)
async def rig(request: pytest.FixtureRequest, tmp_path: Path,
              sqlite_template: Path) -> AsyncIterator[Rig]:
    clock = FakeClock()
    db = tmp_path / "outbox.db"
    shutil.copy(sqlite_template, db)
    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    sandbox = SandboxServer(clock=lambda: clock.now().timestamp(), limits=True, bot_token=TOKEN)
    await sandbox.start()
    try:
        async with SandboxControl(sandbox.base_url) as control, \
                framework_transport(str(request.param), sandbox.base_url) as transport:
            yield Rig(clock, sandbox, control, UnitOfWorkFactory(engine), transport)
    finally:
        await sandbox.stop()
        await engine.dispose()


async def accounted(rig: Rig, chats: list[int],
                    duplicates_allowed: int = 0) -> list[dict[str, Any]]:
    """Every row is closed; a sent row's text arrived, a failed one has a reason and did not.
    Returns the failed rows."""
    outbox = await rows(rig.uow)
    seen = await rig.delivered(*chats)
    assert {r["state"] for r in outbox} <= {"sent", "failed"}, "rows left open"
    extra = 0
    for row in outbox:
        text = row["payload"] and _text(row["payload"])
        if row["state"] == "sent":
            assert seen[text] >= 1, f"row {row['id']} is sent but {text!r} never arrived"
            extra += seen[text] - 1
        else:
            assert row["outcome_reason"], f"row {row['id']} failed without a reason"
            assert seen[text] == 0, f"row {row['id']} failed but {text!r} arrived"
    assert extra <= duplicates_allowed
    assert sum(seen.values()) == sum(1 for r in outbox if r["state"] == "sent") + extra
    return [r for r in outbox if r["state"] == "failed"]


def _text(payload: str) -> str:
    import json

    return str(json.loads(payload)["text"])


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
    assert sender.metrics.responses_429._value.get() == 3
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
    assert failed["chat_id"] == group and _text(failed["payload"]) == f"{group}:0"
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
