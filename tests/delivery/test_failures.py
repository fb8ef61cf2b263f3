"""429s, 5xx and network errors, give-up, 403 and migration."""

from __future__ import annotations

from itertools import pairwise

import pytest

from bot.clock import FakeClock
from bot.core.events import EditMessage, Ref, SendMessage
from bot.delivery.sender import OutboxSender
from bot.delivery.transport import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NotModified,
    RetryAfter,
    TransientError,
)
from bot.metrics import Metrics
from bot.storage.outbox import SqlOutbox
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.conftest import delivery_config
from tests.delivery.fakes import FakeTimer, FakeTransport
from tests.delivery.helpers import add_order, count, enqueue, order_chat, rows

GROUP, OTHER, PRIVATE = -100, -200, 42


@pytest.mark.parametrize("seconds", [1, 5, 30])
async def test_chat_429_storm_is_waited_out(
        seconds: int, sender: OutboxSender, transport: FakeTransport, timer: FakeTimer,
        uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    transport.fail(GROUP, *[RetryAfter(seconds, GROUP) for _ in range(3)])
    await enqueue(uow_factory, clock, SendMessage(GROUP, "a"), SendMessage(GROUP, "b"),
                  SendMessage(PRIVATE, "p"))
    await sender.flush()
    group = [a for a in transport.attempts if a.effect.chat_id == GROUP]  # type: ignore[union-attr]
    assert [a.error is None for a in group] == [False, False, False, True, True]
    for before, after in pairwise(group[:4]):
        assert after.at - before.at >= seconds - 1e-3  # nothing sent to that chat before the time
    assert [a.effect.text for a in transport.sent_to(GROUP)] == ["a", "b"]  # type: ignore[union-attr]
    assert transport.sent_to(PRIVATE)[0].at < seconds  # other chats were not held up
    outbox = await rows(uow_factory)
    assert {r["state"] for r in outbox} == {"sent"}
    assert outbox[0]["attempts"] == 0  # a 429 is not a failure
    assert count(sender.metrics, "responses_429") == 3


async def test_a_429_bound_to_no_chat_pauses_every_chat(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    transport.fail(GROUP, RetryAfter(30))  # a transport that could not tell the chat
    await enqueue(uow_factory, clock, SendMessage(GROUP, "a"), SendMessage(PRIVATE, "p"))
    await sender.flush()
    [first_429] = [a.at for a in transport.attempts if a.error is not None]
    assert all(a.at - first_429 >= 30 - 1e-3 for a in transport.performed if a.at > first_429)
    assert transport.sent_to(GROUP)[0].at - first_429 >= 30 - 1e-3


async def test_429s_from_two_chats_at_once_pause_every_chat(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    """Two chats told to wait at once: the bot-wide limit, so a third chat waits too."""
    transport.fail(GROUP, RetryAfter(20, GROUP))
    transport.fail(OTHER, RetryAfter(20, OTHER))
    await enqueue(uow_factory, clock, SendMessage(GROUP, "g"), SendMessage(OTHER, "o"),
                  *[SendMessage(PRIVATE, f"p{i}") for i in range(4)])
    await sender.flush()
    second_429 = max(a.at for a in transport.attempts if a.error is not None)
    private = [a.at - second_429 for a in transport.sent_to(PRIVATE)]
    assert len(private) == 4
    assert not [t for t in private if 0 < t < 20 - 1e-3], private  # nothing during the pause
    assert {r["state"] for r in await rows(uow_factory)} == {"sent"}


async def test_transient_errors_are_retried_with_backoff(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    transport.fail(GROUP, TransientError("502 Bad Gateway"), TransientError("timeout"),
                   TransientError("503"))
    await enqueue(uow_factory, clock, SendMessage(GROUP, "a"), SendMessage(GROUP, "b"))
    await sender.flush()
    times = [a.at for a in transport.attempts]
    gaps = [b - a for a, b in pairwise(times[:4])]
    assert gaps[0] >= 0.8 and gaps[1] >= 1.6 and gaps[2] >= 3.2  # 1 s doubling, with jitter
    assert [a.effect.text for a in transport.performed] == ["a", "b"]  # type: ignore[union-attr]
    [first, _] = await rows(uow_factory)
    assert first["state"] == "sent" and first["attempts"] == 3
    assert count(sender.metrics, "messages_retried") == 3


async def test_gives_up_after_max_attempts_with_the_reason(
        uow_factory: UnitOfWorkFactory, transport: FakeTransport, clock: FakeClock,
        timer: FakeTimer) -> None:
    sender = OutboxSender(SqlOutbox(uow_factory), transport, clock,
                          delivery_config(outbox_max_attempts=4), timer=timer, metrics=Metrics())
    transport.fail(GROUP, *[TransientError("500 Internal Server Error")] * 10)
    await enqueue(uow_factory, clock, SendMessage(GROUP, "a"), SendMessage(GROUP, "b"))
    await sender.flush()
    first, second = await rows(uow_factory)
    assert first["state"] == "failed"
    assert first["outcome_reason"] == (
        "gave up after 4 attempts: TransientError: 500 Internal Server Error")
    assert len(transport.attempts) == 4 + 4  # then "b" tries, and fails, as often
    assert second["state"] == "failed" and transport.performed == []
    assert count(sender.metrics, "messages_failed") == 2


async def test_bad_request_gives_up_and_not_modified_counts_as_sent(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    transport.fail(GROUP, BadRequest("message text is empty"), NotModified("not modified"))
    await enqueue(uow_factory, clock, SendMessage(GROUP, ""),
                  EditMessage(GROUP, "same", message_id=5))
    await sender.flush()
    bad, same = await rows(uow_factory)
    assert (bad["state"], bad["outcome_reason"]) == ("failed", "bad request: message text is empty")
    assert same["state"] == "sent"


async def test_forbidden_ends_deliveries_and_tells_once(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock, lost: list[tuple[int, str]]) -> None:
    order_id = await add_order(uow_factory, GROUP, clock.now())
    transport.fail(GROUP, Forbidden("bot was kicked from the group chat"))
    await enqueue(uow_factory, clock, *[SendMessage(GROUP, str(i)) for i in range(3)],
                  SendMessage(PRIVATE, "p"))
    await sender.flush()
    await enqueue(uow_factory, clock, SendMessage(GROUP, "later"))
    await sender.flush()
    assert transport.sent_to(GROUP) == []
    assert lost == [(GROUP, "forbidden: bot was kicked from the group chat")]
    outbox = [r for r in await rows(uow_factory) if r["chat_id"] == GROUP]
    assert {r["state"] for r in outbox} == {"failed"}
    assert all(r["outcome_reason"].startswith(("forbidden: ", "chat inactive: forbidden"))
               for r in outbox)
    async with uow_factory() as uow:
        assert not await uow.chats.is_active(GROUP)
    assert await order_chat(uow_factory, order_id) == (GROUP, False)
    assert len(transport.sent_to(PRIVATE)) == 1


async def test_migration_moves_the_order_and_pending_rows(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    new_id = -1001234
    order_id = await add_order(uow_factory, GROUP, clock.now())
    transport.fail(GROUP, ChatMigrated(new_id))
    card = Ref("card", order_id)
    await enqueue(uow_factory, clock, SendMessage(GROUP, "card", ref=card),
                  EditMessage(GROUP, "card v2", ref=card), SendMessage(GROUP, "after"))
    await sender.flush()
    assert [a.effect.text for a in transport.sent_to(new_id)] == [  # type: ignore[union-attr]
        "card", "card v2", "after"]
    assert {r["chat_id"] for r in await rows(uow_factory)} == {new_id}
    assert await order_chat(uow_factory, order_id) == (new_id, True)
    async with uow_factory() as uow:
        assert (await uow.refs.latest(card) or (0, 0))[0] == new_id
    await enqueue(uow_factory, clock, SendMessage(GROUP, "queued late for the old id"))
    await sender.flush()
    assert transport.sent_to(new_id)[-1].effect.text == "queued late for the old id"  # type: ignore[union-attr]
