"""The marketplace hook's sender: each event posted signed, once it is taken; retried with
backoff (or after Retry-After) with the same bytes; given up and kept after the maximum
age; an order's events in order, other orders not held back; a claim left by a killed process
runs out; nothing recorded without a hook. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from bot.clock import FakeClock
from bot.config import Settings
from bot.delivery.hooks import CLAIM_MARGIN_S, HookSender
from bot.domain.events import DomainEvent, RefundBecameEligible, RefundDecided, RefundWithdrawn
from bot.domain.order import NotGoingAheadReason, Order, Status
from bot.metrics import Metrics
from bot.services import hooks
from bot.services.published import publish
from bot.storage.hook_repos import SqlHookEvents
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.helpers import count
from tests.hook_receiver import HookReceiver, Received
from tests.storage.factories import hook_rows

SECRET = "s3cret-hook"
S = timedelta(seconds=1)
# The test's running hook senders: woken once an event for them is committed, as the app's are.
SENDERS: list[HookSender] = []


def _settings(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"hook_url": url, "hook_secret": SECRET,
                              "hook_timeout_seconds": 2.0, **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def make_sender(uow_factory: UnitOfWorkFactory, clock: FakeClock, receiver: HookReceiver
                      ) -> AsyncIterator[Any]:
    made = SENDERS

    async def make(url: str | None = None, run: bool = False, **overrides: Any) -> HookSender:
        """A sender; `run`: posting by itself in the background (else call `run_once`)."""
        sender = HookSender(SqlHookEvents(uow_factory), clock,
                            _settings(url or receiver.url, **overrides), Metrics())
        if run:
            await sender.start()
        made.append(sender)
        return sender
    yield make
    for sender in made:
        await sender.stop()
    made.clear()


async def _eligible_order(uow_factory: UnitOfWorkFactory, clock: FakeClock,
                          chat_id: int = -100) -> Order:
    order = Order(chat_id=chat_id, title="Grifo de la cocina", pro_id=1001, language="es",
                  timezone="Europe/Madrid", created_at=clock.now() - timedelta(days=3),
                  included_revisions=2, client_id=2002, status=Status.NOT_GOING_AHEAD,
                  not_going_ahead_reason=NotGoingAheadReason.NO_ANSWER,
                  refund_wait_started_at=clock.now() - timedelta(hours=48),
                  refund_eligible_at=clock.now())
    async with uow_factory() as uow:
        await uow.orders.add(order)
        await uow.commit()
    return order


def _event(order: Order, name: str, clock: FakeClock) -> DomainEvent:
    """The domain event a change to `order` records, for the hook event `name`."""
    order_id, now = order.id, clock.now()
    return {hooks.REFUND_ELIGIBLE: RefundBecameEligible(order_id, now),
            hooks.REFUND_DECIDED: RefundDecided(order_id, 7, now),
            hooks.REFUND_WITHDRAWN: RefundWithdrawn(order_id, 7, now)}[name]


async def _record(uow_factory: UnitOfWorkFactory, order: Order, clock: FakeClock,
                  event: str = hooks.REFUND_ELIGIBLE, hooked: bool = True) -> None:
    """As the pipeline does after a use case whose change recorded `event`."""
    async with uow_factory() as uow:
        uow.events.append(_event(order, event, clock))
        if (await publish(uow, hooked)).hook_events:
            uow.after_commit(_wake_senders)
        await uow.commit()


def _wake_senders() -> None:
    for sender in SENDERS:
        sender.wake()


async def _rows(uow_factory: UnitOfWorkFactory) -> list[dict[str, Any]]:
    async with uow_factory() as uow:
        return await hook_rows(uow)


async def _until_empty(uow_factory: UnitOfWorkFactory) -> None:
    """The background sender records the delivery just after the hook answers."""
    for _ in range(100):
        if not await _rows(uow_factory):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"still pending: {await _rows(uow_factory)}")


def _signed(received: Received) -> bool:
    expected = hmac.new(SECRET.encode(), received.body, hashlib.sha256).hexdigest()
    return received.headers["X-Orderbot-Signature"] == f"sha256={expected}"


async def test_an_event_is_posted_signed_once_and_then_forgotten(
        make_sender: Any, uow_factory: UnitOfWorkFactory, clock: FakeClock,
        receiver: HookReceiver) -> None:
    sender: HookSender = await make_sender()
    order = await _eligible_order(uow_factory, clock)
    await _record(uow_factory, order, clock)
    assert await sender.run_once() == 1
    [got] = receiver.received
    body = got.json
    assert body["event"] == "refund.eligible" and got.headers["X-Orderbot-Event"] == body["event"]
    assert got.headers["X-Orderbot-Event-Id"] == body["id"] and len(body["id"]) == 32
    assert got.headers["Content-Type"] == "application/json" and _signed(got)
    assert body["occurred_at"] == clock.now().isoformat(timespec="seconds")
    assert body["order"] == {
        "id": order.id, "chat_id": -100, "title": "Grifo de la cocina",
        "status": "not_going_ahead", "pro_id": 1001, "client_id": 2002,
        "not_going_ahead_reason": "no_answer",
        "refund_wait_started_at": (clock.now() - timedelta(hours=48)).isoformat(),
        "refund_eligible_at": clock.now().isoformat(), "refund_decided_at": None}
    assert "Grifo de la cocina" in got.body.decode()  # UTF-8 text, not \u escapes
    assert await _rows(uow_factory) == []
    clock.advance(timedelta(hours=1))
    assert await sender.run_once() == 0 and len(receiver.received) == 1


async def test_nothing_is_recorded_without_a_hook(uow_factory: UnitOfWorkFactory,
                                                  clock: FakeClock) -> None:
    await _record(uow_factory, await _eligible_order(uow_factory, clock), clock, hooked=False)
    assert await _rows(uow_factory) == []


async def test_a_rolled_back_change_leaves_no_event(
        make_sender: Any, uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    await make_sender(run=True)
    order = await _eligible_order(uow_factory, clock)
    async with uow_factory() as uow:
        uow.events.append(_event(order, hooks.REFUND_ELIGIBLE, clock))
        assert (await publish(uow, hooked=True)).hook_events
    assert await _rows(uow_factory) == []


async def test_a_new_event_is_posted_without_waiting_for_the_poll(
        make_sender: Any, uow_factory: UnitOfWorkFactory, clock: FakeClock,
        receiver: HookReceiver) -> None:
    await make_sender(run=True, hook_poll_seconds=3600)
    order = await _eligible_order(uow_factory, clock)
    await _record(uow_factory, order, clock)
    [got] = await receiver.wait_for(1)
    assert got.json["order"]["id"] == order.id
    await _until_empty(uow_factory)


async def test_a_refused_post_is_retried_with_backoff_and_the_same_bytes(
        make_sender: Any, uow_factory: UnitOfWorkFactory, clock: FakeClock,
        receiver: HookReceiver) -> None:
    sender: HookSender = await make_sender(hook_backoff_base_seconds=10)
    receiver.answer_in_turn(500, 502)
    await _record(uow_factory, await _eligible_order(uow_factory, clock), clock)
    assert await sender.run_once() == 1
    [row] = await _rows(uow_factory)
    assert (row["state"], row["attempts"], row["last_error"]) == ("pending", 1, "HTTP 500")
    assert row["next_attempt_at"] == clock.now() + 10 * S
    clock.advance(9 * S)
    assert await sender.run_once() == 0  # not due yet
    clock.advance(1 * S)
    assert await sender.run_once() == 1
    [row] = await _rows(uow_factory)
    assert row["attempts"] == 2 and row["next_attempt_at"] == clock.now() + 20 * S  # doubled
    clock.advance(20 * S)
    assert await sender.run_once() == 1
    assert await _rows(uow_factory) == []
    bodies = {r.body for r in receiver.received}
    assert len(receiver.received) == 3 and len(bodies) == 1 and all(map(_signed,
                                                                        receiver.received))


async def test_retry_after_is_honoured_up_to_the_backoff_cap(
        make_sender: Any, uow_factory: UnitOfWorkFactory, clock: FakeClock,
        receiver: HookReceiver) -> None:
    sender: HookSender = await make_sender(hook_backoff_max_seconds=300)
    receiver.answer_in_turn(429, 503, retry_after="120")
    await _record(uow_factory, await _eligible_order(uow_factory, clock), clock)
    await sender.run_once()
    [row] = await _rows(uow_factory)
    assert row["next_attempt_at"] == clock.now() + 120 * S
    receiver.answer_in_turn(503, retry_after="86400")
    clock.advance(120 * S)
    await sender.run_once()
    [row] = await _rows(uow_factory)
    assert row["next_attempt_at"] == clock.now() + 300 * S


async def test_a_wrong_address_or_a_slow_hook_is_retried(
        make_sender: Any, uow_factory: UnitOfWorkFactory, clock: FakeClock,
        receiver: HookReceiver) -> None:
    misaddressed: HookSender = await make_sender(receiver.url.replace("/hooks/", "/nowhere/"))
    await _record(uow_factory, await _eligible_order(uow_factory, clock), clock)
    assert await misaddressed.run_once() == 1
    [row] = await _rows(uow_factory)
    assert row["state"] == "pending" and row["last_error"].startswith("HTTP 404")

    receiver.delay = 1.0
    slow: HookSender = await make_sender(hook_timeout_seconds=0.2)
    clock.advance(timedelta(minutes=1))
    await slow.run_once()
    [row] = await _rows(uow_factory)
    assert row["attempts"] == 2 and "Timeout" in row["last_error"]


async def test_a_refused_connection_is_retried(
        make_sender: Any, uow_factory: UnitOfWorkFactory, clock: FakeClock) -> None:
    gone = HookReceiver()
    url = await gone.start()
    await gone.stop()
    sender: HookSender = await make_sender(url)
    await _record(uow_factory, await _eligible_order(uow_factory, clock), clock)
    assert await sender.run_once() == 1
    [row] = await _rows(uow_factory)
    assert row["state"] == "pending" and row["last_error"].startswith("ClientConnectorError")


async def test_an_event_is_given_up_after_the_maximum_age_and_kept(
        make_sender: Any, uow_factory: UnitOfWorkFactory, clock: FakeClock,
        receiver: HookReceiver) -> None:
    sender: HookSender = await make_sender(hook_max_age_hours=72)
    receiver.answer = lambda _: (401, {})
    await _record(uow_factory, await _eligible_order(uow_factory, clock), clock)
    for _ in range(3):  # at 0, 30 and 60 hours
        await sender.run_once()
        clock.advance(timedelta(hours=30))
    [row] = await _rows(uow_factory)
    assert row["state"] == "pending"
    await sender.run_once()  # at 90 hours: the last try
    [row] = await _rows(uow_factory)
    assert (row["state"], row["attempts"], row["last_error"]) == ("failed", 4, "HTTP 401")
    assert sender._metrics is not None
    assert count(sender._metrics, "hook_events_failed") == 1
    assert count(sender._metrics, "hook_events_retried") == 3
    clock.advance(timedelta(days=30))
    assert await sender.run_once() == 0 and len(receiver.received) == 4
    async with uow_factory() as uow:
        assert await uow.hooks.counts() == {"pending": 0, "failed": 1}


async def test_an_orders_events_keep_their_order_and_other_orders_do_not_wait(
        make_sender: Any, uow_factory: UnitOfWorkFactory, clock: FakeClock,
        receiver: HookReceiver) -> None:
    sender: HookSender = await make_sender(hook_backoff_base_seconds=60)
    first = await _eligible_order(uow_factory, clock, -1)
    other = await _eligible_order(uow_factory, clock, -2)
    await _record(uow_factory, first, clock)
    await _record(uow_factory, first, clock, hooks.REFUND_DECIDED)
    await _record(uow_factory, other, clock)
    receiver.answer = lambda got: (500 if got.json["order"]["id"] == first.id else 200, {})
    assert await sender.run_once() == 2  # the first order's first event, and the other's
    assert [(r.json["order"]["id"], r.event) for r in receiver.received] == [
        (first.id, "refund.eligible"), (other.id, "refund.eligible")]
    clock.advance(timedelta(minutes=5))
    receiver.answer = lambda _: (200, {})
    assert await sender.run_once() == 1 and await sender.run_once() == 1
    assert [r.event for r in receiver.received[2:]] == ["refund.eligible", "refund.decided"]


async def test_a_claim_left_by_a_killed_process_runs_out(
        make_sender: Any, uow_factory: UnitOfWorkFactory, clock: FakeClock,
        receiver: HookReceiver) -> None:
    sender: HookSender = await make_sender()
    await _record(uow_factory, await _eligible_order(uow_factory, clock), clock)
    async with uow_factory() as uow:  # another process took it, then died while posting
        [event] = await uow.hooks.heads(clock.now(), 8)
        assert await uow.hooks.claim(event.id, clock.now(), clock.now() + 40 * S)
        await uow.commit()
    assert await sender.run_once() == 0
    clock.advance(40 * S)
    assert await sender.run_once() == 1 and len(receiver.received) == 1
    assert CLAIM_MARGIN_S > 0


async def test_pending_events_survive_a_restart(
        make_sender: Any, uow_factory: UnitOfWorkFactory, clock: FakeClock,
        receiver: HookReceiver) -> None:
    before: HookSender = await make_sender()
    receiver.answer_in_turn(500)
    await _record(uow_factory, await _eligible_order(uow_factory, clock), clock)
    await before.run_once()
    clock.advance(timedelta(minutes=5))
    await make_sender(run=True, hook_poll_seconds=0.05)  # the next process picks it up
    received = await receiver.wait_for(2)
    assert received[0].body == received[1].body
    await _until_empty(uow_factory)


def test_the_hook_address_must_be_http() -> None:
    for wrong in ("ftp://example.com/x", "example.com/hooks", "https://"):
        with pytest.raises(ValidationError, match="http"):
            _settings(wrong)
    assert Settings(_env_file=None, hook_url=" ").hook_url is None  # type: ignore[call-arg]
    assert _settings("https://shop.example/hooks").hook_url == "https://shop.example/hooks"


def test_the_payload_is_compact_json_with_utc_times() -> None:
    madrid = datetime(2027, 3, 1, 10, 30, tzinfo=UTC)
    order = Order(chat_id=-5, title="تركيب", pro_id=1, language="ar", timezone="Asia/Riyadh",
                  created_at=madrid, included_revisions=2, id=9, status=Status.IN_PROGRESS)
    body = hooks.payload("ab" * 16, hooks.REFUND_WITHDRAWN, order, madrid, by=1)
    assert " " not in body and "تركيب" in body
    assert json.loads(body) == {
        "id": "ab" * 16, "event": "refund.withdrawn", "occurred_at": "2027-03-01T10:30:00+00:00",
        "by": 1, "order": {"id": 9, "chat_id": -5, "title": "تركيب", "status": "in_progress",
                           "pro_id": 1, "client_id": None, "not_going_ahead_reason": None,
                           "refund_wait_started_at": None, "refund_eligible_at": None,
                           "refund_decided_at": None}}
