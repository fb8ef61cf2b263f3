"""Nothing is lost when handling fails: a database fault stops intake until it clears (no
update is acknowledged meanwhile, a tap is still answered); an update that fails on its own
is retried, then set aside, its chat told, and it can be listed and run again."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.cli import main
from bot.config import Settings
from bot.frameworks.health import health_status
from bot.services import profiles as profile_service
from tests.e2e.faults import read_only
from tests.e2e.test_order_thread import open_order
from tests.e2e.world import World

pytestmark = pytest.mark.e2e
HELP = "order thread"  # in the English /help text


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"intake_backoff_max_seconds": 0.05}


async def _help_answers(world: World, chat: int) -> int:
    return sum(1 for entry in await world.bot_messages(chat) if HELP in (entry.get("text") or ""))


async def test_updates_sent_while_the_database_is_read_only_are_answered_once_it_clears(
        world: World) -> None:
    await read_only_then_writable(world)


async def read_only_then_writable(world: World) -> None:
    """Three /help while the database is read-only: none answered (and none acknowledged);
    once it is writable again, each answered exactly once."""
    ana = await world.user("Ana", "en")
    with read_only(world.app.uow_factory) as fault:
        for _ in range(3):
            await world.say(ana, ana, "/help")
        for _ in range(100):
            if world.app.outage.stopped:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # several more tries (intake_backoff_max_seconds: 0.05)
        assert await _help_answers(world, ana) == 0
        assert world.app.outage.stopped
        fault.clear()
        for _ in range(100):
            if await _help_answers(world, ana) == 3:
                break
            await asyncio.sleep(0.1)
    await world.settle()
    assert await _help_answers(world, ana) == 3
    assert not world.app.outage.stopped


async def test_a_tap_while_the_database_is_read_only_is_answered_at_once(world: World) -> None:
    th = await open_order(world)
    with read_only(world.app.uow_factory) as fault:
        query_id = await world.tap(th.group, th.pro, "Update")
        answer = await world.wait_answer(query_id)
        assert answer["text"] == "Temporarily unavailable: please try again in a minute."
        fault.clear()
        await world.wait_text(th.group, "at what stage is the job?")
    await world.settle()
    asked = [e for e in await world.bot_messages(th.group)
             if "at what stage is the job?" in (e.get("text") or "")]
    assert len(asked) == 1  # handled once, after the fault


@pytest.mark.parametrize("mode", ["polling"])
async def test_health_fails_while_the_database_is_read_only(
        world: World, settings: Settings) -> None:
    ana = await world.user("Ana", "en")
    with read_only(world.app.uow_factory) as fault:
        await world.say(ana, ana, "/help")
        for _ in range(100):
            if world.app.outage.stopped:
                break
            await asyncio.sleep(0.05)
        status, body = await health_status(world.app.uow_factory, world.app.outage)
        assert (status, body["intake"]) == (503, "stopped")
        assert b"orderbot_intake_stopped 1.0" in world.app.metrics.render()
        fault.clear()
        await world.wait_text(ana, HELP)
    status, body = await health_status(world.app.uow_factory, world.app.outage)
    assert (status, body["intake"]) == (200, "running")
    assert b"orderbot_intake_stopped 0.0" in world.app.metrics.render()


async def test_an_update_that_fails_on_its_own_is_set_aside_and_the_chat_told(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    th = await open_order(world)
    mod = await world.user("Mia", "es")
    await world.add_moderator(mod)
    tries = 0

    async def broken(*_args: Any, **_kwargs: Any) -> Any:
        nonlocal tries
        tries += 1
        raise RuntimeError("a bug this update hits")

    monkeypatch.setattr(profile_service, "profile_asked", broken)
    await world.say(th.group, th.client, "/profile")
    await world.wait_text(th.group, "The last action could not be completed")
    assert tries == 4  # the first try and 3 more
    await world.wait_text(mod, "/failed")  # the moderator, in Spanish
    monkeypatch.undo()
    await world.say(th.group, th.client, "/help")  # the chat goes on
    await world.wait_text(th.group, HELP)
    await world.say(mod, mod, "/failed")
    listed = await world.wait_text(mod, "#")
    assert "/profile" in listed["text"] and "RuntimeError: a bug this update hits" in listed["text"]
    monkeypatch.setattr(profile_service, "profile_asked", broken)
    mark = await world.mark(th.group)
    await world.say(th.group, th.client, "/profile")  # a second one within the hour
    await world.wait_text(th.group, "The last action could not be completed", after=mark)
    await world.settle()
    notices = [e for e in await world.bot_messages(th.group)
               if "could not be completed" in (e.get("text") or "")]
    told = [e for e in await world.bot_messages(mod) if "/failed" in (e.get("text") or "")]
    assert (len(notices), len(told)) == (2, 1)  # the moderators, once an hour at most


@pytest.mark.parametrize("mode", ["polling"])
async def test_the_operator_lists_and_runs_again_what_was_set_aside(
        world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    th = await open_order(world)

    async def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("a bug this update hits")

    with monkeypatch.context() as patched:
        patched.setattr(profile_service, "profile_asked", broken)
        await world.say(th.group, th.client, "/profile")
        await world.wait_text(th.group, "The last action could not be completed")
    update_id = world.last_update_id()
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", settings.database_url)
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["updates", "--failed"]) == 0
    listed = capsys.readouterr().out
    assert "updates set aside: 1" in listed
    assert f"{update_id} " in listed and "/profile" in listed
    assert "RuntimeError: a bug this update hits" in listed
    mark = await world.mark(th.group)
    assert await asyncio.to_thread(main, ["updates", "--retry", "all"]) == 0
    assert f"{update_id}: handled" in capsys.readouterr().out
    answer = await world.wait_text(th.group, "", after=mark, timeout=15)
    assert "could not be completed" not in answer["text"]
    assert await asyncio.to_thread(main, ["updates", "--retry", str(update_id)]) == 2


@pytest.mark.parametrize("mode", ["polling"])
async def test_an_update_the_framework_cannot_read_is_set_aside_and_the_next_goes_on(
        world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        settings: Settings) -> None:
    adapter = "bot.frameworks.aiogram" if world.framework == "aiogram" else "bot.frameworks.ptb"

    def unreadable(*_args: Any) -> Any:
        raise ValueError("a field this version does not know")

    ana = await world.user("Ana", "en")
    with monkeypatch.context() as patched:
        patched.setattr(f"{adapter}.event_from_update", unreadable)
        await world.say(ana, ana, "/help")
        update_id = world.last_update_id()
        for _ in range(100):
            if update_id in await world.inbox_ids():
                break
            await asyncio.sleep(0.05)
    await world.say(ana, ana, "/help")
    await world.wait_text(ana, HELP)
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", settings.database_url)
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["updates", "--failed"]) == 0
    listed = capsys.readouterr().out
    assert f"{update_id} " in listed and "unreadable update" in listed
    assert "ValueError: a field this version does not know" in listed
