"""Every stored webhook update ends in one final state (handled, ignored with a reason,
parked), is pruned on the retention rule, and is taken over by another worker when the one
that stored it dies."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.clock import FakeClock
from bot.frameworks.webhook import WebhookReceiver
from bot.storage.db import create_engine
from bot.storage.models import InboxRow, table_of
from bot.storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import SECRET
from tests.frameworks.test_webhook import HEADER, private_command

pytestmark = pytest.mark.e2e
INLINE_QUERY = {"update_id": 41, "inline_query": {
    "id": "q1", "from": {"id": 5, "is_bot": False, "first_name": "Ana"}, "query": "x",
    "offset": ""}}


@pytest.fixture
async def uow_factory(database_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    factory = UnitOfWorkFactory(create_engine(database_url))
    yield factory
    await factory.engine.dispose()


async def _states(uow_factory: UnitOfWorkFactory) -> dict[int, tuple[str, str | None]]:
    inbox = table_of(InboxRow)
    async with uow_factory() as uow:
        rows = await uow.conn.execute(select(inbox.c.update_id, inbox.c.state, inbox.c.reason))
        return {int(u): (s, r) for u, s, r in rows.all()}


def _receiver(uow_factory: UnitOfWorkFactory, clock: FakeClock, process: Any,
              lease_seconds: float = 6.0) -> WebhookReceiver:
    async def settled() -> None:
        return None

    return WebhookReceiver(SECRET, uow_factory, clock, process, settled,
                           lease_seconds=lease_seconds)


def _claiming(uow_factory: UnitOfWorkFactory, clock: FakeClock, seen: list[int]) -> Any:
    """A core that takes messages (claiming them in the inbox) and nothing else."""
    async def process(payload: dict[str, Any]) -> bool:
        if "message" not in payload:
            return False
        async with uow_factory() as uow:
            if await uow.inbox.claim(payload["update_id"], clock.now()):
                seen.append(payload["update_id"])
            await uow.commit()
        return True

    return process


async def _post(receiver: WebhookReceiver, *payloads: dict[str, Any]) -> list[int]:
    web_app = web.Application()
    receiver.add_route(web_app, "/hook")
    async with TestClient(TestServer(web_app)) as client:
        statuses = []
        for payload in payloads:
            response = await client.post("/hook", json=payload, headers={HEADER: SECRET})
            statuses.append(response.status)
        await receiver.idle()
    return statuses


async def test_an_update_the_bot_does_not_take_is_ignored_with_its_kind(
        uow_factory: UnitOfWorkFactory) -> None:
    clock, seen = FakeClock(), []
    receiver = _receiver(uow_factory, clock, _claiming(uow_factory, clock, seen))
    await receiver.start()
    try:
        assert await _post(receiver, INLINE_QUERY, private_command(42, 5, "/x")) == [200, 200]
    finally:
        await receiver.stop()
    assert await _states(uow_factory) == {
        41: ("ignored", "not taken by the bot: inline_query"), 42: ("handled", None)}
    assert seen == [42]


async def test_an_update_no_framework_can_read_is_parked_not_replayed(
        uow_factory: UnitOfWorkFactory) -> None:
    async def unreadable(_payload: dict[str, Any]) -> bool:
        raise ValueError("field required")

    receiver = _receiver(uow_factory, FakeClock(), unreadable)
    await receiver.start()
    try:
        assert await _post(receiver, private_command(43, 5, "/x")) == [200]
    finally:
        await receiver.stop()
    assert await _states(uow_factory) == {43: ("parked", "ValueError: field required")}
    again = _receiver(uow_factory, FakeClock(), unreadable)
    assert await again.start() == 0  # a final state: not replayed at the next start
    await again.stop()


async def test_finished_updates_are_pruned_and_unfinished_ones_kept(
        uow_factory: UnitOfWorkFactory) -> None:
    clock = FakeClock()
    async with uow_factory() as uow:
        for update_id in (1, 2, 3, 4):
            await uow.inbox.record(update_id, clock.now(), "{}")
        await uow.inbox.claim(1, clock.now())
        await uow.inbox.ignore(2, clock.now(), "not taken by the bot: inline_query")
        await uow.inbox.park(3, clock.now(), chat_id=5, event=None, error="E", attempts=4)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.inbox.prune(clock.now() + timedelta(hours=73)) == 3
        await uow.commit()
    assert await _states(uow_factory) == {4: ("received", None)}


async def test_a_dead_workers_updates_are_taken_over_once_its_lease_runs_out(
        uow_factory: UnitOfWorkFactory) -> None:
    clock, seen = FakeClock(), []
    async with uow_factory() as uow:  # stored by a worker that then died
        for update_id in (50, 51):
            await uow.inbox.record(update_id, clock.now(),
                                   json.dumps(private_command(update_id, 5, "/x")),
                                   "dead-worker", clock.now() + timedelta(seconds=1))
        await uow.commit()
    receiver = _receiver(uow_factory, clock, _claiming(uow_factory, clock, seen),
                         lease_seconds=0.3)
    assert await receiver.start() == 0  # its lease still runs: not taken yet
    try:
        clock.advance(timedelta(seconds=2))
        for _ in range(100):
            if len(seen) == 2:
                break
            await asyncio.sleep(0.05)
        await receiver.idle()
    finally:
        await receiver.stop()
    assert seen == [50, 51]
    assert await _states(uow_factory) == {50: ("handled", None), 51: ("handled", None)}
