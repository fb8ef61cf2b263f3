"""Acceptance (issue 5): a note scheduled for a date is posted on that date after the bot was
stopped across it. The real app (`bot.runner.start`, each framework, polling) against the
sandbox, on SQLite and PostgreSQL: notes are scheduled through the chat, the bot is stopped,
the clock moves ten days, a new bot starts on the same database, and every overdue item is
posted once, in due order, by the scheduler's own start-up sweep.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import ClockTimer, FakeClock
from bot.config import Settings
from bot.runner import Running, start
from bot.sandbox.control import SandboxControl
from bot.sandbox.server import SandboxServer
from bot.storage.models import OutboxRow
from tests.e2e.test_order_thread import Thread, reply, set_status, step
from tests.e2e.world import Entry, World

pytestmark = pytest.mark.e2e
WAIT = 20.0
REMINDER = "a friendly reminder"
NOTES = {2: "Luis, the bathroom tap is fixed. Tell me how it works after a week!",
         3: "Luis, thank you for the boiler job. Tell me if anything needs fixing."}


@pytest.fixture
def database_url(db_url: str) -> str:
    """A migrated database of this test's own, on SQLite and on PostgreSQL (tests/conftest)."""
    return db_url


@asynccontextmanager
async def bot_world(control: SandboxControl, sandbox: SandboxServer, settings: Settings,
                    clock: FakeClock) -> AsyncIterator[World]:
    """A bot started like `orderbot run` does, stopped at the end."""
    from bot.app import build_app

    running: Running = await start(settings, clock=clock, mode="polling",
                                   app_factory=lambda s, c: build_app(s, c, ClockTimer(clock)))
    try:
        yield World(control, sandbox, running, clock, settings.framework, "polling")
    finally:
        await running.stop()


async def _order(world: World, number: int, title: str) -> Thread:
    ana = await world.user("Ana", "en", f"ana{number}")
    luis = await world.user("Luis", "en", f"luis{number}")
    group = await world.group(title, [ana, luis])
    await world.say(group, ana, f"/neworder {title}")
    await world.wait_text(group, f"Order #{number}: {title}")
    await step(world, group, luis, "I am the client", "Luis is the client")
    return Thread(group, ana, luis)


def _day(calendar: Entry, order_id: int, day: date) -> str:
    wanted = f"cal:{order_id}:" + day.strftime("%Y%m%d")
    assert any(b.get("data") == wanted for row in calendar["buttons"] for b in row), wanted
    return wanted


async def _on_a_date(world: World, th: Thread, order_id: int, day: date) -> None:
    await set_status(world, th, "Done")
    calendar = await step(world, th.group, th.pro, "Yes, on a date", "Choose the day")
    await step(world, th.group, th.pro, _day(calendar, order_id, day),
               "The review will be requested on", int(calendar["message_id"]))
    prompt = await step(world, th.group, th.pro, "Write my own note", "Write your personal note")
    await reply(world, th.group, th.pro, prompt, NOTES[order_id], "Scheduled: on")


async def _due_at(world: World, order_id: int) -> datetime:
    async with world.app.uow_factory() as uow:
        request = await uow.requests.latest_for(order_id)
    assert request is not None and request.due_at is not None
    return request.due_at


async def _queued_after(world: World, last_id: int) -> list[tuple[int, str]]:
    """The messages queued (chat, kind) after outbox row `last_id`, in the order queued."""
    o = OutboxRow.__table__
    async with world.app.uow_factory() as uow:
        rows = await uow.conn.execute(select(o.c.chat_id, o.c.kind).where(o.c.id > last_id)
                                      .order_by(o.c.id))
        return [(int(chat), str(kind)) for chat, kind in rows]


async def _last_outbox_id(world: World) -> int:
    o = OutboxRow.__table__
    async with world.app.uow_factory() as uow:
        return int((await uow.conn.execute(select(func.max(o.c.id)))).scalar() or 0)


async def _seen(world: World, threads: list[Thread], text: str) -> list[Entry]:
    """The bot's messages in these chats that contain `text`."""
    found = []
    for th in threads:
        found += [e for e in await world.entries(th.group, kinds=("message",))
                  if e["from"]["is_bot"] and text in (e.get("text") or "")]
    return found


def _lag(world: World) -> float:
    for line in world.app.metrics.render().decode().splitlines():
        if line.startswith("orderbot_scheduler_lag_seconds "):
            return float(line.split()[1])
    raise AssertionError("no scheduler lag in /metrics")


async def test_notes_scheduled_for_dates_the_bot_was_down_across_are_posted_once_in_order(
        sandbox: SandboxServer, settings: Settings, clock: FakeClock) -> None:
    async with SandboxControl(sandbox.base_url) as control:
        async with bot_world(control, sandbox, settings, clock) as world:
            asked = await _order(world, 1, "Kitchen tap")  # asked now: reminders from 24 h
            await set_status(world, asked, "Done")
            await step(world, asked.group, asked.pro, "Yes, now", "the client will see")
            await step(world, asked.group, asked.pro, "Use this text", "how would you rate")
            later = await _order(world, 2, "Bathroom tap")
            sooner = await _order(world, 3, "Boiler")
            today = world.clock.now().date()
            await _on_a_date(world, later, 2, today + timedelta(days=4))
            await _on_a_date(world, sooner, 3, today + timedelta(days=2))
            due = {n: await _due_at(world, n) for n in (2, 3)}
            await world.flush()
            threads = [asked, later, sooner]
            before = await _last_outbox_id(world)
            assert await _seen(world, threads, REMINDER) == []
            assert await _seen(world, [later, sooner], "how would you rate the service") == []
        restarted = clock.advance(timedelta(days=10))  # the bot is down across both dates

        async with bot_world(control, sandbox, settings, clock) as world:
            posted = {n: await world.wait_text(th.group, NOTES[n] + "\n", timeout=WAIT)
                      for n, th in ((2, later), (3, sooner))}
            await world.wait_text(asked.group, REMINDER, timeout=WAIT)
            await world.running.app.scheduler.run_due()  # a second sweep finds nothing more
            await world.flush()
            sends = [chat for chat, kind in await _queued_after(world, before) if kind == "send"]
            assert sends == [asked.group, sooner.group, later.group]  # queued in due order
            assert len(await _seen(world, threads, REMINDER)) == 1  # one, not one per missed
            for n in NOTES:
                requests = await _seen(world, threads, "how would you rate the service")
                assert sum(NOTES[n] in e["text"] for e in requests) == 1
                assert posted[n]["buttons"][0][0]["text"] == "1 ⭐"  # with its stars
            assert _lag(world) >= (restarted - due[2]).total_seconds()  # the last one's lateness
