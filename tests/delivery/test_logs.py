"""What an operator reads when a message is given up or a chat is lost: the JSON log line
carries the outbox row, the chat and the order it was about."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.core.events import SendMessage
from bot.delivery.sender import OutboxSender
from bot.delivery.transport import BadRequest, Forbidden, TransientError
from bot.logging_setup import JsonFormatter
from bot.metrics import Metrics
from bot.storage.outbox import SqlOutbox
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.conftest import delivery_config
from tests.delivery.fakes import FakeTimer, FakeTransport
from tests.delivery.helpers import enqueue

GROUP, OTHER, PRIVATE = -100, -200, 42


def warnings_json(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """The delivery warnings, each as the JSON line `orderbot --log-json` would print."""
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records
            if r.name == "orderbot.delivery" and r.levelno >= logging.WARNING]


async def test_give_up_and_lost_chat_warnings_name_the_order(
        uow_factory: UnitOfWorkFactory, transport: FakeTransport, clock: FakeClock,
        timer: FakeTimer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="orderbot")
    sender = OutboxSender(SqlOutbox(uow_factory), transport, clock,
                          delivery_config(outbox_max_attempts=2), timer=timer, metrics=Metrics())
    transport.fail(GROUP, BadRequest("message text is empty"))
    transport.fail(OTHER, TransientError("502 Bad Gateway"), TransientError("502 Bad Gateway"))
    transport.fail(PRIVATE, Forbidden("bot was blocked by the user"))
    [bad, flaky, _] = await enqueue(
        uow_factory, clock, SendMessage(GROUP, "", order_id=7),
        SendMessage(OTHER, "hello", order_id=8), SendMessage(PRIVATE, "hi", order_id=9))
    await sender.flush()
    lines = {line["chat_id"]: line for line in warnings_json(caplog)}
    assert lines[GROUP]["order_id"] == 7 and lines[GROUP]["outbox_id"] == bad
    assert "bad request: message text is empty" in lines[GROUP]["message"]
    assert lines[OTHER]["order_id"] == 8 and lines[OTHER]["outbox_id"] == flaky
    assert "gave up after 2 attempts" in lines[OTHER]["message"]
    assert lines[PRIVATE]["order_id"] == 9 and lines[PRIVATE]["level"] == "WARNING"
    assert "lost: forbidden: bot was blocked by the user" in lines[PRIVATE]["message"]


async def test_a_row_without_an_order_logs_none(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="orderbot")
    transport.fail(PRIVATE, BadRequest("chat not found"))
    await enqueue(uow_factory, clock, SendMessage(PRIVATE, "welcome"))
    await sender.flush()
    [line] = warnings_json(caplog)
    assert line["chat_id"] == PRIVATE and "order_id" not in line
