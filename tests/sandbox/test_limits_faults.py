"""Flood limits with the injected clock (no sleeping) and the fault switches."""

from __future__ import annotations

import aiohttp
import pytest

from bot.sandbox.control import SandboxControl, SandboxControlError
from tests.sandbox.helpers import BotApi, FakeClock


async def test_limits_off_by_default(api: BotApi, control: SandboxControl) -> None:
    user = await control.create_user("Ana")
    for _ in range(10):
        assert (await api("sendMessage", chat_id=user, text="x")).status == 200


async def test_private_chat_one_per_second_after_burst(
    api: BotApi, control: SandboxControl, clock: FakeClock
) -> None:
    await control.set_limits(True)
    user = await control.create_user("Ana")
    for _ in range(3):
        assert (await api("sendMessage", chat_id=user, text="x")).status == 200
    limited = await api("sendMessage", chat_id=user, text="x")
    assert limited.body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    clock.advance(1.0)
    assert (await api("sendMessage", chat_id=user, text="x")).status == 200
    assert (await control.stats())["too_many_requests"] == 1


async def test_group_twenty_per_minute_counts_edits(
    api: BotApi, control: SandboxControl, clock: FakeClock
) -> None:
    await control.set_limits(True)
    user = await control.create_user("Ana")
    chat = await control.create_chat(members=[user])
    mid = (await api("sendMessage", chat_id=chat, text="0")).result["message_id"]
    for n in range(1, 20):
        clock.advance(0.1)
        assert (
            await api("editMessageText", chat_id=chat, message_id=mid, text=str(n))
        ).status == 200
    limited = await api("sendMessage", chat_id=chat, text="x")
    assert limited.status == 429
    assert limited.body["parameters"]["retry_after"] == 59
    clock.advance(59)
    assert (await api("sendMessage", chat_id=chat, text="x")).status == 200


async def test_thirty_per_second_overall(
    api: BotApi, control: SandboxControl, clock: FakeClock
) -> None:
    await control.set_limits(True)
    users = [await control.create_user(f"U{n}") for n in range(31)]
    for user in users[:30]:
        assert (await api("sendMessage", chat_id=user, text="x")).status == 200
    assert (await api("sendMessage", chat_id=users[30], text="x")).status == 429
    clock.advance(1.0)
    assert (await api("sendMessage", chat_id=users[30], text="x")).status == 200


@pytest.mark.parametrize(
    ("kind", "status", "description"),
    [("500", 500, "Internal Server Error"), ("502", 502, "Bad Gateway")],
)
async def test_server_errors(
    api: BotApi, control: SandboxControl, kind: str, status: int, description: str
) -> None:
    user = await control.create_user("Ana")
    await control.inject_fault(kind, count=2, method="sendMessage")
    assert (await api("getMe")).status == 200
    for _ in range(2):
        answer = await api("sendMessage", chat_id=user, text="x")
        assert (answer.status, answer.description) == (status, description)
    assert (await api("sendMessage", chat_id=user, text="x")).status == 200
    sent = [e for e in await control.transcript(user) if e["kind"] == "message"]
    assert len(sent) == 1


async def test_fault_429_for_one_chat(api: BotApi, control: SandboxControl) -> None:
    ana, bea = await control.create_user("Ana"), await control.create_user("Bea")
    await control.inject_fault("429", chat_id=bea, retry_after=7)
    assert (await api("sendMessage", chat_id=ana, text="x")).status == 200
    answer = await api("sendMessage", chat_id=bea, text="x")
    assert answer.body["parameters"] == {"retry_after": 7}
    assert answer.description == "Too Many Requests: retry after 7"


@pytest.mark.parametrize("performed", [False, True])
async def test_drop_connection(api: BotApi, control: SandboxControl, performed: bool) -> None:
    user = await control.create_user("Ana")
    await control.inject_fault("drop", method="sendMessage", performed=performed)
    with pytest.raises(aiohttp.ClientError):
        await api("sendMessage", chat_id=user, text="maybe")
    sent = [e["text"] for e in await control.transcript(user) if e["kind"] == "message"]
    assert sent == (["maybe"] if performed else [])


async def test_unknown_fault_kind(control: SandboxControl) -> None:
    with pytest.raises(SandboxControlError):
        await control.inject_fault("418")
