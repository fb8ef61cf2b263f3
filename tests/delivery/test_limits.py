"""Telegram's limits, in fake time: the sender never causes a 429 itself."""

from __future__ import annotations

import asyncio
import random

import pytest

from bot.clock import FakeClock
from bot.core.events import SendMessage
from bot.delivery.limits import (
    CLOCK_MARGIN,
    GROUP_WINDOW_MARGIN,
    ChatLimits,
    Departure,
    LocalGlobalLimiter,
    Slots,
)
from bot.delivery.sender import OutboxSender
from bot.storage.uow import UnitOfWorkFactory
from tests.delivery.fakes import FakeTimer, FakeTransport, max_in_window
from tests.delivery.helpers import enqueue, rows

GROUP, PRIVATE = -100, 42


async def test_a_group_gets_at_most_20_a_minute(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    await enqueue(uow_factory, clock, *[SendMessage(GROUP, str(i)) for i in range(45)])
    await sender.flush()
    times = [a.at for a in transport.sent_to(GROUP)]
    assert len(times) == 45
    assert max_in_window(times, 60.0) <= 20
    assert max_in_window(times, 1.0) <= 1
    assert [a.effect.text for a in transport.performed] == [str(i) for i in range(45)]  # type: ignore[union-attr]
    assert times[-1] < 150  # and no slower than it must be


async def test_a_private_chat_gets_at_most_one_a_second(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    await enqueue(uow_factory, clock, *[SendMessage(PRIVATE, str(i)) for i in range(10)])
    await sender.flush()
    times = [a.at for a in transport.sent_to(PRIVATE)]
    assert len(times) == 10
    assert max_in_window(times, 1.0) <= 1


async def test_the_bot_sends_at_most_30_a_second(
        sender: OutboxSender, transport: FakeTransport, uow_factory: UnitOfWorkFactory,
        clock: FakeClock) -> None:
    await enqueue(uow_factory, clock, *[SendMessage(1000 + i, "hi") for i in range(120)])
    await sender.flush()
    times = [a.at for a in transport.performed]
    assert len(times) == 120
    assert max_in_window(times, 1.0) <= 30
    assert {r["state"] for r in await rows(uow_factory)} == {"sent"}


def test_chat_limiters_are_a_bounded_lru(clock: FakeClock) -> None:
    limits = ChatLimits(FakeTimer(clock), max_chats=100)
    first = limits.for_chat(1)
    for chat_id in range(2, 300):
        limits.for_chat(chat_id)
        limits.for_chat(1)  # kept: recently used
    assert len(limits) == 100
    assert limits.for_chat(1) is first


# -- counted from the answers (Telegram counts arrivals, somewhere between leave and answer) --

def test_a_chats_spacing_counts_from_the_answer(timer: FakeTimer) -> None:
    chat = ChatLimits(timer).for_chat(PRIVATE)
    chat.take()  # leaves at 0
    timer.advance_to(0.7)
    assert chat.delay() > 0  # on its way: when it arrives is not known yet
    chat.done()  # answered at 0.7: it arrived at 0.7 at the latest
    assert chat.delay() == pytest.approx(1.0 + CLOCK_MARGIN)
    timer.advance_to(1.7 + CLOCK_MARGIN)
    assert chat.delay() == 0


def test_a_groups_minute_counts_from_the_answers(timer: FakeTimer) -> None:
    limits = ChatLimits(timer)
    group = limits.for_chat(GROUP)
    answers = []
    for _ in range(20):
        timer.advance_to(timer.now + group.delay())
        limits.take(GROUP, group)
        timer.advance_to(timer.now + 0.5)  # half a second on the way
        group.done()
        answers.append(timer.now)
    assert group.delay() == pytest.approx(answers[0] + 60 + GROUP_WINDOW_MARGIN - timer.now)
    assert limits.cooling()[GROUP] == pytest.approx(group.delay())


async def test_the_bot_window_counts_from_the_answers(timer: FakeTimer) -> None:
    limiter = LocalGlobalLimiter(timer, 30)
    first = await limiter.acquire()
    first.answered(first.left_at + 0.5)  # half a second on the way
    for _ in range(29):
        departure = await limiter.acquire()
        departure.answered(departure.left_at + 0.5)
    thirty_first = await limiter.acquire()
    assert thirty_first.left_at >= first.left_at + 0.5 + 1.0 + CLOCK_MARGIN - 1e-9


async def test_the_bot_never_has_31_arrivals_in_a_second_whatever_the_latency(
        timer: FakeTimer) -> None:
    limiter = LocalGlobalLimiter(timer, 30)
    rng = random.Random(7)
    departures: list[Departure] = []
    pending: list[tuple[float, float]] = []  # (arrival, answer) of each
    for _ in range(300):
        for (_, answer), d in zip(pending, departures, strict=True):
            if d.answered_at is None and answer <= timer.now:
                d.answered(answer)
        departure = await limiter.acquire()
        there = rng.uniform(0.0, 0.3) if rng.random() < 0.9 else rng.uniform(0.3, 0.9)
        arrival = departure.left_at + there
        pending.append((arrival, arrival + rng.uniform(0.0, 0.05)))
        departures.append(departure)
        timer.advance_to(timer.now + rng.uniform(0.0, 0.004))  # a busy event loop
    arrivals = [arrival for arrival, _ in pending]
    assert max_in_window(arrivals, 1.0) <= 30
    assert max_in_window([d.left_at for d in departures], 1.0) <= 30


async def test_a_hung_request_takes_one_place_not_the_whole_window(timer: FakeTimer) -> None:
    limiter = LocalGlobalLimiter(timer, 30)
    await limiter.acquire()  # never answered: it may reach Telegram any time
    left = []
    for _ in range(120):
        departure = await limiter.acquire()
        departure.answered(timer.now)
        left.append(departure.left_at)
    assert max_in_window(left, 1.0) <= 29  # the hung one counted in every second
    assert left[-1] < 120 / 29 * (1.0 + CLOCK_MARGIN) + 0.1  # the rest go on at 29 a second


async def test_late_sends_are_made_up_without_more_than_30_a_second(timer: FakeTimer) -> None:
    """Evenly spaced, but a send the event loop let out late is followed by sooner ones, so
    the bot keeps its 30 a second on average instead of losing each delay."""
    limiter = LocalGlobalLimiter(timer, 30)
    rng = random.Random(3)
    left = []
    for _ in range(300):
        departure = await limiter.acquire()
        departure.answered(timer.now + 0.002)
        left.append(departure.left_at)
        timer.advance_to(timer.now + rng.uniform(0.0, 0.006))  # woke up late
    assert max_in_window(left, 1.0) <= 30
    assert left[-1] < 299 / 30 * 1.01 + 0.05


def test_chats_held_back_are_cooling_until_their_limit_frees(timer: FakeTimer) -> None:
    limits = ChatLimits(timer)
    for chat_id in (1, 2):
        limiter = limits.for_chat(chat_id)
        limits.take(chat_id, limiter)
        limiter.done()
        timer.advance_to(0.5)
    assert limits.cooling() == {1: pytest.approx(0.5 + CLOCK_MARGIN),
                                2: pytest.approx(1.0 + CLOCK_MARGIN)}
    assert limits.cooling(ahead=0.6) == {2: pytest.approx(1.0 + CLOCK_MARGIN)}
    timer.advance_to(1.1)
    assert limits.cooling() == {2: pytest.approx(0.4 + CLOCK_MARGIN)}
    timer.advance_to(2.0)
    assert limits.cooling() == {}


# -- slots: each to the most urgent waiter when it comes ---------------------------------------

async def test_each_slot_goes_to_the_most_urgent_waiter_when_it_comes(timer: FakeTimer) -> None:
    slots = Slots(LocalGlobalLimiter(timer, 10, burst=1), timer)
    order: list[tuple[str, float]] = []

    async def want(name: str, urgency: float) -> None:
        departure = await slots.next(urgency)
        order.append((name, round(departure.left_at, 3)))
        if name == "high":  # comes while the others wait: it goes before them all
            await want("later but urgent", 100)

    await asyncio.gather(want("first", 0), want("low", 1), want("high", 64), want("mid", 59),
                         want("mid again", 59))
    assert order == [("high", 0.0), ("later but urgent", 0.1), ("mid", 0.2),
                     ("mid again", 0.3), ("low", 0.4), ("first", 0.5)]


async def test_a_waiter_that_goes_away_leaves_the_others_their_slots(timer: FakeTimer) -> None:
    slots = Slots(LocalGlobalLimiter(timer, 10, burst=1), timer)
    await slots.next(0)  # the first slot, at 0
    doomed = asyncio.create_task(slots.next(50))
    other = asyncio.create_task(slots.next(1))
    await asyncio.sleep(0)
    doomed.cancel()
    departure = await other
    assert doomed.cancelled() and departure.left_at == pytest.approx(0.1)
    assert (await slots.next(0)).left_at == pytest.approx(0.2)  # and it goes on
