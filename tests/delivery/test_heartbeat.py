"""The sender's heartbeat: a row being delivered keeps its (short) lease however long the
delivery takes, and a dead sender's rows are taken over about one lease later.

Time runs 20 times faster than real time (`ScaledTime`): the senders await real database I/O
while they wait on each other, so nobody's time may jump ahead of the others'.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from datetime import datetime, timedelta

import pytest

from bot.core.events import SendMessage
from bot.core.outbox import Pace
from bot.delivery.sender import OutboxSender
from bot.delivery.transport import RetryAfter
from bot.metrics import Metrics
from bot.storage.outbox import SqlOutbox
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.conftest import delivery_config
from tests.delivery.fakes import FakeTransport, ScaledTime
from tests.delivery.helpers import enqueue, rows

SPEED = 20.0
LEASE = 6.0  # the default
CHAT = 7


def _sender(uow_factory: UnitOfWorkFactory, time: ScaledTime, transport: FakeTransport,
            outbox: SqlOutbox | None = None, **settings: object) -> OutboxSender:
    return OutboxSender(outbox or SqlOutbox(uow_factory), transport, time,
                        delivery_config(**settings), timer=time, metrics=Metrics())


async def _rival_claims(uow_factory: UnitOfWorkFactory, time: ScaledTime) -> list[int]:
    """What another sender would claim now."""
    claim = await SqlOutbox(uow_factory).claim(time.now(), timedelta(seconds=LEASE), 10,
                                               skip=(), pace=Pace())
    return [row.id for row in claim.rows]


async def _claimed_until(uow_factory: UnitOfWorkFactory) -> datetime:
    until = (await rows(uow_factory))[0]["claimed_until"]
    assert until is not None
    return until.replace(tzinfo=None)


def test_the_default_lease_is_short() -> None:
    assert delivery_config().lease == LEASE


async def test_a_slow_send_keeps_its_claim(uow_factory: UnitOfWorkFactory) -> None:
    """Telegram takes 20 s (three leases) to answer: no other sender may take the row."""
    time = ScaledTime(SPEED)
    transport = FakeTransport(time, latency=lambda: (20.0, 0.0))  # type: ignore[arg-type]
    [row_id] = await enqueue(uow_factory, time, SendMessage(CHAT, "slow"))  # type: ignore[arg-type]
    sender = _sender(uow_factory, time, transport)
    delivering = asyncio.create_task(sender.drain())
    await asyncio.sleep(10.0 / SPEED)  # past the first lease
    assert await _rival_claims(uow_factory, time) == []
    await asyncio.sleep(5.0 / SPEED)  # past the second
    assert await _rival_claims(uow_factory, time) == []
    assert (await _claimed_until(uow_factory)) > time.now().replace(tzinfo=None)
    assert await delivering == 1
    assert [a.effect.text for a in transport.performed] == ["slow"]  # type: ignore[union-attr]
    [row] = await rows(uow_factory)
    assert (row["id"], row["state"], row["claimed_until"]) == (row_id, "sent", None)


async def test_a_wait_out_of_a_429_longer_than_the_lease_keeps_the_claim(
        uow_factory: UnitOfWorkFactory) -> None:
    """A bot-wide 429 of 15 s (two and a half leases) while another row waits for the bot's
    next slot: that row waits the pause out in its delivery (the defer threshold is above it),
    stays this sender's all along, and goes once."""
    time = ScaledTime(SPEED)
    transport = FakeTransport(time)  # type: ignore[arg-type]
    transport.fail(CHAT + 1, RetryAfter(15, chat_id=None))
    await enqueue(uow_factory, time, SendMessage(CHAT + 1, "paused"),  # type: ignore[arg-type]
                  SendMessage(CHAT, "waits"))
    sender = _sender(uow_factory, time, transport, outbox_defer_threshold_seconds=30.0,
                     rate_global_per_second=0.5)
    delivering = asyncio.create_task(sender.flush(timeout=5))
    await asyncio.sleep(10.0 / SPEED)  # the 429 came back; a row is held through the pause
    held = [r for r in await rows(uow_factory) if r["state"] == "sending"]
    assert held, "a row waits out the pause under its claim"
    await asyncio.sleep(2.0 / SPEED)  # past its first lease
    assert await _rival_claims(uow_factory, time) == []
    await delivering
    sent = [a.effect.text for a in transport.performed]  # type: ignore[union-attr]
    assert sorted(sent) == ["paused", "waits"]  # each once
    assert {r["state"] for r in await rows(uow_factory)} == {"sent"}


