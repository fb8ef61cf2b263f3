"""Long polling acknowledges an update (the next getUpdates' offset) only once it is committed,
so a crash before the commit leaves it with Telegram, to be sent again."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.e2e.world import World

pytestmark = pytest.mark.e2e
HELP = "order thread"  # in the English /help text


def pending_ids(world: World) -> list[int]:
    """The updates Telegram still holds for the bot: not acknowledged yet."""
    return [u.update_id for u in world.sandbox.state.primary_bot().updates.pending]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"commit_group_max_ms": 60_000}  # the group waits for the settle before getUpdates


@pytest.mark.parametrize("mode", ["polling"])
async def test_an_update_is_acknowledged_only_once_committed(world: World) -> None:
    pipeline = world.app.pipeline
    received, committing, gate = asyncio.Event(), asyncio.Event(), asyncio.Event()
    receive, settle = pipeline.receive, pipeline.settle

    async def noting_receive(event: Any, reply: Any) -> None:
        await asyncio.sleep(0.3)  # a slow update: the next getUpdates must wait for it
        await receive(event, reply)
        received.set()

    async def gated_settle() -> None:
        if received.is_set():  # the commit after /help waits at the gate
            committing.set()
            await gate.wait()
        await settle()

    pipeline.receive, pipeline.settle = noting_receive, gated_settle
    ana = await world.user("Ana", "en")
    await world.say(ana, ana, "/help")
    update_id = world.last_update_id()
    await asyncio.wait_for(committing.wait(), 5)  # handled; the next getUpdates waits for it
    await asyncio.sleep(0.2)
    assert update_id in pending_ids(world)  # not acknowledged while not committed
    gate.set()
    await world.wait_text(ana, HELP)
    for _ in range(100):
        if update_id not in pending_ids(world):
            break
        await asyncio.sleep(0.02)
    assert update_id not in pending_ids(world)
