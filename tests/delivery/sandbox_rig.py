"""The real sender, through a framework's real transport, against the sandbox with its limits on.

Waits take no real time: the sender sleeps on a `ClockTimer` over a FakeClock, and the sandbox
reads the same FakeClock, so both agree on when a limit's window has passed. The `rig` fixture
(in conftest.py) runs each test through both frameworks, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.clock import ClockTimer, FakeClock
from bot.config import Settings
from bot.core.events import SendMessage
from bot.delivery.sender import OutboxSender
from bot.delivery.transport import Transport
from bot.metrics import Metrics
from bot.runner import load_adapter
from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from bot.storage.outbox import SqlOutbox
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.conftest import delivery_config
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

        return OutboxSender(SqlOutbox(self.uow), self.transport, self.clock,
                            delivery_config(**settings), timer=ClockTimer(self.clock),
                            metrics=Metrics(), on_chat_lost=on_chat_lost)

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
        for entry in await self._bot_messages(*chats):
            found[entry["text"]] += 1
        return found

    async def arrivals(self, since: datetime, *chats: int) -> dict[int, list[float]]:
        """When the bot's messages reached each chat: seconds after `since`, on the fake clock."""
        found: dict[int, list[float]] = {chat: [] for chat in chats}
        for entry in await self._bot_messages(*chats):
            moment = datetime.fromisoformat(entry["time"])
            found[int(entry["chat_id"])].append((moment - since).total_seconds())
        return found

    async def _bot_messages(self, *chats: int) -> list[dict[str, Any]]:
        return [entry for chat in chats for entry in await self.control.transcript(chat)
                if entry["kind"] == "message" and entry["from"]["is_bot"]]

    async def own_429s(self, injected: int = 0) -> int:
        """429s the sandbox answered because of our pace (beyond the injected ones)."""
        return int((await self.control.stats())["too_many_requests"]) - injected


@asynccontextmanager
async def running_rig(framework: str, uow: UnitOfWorkFactory) -> AsyncIterator[Rig]:
    """A sandbox with its limits on, on the rig's fake clock, and the framework's transport."""
    clock = FakeClock()
    sandbox = SandboxServer(clock=lambda: clock.now().timestamp(), limits=True, bot_token=TOKEN)
    sandbox.state.wall_clock = lambda: clock.now().timestamp()  # the transcript's times too
    await sandbox.start()
    try:
        async with SandboxControl(sandbox.base_url) as control, \
                framework_transport(framework, sandbox.base_url) as transport:
            yield Rig(clock, sandbox, control, uow, transport)
    finally:
        await sandbox.stop()


async def accounted(rig: Rig, chats: list[int],
                    duplicates_allowed: int = 0) -> list[dict[str, Any]]:
    """Every row is closed; a sent row's text arrived, a failed one has a reason and did not.
    Returns the failed rows."""
    outbox = await rows(rig.uow)
    seen = await rig.delivered(*chats)
    assert {r["state"] for r in outbox} <= {"sent", "failed"}, "rows left open"
    extra = 0
    for row in outbox:
        text = row["payload"] and payload_text(row["payload"])
        if row["state"] == "sent":
            assert seen[text] >= 1, f"row {row['id']} is sent but {text!r} never arrived"
            extra += seen[text] - 1
        else:
            assert row["outcome_reason"], f"row {row['id']} failed without a reason"
            assert seen[text] == 0, f"row {row['id']} failed but {text!r} arrived"
    assert extra <= duplicates_allowed
    assert sum(seen.values()) == sum(1 for r in outbox if r["state"] == "sent") + extra
    return [r for r in outbox if r["state"] == "failed"]


def payload_text(payload: str) -> str:
    return str(json.loads(payload)["text"])