async def test_a_dead_senders_claims_free_within_about_one_lease(
        uow_factory: UnitOfWorkFactory) -> None:
    """A sender dies (every task of it stops) in the middle of a send it has held for two
    leases: another sender delivers the row about one lease after the death."""
    time = ScaledTime(SPEED)
    hung = FakeTransport(time, latency=lambda: (3600.0, 0.0))  # type: ignore[arg-type]
    await enqueue(uow_factory, time, SendMessage(CHAT, "orphan"))  # type: ignore[arg-type]
    before = asyncio.all_tasks()
    dying = _sender(uow_factory, time, hung)
    draining = asyncio.create_task(dying.drain())
    await asyncio.sleep(12.0 / SPEED)  # two leases: the heartbeat kept the claim
    assert await _rival_claims(uow_factory, time) == []
    for task in asyncio.all_tasks() - before - {asyncio.current_task()}:
        task.cancel()  # the process is gone: no heartbeat, nothing recorded
    await asyncio.sleep(0.05)
    assert draining.done()
    died = time.monotonic()
    survivor_transport = FakeTransport(time)  # type: ignore[arg-type]
    survivor = _sender(uow_factory, time, survivor_transport, outbox_poll_seconds=0.5)
    await survivor.start()
    try:
        while not survivor_transport.performed:
            await asyncio.sleep(0.01)
        taken_over = time.monotonic() - died
    finally:
        await survivor.stop()
    assert taken_over <= LEASE + 1.0  # at most one lease (and a poll) after the death
    assert [a.effect.text for a in survivor_transport.performed] == ["orphan"]  # type: ignore[union-attr]
    assert {r["state"] for r in await rows(uow_factory)} == {"sent"}


class FlakyOutbox(SqlOutbox):
    """Its first lease renewal fails as if the database were away."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        super().__init__(uow_factory)
        self.renewals = 0

    async def renew(self, ids: Collection[int], until: datetime) -> int:
        self.renewals += 1
        if self.renewals == 1:
            raise ConnectionRefusedError("[Errno 111] Connect call failed ('127.0.0.1', 5432)")
        return await super().renew(ids, until)


async def test_a_failed_renewal_is_one_warning_and_the_heartbeat_goes_on(
        uow_factory: UnitOfWorkFactory, caplog: pytest.LogCaptureFixture) -> None:
    time = ScaledTime(SPEED)
    transport = FakeTransport(time, latency=lambda: (10.0, 0.0))  # type: ignore[arg-type]
    await enqueue(uow_factory, time, SendMessage(CHAT, "through"))  # type: ignore[arg-type]
    outbox = FlakyOutbox(uow_factory)
    sender = _sender(uow_factory, time, transport, outbox)
    with caplog.at_level(logging.WARNING, logger="orderbot.delivery"):
        delivering = asyncio.create_task(sender.drain())
        await asyncio.sleep(7.0 / SPEED)  # the first beat failed, the second renewed
        assert await _rival_claims(uow_factory, time) == []
        assert await delivering == 1
    warnings = [r for r in caplog.records if "leases not renewed" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].exc_info is None
    assert outbox.renewals >= 3
    assert [a.effect.text for a in transport.performed] == ["through"]  # type: ignore[union-attr]
