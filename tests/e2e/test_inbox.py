"""The inbox: an update is handled once, whether it comes twice at once, again after a restart,
or was stored by the webhook but not handled before a crash. On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from bot.clock import ClockTimer, FakeClock
from bot.config import Settings
from bot.core.events import ChatEvent, EventKind, Person
from bot.frameworks.base import Immediate
from bot.runner import Running, start
from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from bot.storage.models import InboxRow, OutboxRow, StatusChangeRow
from tests.e2e.test_order_thread import open_order, step
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
HELP = "order thread"  # in the English /help text
WAIT = 10.0


@pytest.fixture
def database_url(db_url: str) -> str:
    """This module's tests run on SQLite and on PostgreSQL (tests/conftest.py's `db_url`)."""
    return db_url


async def _count(world_app: Any, table: Any, *where: Any) -> int:
    async with world_app.uow_factory() as uow:
        query = select(func.count()).select_from(table).where(*where)
        return int((await uow.conn.execute(query)).scalar_one())


async def test_the_same_tap_twice_at_once_changes_the_status_once(world: World) -> None:
    th = await open_order(world)
    panel = await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    await world.flush()
    changes, outbox = StatusChangeRow.__table__, OutboxRow.__table__
    before = (await _count(world.app, changes), await _count(world.app, outbox))
    tap = ChatEvent(update_id=987_654_321, kind=EventKind.CALLBACK, chat_id=th.group,
                    chat_type="group", user=Person(th.pro, "Ana", "en", username="ana"),
                    message_id=int(panel["message_id"]), callback_id="cb-twice",
                    callback_data="st:1:in_progress")
    seen = await world.mark(th.group)
    answers = await asyncio.gather(world.app.handle(tap), world.app.handle(tap))
    assert sorted(len(a) for a in answers) == [0, 1]  # one handled (and answered), one ignored
    assert await _count(world.app, changes) == before[0] + 1
    assert await _count(world.app, changes, changes.c.to_status == "in_progress") == 1
    queued = await _count(world.app, outbox) - before[1]
    assert queued > 0
    await world.flush()
    shown = await world.entries(th.group, after=seen, kinds=("message", "edit"))
    assert len(shown) == queued  # one set of messages
    assert sum("please confirm that you hired" in (e.get("text") or "") for e in shown) == 1


@pytest.mark.parametrize("mode", ["polling"])
async def test_two_taps_at_once_change_the_status_once(world: World) -> None:
    """The same button tapped twice at once by the same person: two real taps (two update ids,
    two callback queries) handled at the same moment, as two instances of the bot (or a
    webhook with several connections) would. The status changes once, the later tap is told
    it was already done and what is true now, and the chat gets one set of messages."""
    th = await open_order(world)
    panel = await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    await world.flush()
    changes = StatusChangeRow.__table__
    before = await _count(world.app, changes)
    await world.running.adapter.stop_polling()  # the taps are handed over together, below
    seen = await world.mark(th.group)
    taps = [await world.tap(th.group, th.pro, "In progress", int(panel["message_id"]))
            for _ in range(2)]
    updates = [u.as_dict() for u in world.sandbox.state.primary_bot().updates.history.values()
               if u.kind == "callback_query" and u.payload["id"] in taps]
    assert len({u["update_id"] for u in updates}) == 2
    alone = Immediate(world.app.handle)  # each in its own transaction, as in two processes
    await asyncio.gather(*(world.running.adapter.process(u, alone) for u in updates))
    answers = sorted([(await world.wait_answer(tap)).get("text") or "" for tap in taps])
    assert answers == ["", "That was already done. The order is now: In progress."]
    assert await _count(world.app, changes) == before + 1
    assert await _count(world.app, changes, changes.c.to_status == "in_progress") == 1
    await world.flush()
    sent = [e["text"] for e in await world.entries(th.group, after=seen, kinds=("message",))]
    assert sum("please confirm that you hired" in text for text in sent) == 1
    assert len(sent) == len(set(sent))  # nothing said twice


@pytest.mark.parametrize("mode", ["polling"])
async def test_two_peoples_updates_at_once_on_one_order_are_both_handled(world: World) -> None:
    """The professional moves the order on while the client sends /help: both updates count
    as activity on the order, so both save it. Handled at the same moment (two instances of
    the bot), on PostgreSQL the later save finds the order changed: that update is run again
    on the order as it is then, and neither person is told someone else changed it."""
    async def each_alone(tapped: dict[str, Any], helped: dict[str, Any]) -> None:
        alone = Immediate(world.app.handle)  # each in its own transaction, as in two processes
        await asyncio.gather(*(world.running.adapter.process(u, alone) for u in (tapped, helped)))

    await tap_and_help_at_once(world, each_alone)


HandOver = Callable[[dict[str, Any], dict[str, Any]], Awaitable[None]]


async def tap_and_help_at_once(world: World, hand_over: HandOver) -> None:
    """The professional's "In progress" tap and the client's /help, handed over together by
    `hand_over(tap, help)`: both are handled, the status changes once, the help is shown, and
    nobody is told someone else changed the order."""
    th = await open_order(world)
    panel = await step(world, th.group, th.pro, "Update", "at what stage is the job?")
    await world.flush()
    changes = StatusChangeRow.__table__
    before = await _count(world.app, changes, changes.c.to_status == "in_progress")
    await world.running.adapter.stop_polling()  # the updates are handed over together, below
    seen = await world.mark(th.group)
    tap = await world.tap(th.group, th.pro, "In progress", int(panel["message_id"]))
    asked = await world.say(th.group, th.client, "/help")
    history = world.sandbox.state.primary_bot().updates.history.values()
    [tapped] = [u.as_dict() for u in history
                if u.kind == "callback_query" and u.payload["id"] == tap]
    [helped] = [u.as_dict() for u in history
                if u.kind == "message" and u.payload.get("message_id") == asked]
    await hand_over(tapped, helped)
    assert (await world.wait_answer(tap)).get("text") in (None, "")  # done, no alert
    assert await _count(world.app, changes, changes.c.to_status == "in_progress") == before + 1
    await world.flush()
    await world.wait_text(th.group, HELP, after=seen, timeout=WAIT)
    texts = [e.get("text") or "" for e in await world.entries(th.group, after=seen)]
    assert not any("Someone else changed this order" in text for text in texts)
    async with world.app.uow_factory() as uow:
        order = await uow.orders.get(1)
    assert order is not None and order.status == "in_progress"
    assert order.last_client_message_at is not None and order.last_pro_message_at is not None


@asynccontextmanager
async def bot_running(settings: Settings, clock: FakeClock) -> AsyncIterator[Running]:
    """The bot in webhook mode, started and stopped like `orderbot webhook` does."""
    from bot.app import build_app

    running = await start(settings, clock=clock, mode="webhook",
                          app_factory=lambda s, c: build_app(s, c, ClockTimer(clock)))
    try:
        yield running
    finally:
        await running.stop()


async def _settle(running: Running) -> None:
    assert running.webhook is not None
    await running.webhook.idle()
    await running.app.sender.flush()  # type: ignore[attr-defined]


async def _bot_messages(control: SandboxControl, chat: int) -> int:
    return sum(1 for m in await control.messages(chat) if m["from"]["is_bot"])


async def test_redelivered_after_a_restart_is_handled_once(
        sandbox: SandboxServer, settings: Settings, clock: FakeClock) -> None:
    async with SandboxControl(sandbox.base_url) as control:
        ana = await control.create_user("Ana", "en")
        async with bot_running(settings, clock) as running:
            await control.post(ana, ana, "/help")
            await control.wait_for(ana, lambda e: HELP in (e.get("text") or ""), WAIT)
            await _settle(running)
        update_id = max(sandbox.state.primary_bot().updates.history)
        before = await _bot_messages(control, ana)
        async with bot_running(settings, clock) as running:
            await control.redeliver(update_id)
            seen = await _last_seq(control, ana)
            await control.post(ana, ana, "/help")  # handled after the repeat (in order)
            await control.wait_for(ana, lambda e: HELP in (e.get("text") or ""), WAIT,
                                   after=seen)
            await _settle(running)
        assert await _bot_messages(control, ana) == before + 1  # only the new /help answered


async def _last_seq(control: SandboxControl, chat: int) -> int:
    entries = await control.transcript(chat)
    bot_entries = [int(e["seq"]) for e in entries if e["from"]["is_bot"]]
    return max(bot_entries, default=0)


def _help_update(update_id: int, user_id: int) -> dict[str, Any]:
    person = {"id": user_id, "is_bot": False, "first_name": "Ana", "language_code": "en"}
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": 1_800_000_000, "text": "/help",
        "chat": {"id": user_id, "type": "private", "first_name": "Ana"}, "from": person,
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}


async def test_stored_but_unhandled_update_is_handled_at_the_next_start(
        sandbox: SandboxServer, settings: Settings, clock: FakeClock) -> None:
    from bot.storage.db import create_engine
    from bot.storage.uow import UnitOfWorkFactory

    inbox = InboxRow.__table__
    async with SandboxControl(sandbox.base_url) as control:
        ana = await control.create_user("Ana", "en")
        engine = create_engine(settings.database_url)
        async with UnitOfWorkFactory(engine)() as uow:  # the webhook stored it, then a crash
            await uow.conn.execute(insert(inbox).values(  # type: ignore[arg-type]
                update_id=555_001, received_at=clock.now(),
                payload=json.dumps(_help_update(555_001, ana)), handled_at=None))
            await uow.commit()
        await engine.dispose()
        async with bot_running(settings, clock) as running:
            await control.wait_for(ana, lambda e: HELP in (e.get("text") or ""), WAIT)
            await _settle(running)
            async with running.app.uow_factory() as uow:
                handled = (await uow.conn.execute(select(inbox.c.handled_at).where(
                    inbox.c.update_id == 555_001))).scalar_one()
        assert handled is not None
        assert await _bot_messages(control, ana) == 1


async def _received(running: Running, update_id: int) -> datetime | None:
    inbox = InboxRow.__table__
    async with running.app.uow_factory() as uow:
        found: datetime | None = (await uow.conn.execute(select(inbox.c.received_at).where(
            inbox.c.update_id == update_id))).scalar_one_or_none()
        return found


async def test_ids_older_than_the_retention_are_forgotten_and_handled_again(
        sandbox: SandboxServer, settings: Settings, clock: FakeClock) -> None:
    """The runner's pruner keeps 72 h of update ids: an older one coming back (a replay after
    a long outage) is answered again, a recent one is still a repeat."""
    often = settings.model_copy(update={"inbox_prune_interval_seconds": 0.02})
    async with SandboxControl(sandbox.base_url) as control:
        ana = await control.create_user("Ana", "en")
        async with bot_running(often, clock) as running:
            old = await _help(sandbox, control, running, ana)
            clock.advance(timedelta(hours=71))
            recent = await _help(sandbox, control, running, ana)
            pruned_at = clock.advance(timedelta(hours=2))  # old: 73 h, recent: 2 h
            assert running.pruner is not None
            await asyncio.wait_for(running.pruner.wait_runs(running.pruner.runs + 2), WAIT)
            assert await _received(running, old) is None
            kept = await _received(running, recent)
            before, seen = await _bot_messages(control, ana), await _last_seq(control, ana)
            await control.redeliver(recent)
            await control.redeliver(old)
            # The old one's answer first: else the next /help's wait could take it for its own.
            await control.wait_for(ana, lambda e: HELP in (e.get("text") or ""), WAIT, after=seen)
            await _help(sandbox, control, running, ana)
            assert await _bot_messages(control, ana) == before + 2  # the old one, and the new
            again = await _received(running, old)
            assert again is not None and again >= pruned_at  # recorded again
            assert await _received(running, recent) == kept


async def _help(sandbox: SandboxServer, control: SandboxControl, running: Running,
                ana: int) -> int:
    """Ana sends /help and the bot answers; returns the update's id."""
    seen = await _last_seq(control, ana)
    await control.post(ana, ana, "/help")
    await control.wait_for(ana, lambda e: HELP in (e.get("text") or ""), WAIT, after=seen)
    await _settle(running)
    return max(sandbox.state.primary_bot().updates.history)
