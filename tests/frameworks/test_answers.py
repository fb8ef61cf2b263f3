"""Callback answers go out in the background: the next update does not wait for the last
one's round trip, a failed answer is logged and dropped, and closing waits for those left."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.core.events import AnswerCallback, ChatEvent, Effect, EventKind, Person
from bot.delivery.transport import BadRequest
from bot.frameworks.answers import CallbackAnswers
from bot.frameworks.base import Immediate, handle_event


class GatedTransport:
    """Answers wait at a gate (a slow Telegram); `fail` names the callback ids refused."""

    def __init__(self, fail: frozenset[str] = frozenset()) -> None:
        self.gate = asyncio.Event()
        self.started: list[str] = []
        self.done: list[str] = []
        self.fail = fail

    async def perform(self, effect: Effect) -> int | None:
        assert isinstance(effect, AnswerCallback)
        self.started.append(effect.callback_id)
        await self.gate.wait()
        if effect.callback_id in self.fail:
            raise BadRequest("query is too old")
        self.done.append(effect.callback_id)
        return None


def tap(update_id: int) -> ChatEvent:
    return ChatEvent(update_id=update_id, kind=EventKind.CALLBACK, chat_id=-100,
                     chat_type="group", user=Person(id=7, name="Ana"),
                     callback_id=f"cb{update_id}", callback_data="x:1")


async def answer_each(event: ChatEvent) -> list[AnswerCallback]:
    return [AnswerCallback(event.callback_id or "", "ok")]


async def test_the_next_update_is_handled_while_an_answer_is_on_its_way() -> None:
    transport = GatedTransport()
    answers = CallbackAnswers(transport)
    await asyncio.wait_for(handle_event(tap(1), Immediate(answer_each), answers), timeout=2)
    await asyncio.wait_for(handle_event(tap(2), Immediate(answer_each), answers), timeout=2)
    assert transport.started == ["cb1", "cb2"]  # both sent, neither answered yet
    assert transport.done == []
    transport.gate.set()
    await answers.drain()
    assert transport.done == ["cb1", "cb2"]


async def test_a_refused_answer_is_logged_and_the_others_still_go(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="orderbot.frameworks")
    transport = GatedTransport(fail=frozenset({"cb1"}))
    transport.gate.set()
    answers = CallbackAnswers(transport)
    await handle_event(tap(1), Immediate(answer_each), answers)
    await handle_event(tap(2), Immediate(answer_each), answers)
    await answers.drain()
    assert transport.done == ["cb2"]
    refused = [r for r in caplog.records if "callback answer failed" in r.getMessage()]
    assert [getattr(r, "update_id", None) for r in refused] == [1]


async def test_closing_waits_for_the_answers_still_in_flight() -> None:
    transport = GatedTransport()
    answers = CallbackAnswers(transport)
    await handle_event(tap(1), Immediate(answer_each), answers)
    asyncio.get_running_loop().call_later(0.05, transport.gate.set)
    await answers.drain()
    assert transport.done == ["cb1"]
