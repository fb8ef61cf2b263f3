"""Updates handled at once (`ORDERBOT_CONCURRENCY`): one chat's updates still take effect in
the order they were sent, and two bots' updates on one order at once are both handled (the
later save runs its update again). On SQLite and on PostgreSQL, through both frameworks."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.storage.uow import UnitOfWorkFactory
from tests.e2e.test_inbox import (  # noqa: F401 (fixtures)
    database_url,
    tap_and_help_at_once,
)
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
HELP_PT = "Eu cuido do chat de um pedido do marketplace"  # /help's first line in Portuguese
WAIT = 10.0


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"concurrency": 8}


class FirstBeginsLate:
    """The pipeline's units of work, the first of which waits a while before it begins (a
    dispatcher that does not keep a chat's order would handle the next update meanwhile)."""

    def __init__(self, factory: UnitOfWorkFactory) -> None:
        self.factory = factory
        self.waited = False

    def __call__(self) -> Any:
        uow = self.factory()
        if self.waited:
            return uow
        self.waited = True
        return _BeginsLate(uow)


class _BeginsLate:
    def __init__(self, uow: Any) -> None:
        self.uow = uow

    async def __aenter__(self) -> Any:
        await asyncio.sleep(0.3)
        return await self.uow.__aenter__()

    async def __aexit__(self, *exc: Any) -> Any:
        return await self.uow.__aexit__(*exc)


@pytest.mark.parametrize("mode", ["polling"])
async def test_a_language_chosen_then_help_answers_help_in_that_language(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ana taps "Português" and sends /help right after; both come in one getUpdates, and
    the tap is slow to start. Her /help comes after it, so it is answered in Portuguese."""
    ana = await world.user("Ana", "en")
    await world.say(ana, ana, "/lang")
    await world.wait_text(ana, "Choose your language:")
    await world.running.adapter.stop_polling()  # the updates are handed over together, below
    seen = await world.mark(ana)
    tap = await world.tap(ana, ana, "Português")
    asked = await world.say(ana, ana, "/help")
    pipeline = world.app.pipeline
    monkeypatch.setattr(pipeline, "uow_factory", FirstBeginsLate(pipeline.uow_factory))
    await _one_batch(world, [tap], [asked])
    helped = await world.wait_text(ana, "marketplace", after=seen, timeout=WAIT)
    assert HELP_PT in helped["text"]


async def _one_batch(world: World, taps: list[str], messages: list[int]) -> None:
    """Hand the bot these updates (taps by query id, messages by id) in the order they were
    sent, as one getUpdates would, then settle, as before the next getUpdates."""
    history = world.sandbox.state.primary_bot().updates.history.values()
    updates = [u.as_dict() for u in history
               if (u.kind == "callback_query" and u.payload["id"] in taps)
               or (u.kind == "message" and u.payload.get("message_id") in messages)]
    assert len(updates) == len(taps) + len(messages)
    for update in updates:
        await world.running.adapter.process(update, world.app)
    await world.app.settle()


@pytest.mark.parametrize("mode", ["polling"])
async def test_two_bots_updates_at_once_on_one_order_are_both_handled(world: World) -> None:
    """The professional moves the order on in one bot while the client's /help reaches
    another bot on the same database (each handling updates at once): on PostgreSQL the later
    save finds the order changed and runs its update again; both are handled, and nobody is
    told someone else changed the order."""
    async def to_two_bots(tapped: dict[str, Any], helped: dict[str, Any]) -> None:
        this_bot, other_bot = world.app.pipeline, world.app.pipeline_without_delivery()
        await asyncio.gather(world.running.adapter.process(tapped, this_bot),
                             world.running.adapter.process(helped, other_bot))
        await asyncio.gather(this_bot.settle(), other_bot.settle())

    await tap_and_help_at_once(world, to_two_bots)
