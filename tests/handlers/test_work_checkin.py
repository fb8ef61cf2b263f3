"""The one check-in (seed 001): the window, once, only while the client is silent, no rating
asked (PRODUCT.md sections 4 and 10)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.callbacks import cb
from tests.bench import Bench, make_bench
from tests.handlers.test_work_support import (
    Work,
    alert,
    alerts,
    cards,
    order_of,
    prompt_of,
    reply,
    requested,
    sent,
    working,
)


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en")
    yield bench
    await bench.uow_factory.engine.dispose()


async def _tap(bench: Bench, w: Work):  # type: ignore[no-untyped-def]
    return await bench.send(bench.tap(w.group, w.pro, cb("chk", w.order_id)))


async def test_checkin_in_the_window_is_posted_once(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(hours=25))
    effects = await _tap(bench, w)
    assert "must not ask for a rating" in prompt_of(effects).text
    effects = await reply(bench, w.group, w.pro, effects, "How did it go? Need anything else?")
    posted = [m for m in sent(effects) if not m.force_reply]
    assert [m.text for m in posted] == ["Message from Ana:\nHow did it go? Need anything else?"]
    assert posted[0].keyboard is None
    assert "Check-in: used" in cards(effects)[0].text
    assert (await order_of(bench, w.order_id)).checkin_used_at == bench.clock.now()
    effects = await _tap(bench, w)
    assert alert(effects).startswith("You already sent your check-in for this order")


async def test_checkin_refused_before_24_hours_and_after_7_days(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(hours=23))
    assert alert(await _tap(bench, w)).startswith("The check-in opens on ")
    bench.advance(timedelta(days=7))
    assert alert(await _tap(bench, w)).startswith("The check-in window has closed")
    assert (await order_of(bench, w.order_id)).checkin_used_at is None


async def test_checkin_refused_after_the_client_answered(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(hours=2))
    await bench.send(bench.text(w.group, w.client, "Thanks, all good"))
    bench.advance(timedelta(hours=30))
    assert alert(await _tap(bench, w)).startswith("The client has written since your last")


async def test_client_writing_while_the_prompt_is_open_cancels_it(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(hours=25))
    effects = await _tap(bench, w)
    bench.advance(timedelta(minutes=5))
    await bench.send(bench.text(w.group, w.client, "Hello!"))
    effects = await reply(bench, w.group, w.pro, effects, "How did it go?")
    assert [m.text for m in sent(effects)] == [
        "The client has written since your last message: answer them directly, no check-in "
        "is needed.\nYour check-in was not sent."]
    assert (await order_of(bench, w.order_id)).checkin_used_at is None


async def test_checkin_refused_after_a_rating(bench: Bench) -> None:
    w = await working(bench, "done")
    request_id = await requested(bench, w)
    await bench.send(bench.tap(w.group, w.client, cb("star", request_id, 4)))
    bench.advance(timedelta(hours=30))
    assert alert(await _tap(bench, w)) == "The client has already rated: no check-in is needed."


async def test_checkin_asking_for_stars_is_refused_and_asked_again(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(hours=25))
    effects = await reply(bench, w.group, w.pro, await _tap(bench, w), "Give me 5 stars please")
    refusal = [m for m in sent(effects) if not m.force_reply]
    assert len(refusal) == 1 and "given rating" in refusal[0].text
    assert "A check-in must not ask for a rating." in refusal[0].text
    assert (await order_of(bench, w.order_id)).checkin_used_at is None
    effects = await reply(bench, w.group, w.pro, effects, "Is the tap working well?")
    assert any(m.text.startswith("Message from Ana:") for m in sent(effects))


async def test_only_the_pro_checks_in(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(hours=25))
    for person in (w.client, w.stranger):
        effects = await bench.send(bench.tap(w.group, person, cb("chk", w.order_id)))
        assert alert(effects) == "This button is not for you."
    assert not alerts(await _tap(bench, w))


async def test_answer_after_the_window_closed_is_not_sent(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(days=6))
    effects = await _tap(bench, w)
    bench.advance(timedelta(days=2))
    effects = await reply(bench, w.group, w.pro, effects, "How did it go?")
    assert next(m.text for m in sent(effects)).startswith("The check-in window has closed")
    assert (await order_of(bench, w.order_id)).checkin_used_at is None
