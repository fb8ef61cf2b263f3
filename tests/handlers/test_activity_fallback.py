"""What counts as activity when the bot cannot read all group messages (privacy mode on):
the pro's taps, commands and replies move the check-in window (except the check-in tap itself),
and any tap, command or reply of the client stops the refund wait. When the bot reads every
message, the pro's taps do not count: the window runs from the pro's last message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.callback_data import BackToCard, NotGoingAhead, SendCheckin
from bot.core.events import Effect
from tests.bench import Bench, make_bench
from tests.handlers.test_work_support import Work, alert, order_of, prompt_of, texts, working

STOPPED = "The client wrote: the refund wait of order #1 «Kitchen tap» is stopped."


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en")
    yield bench
    await bench.uow_factory.engine.dispose()


async def _checkin(bench: Bench, w: Work) -> list[Effect]:
    return await bench.send(bench.tap(w.group, w.pro, SendCheckin(w.order_id)))


async def test_in_the_fallback_the_pros_taps_and_commands_move_the_window(bench: Bench) -> None:
    w = await working(bench)
    bench.advance(timedelta(hours=20))
    await bench.send(bench.tap(w.group, w.pro, BackToCard(w.order_id)))
    assert (await order_of(bench, w.order_id)).last_pro_message_at == bench.clock.now()
    bench.advance(timedelta(hours=5))  # 25 h after /neworder, 5 h after the tap
    assert alert(await _checkin(bench, w)).startswith("The check-in opens on ")
    bench.advance(timedelta(hours=20))  # 24 h after the tap: the refused tap moved nothing
    assert "Write your one check-in" in prompt_of(await _checkin(bench, w)).text
    bench.advance(timedelta(hours=1))
    await bench.send(bench.command(w.group, w.pro, "/help"))
    assert (await order_of(bench, w.order_id)).last_pro_message_at == bench.clock.now()


async def test_reading_all_messages_the_pros_taps_do_not_count(bench: Bench) -> None:
    bench.pipeline.bot_reads_all = True
    w = await working(bench)
    created = (await order_of(bench, w.order_id)).last_pro_message_at
    bench.advance(timedelta(hours=20))
    await bench.send(bench.tap(w.group, w.pro, BackToCard(w.order_id)))
    assert (await order_of(bench, w.order_id)).last_pro_message_at == created
    bench.advance(timedelta(hours=5))
    assert "Write your one check-in" in prompt_of(await _checkin(bench, w)).text
    bench.advance(timedelta(minutes=1))
    await bench.send(bench.text(w.group, w.pro, "On my way"))
    assert (await order_of(bench, w.order_id)).last_pro_message_at == bench.clock.now()


@pytest.mark.parametrize("how", ["tap", "command", "reply"])
async def test_in_the_fallback_any_client_act_stops_the_refund_wait(bench: Bench,
                                                                    how: str) -> None:
    w = await working(bench)
    await bench.send(bench.tap(w.group, w.pro, NotGoingAhead(w.order_id, "no_answer"), 77))
    assert (await order_of(bench, w.order_id)).refund_wait_started_at is not None
    bench.advance(timedelta(hours=3))
    event = {"tap": bench.tap(w.group, w.client, BackToCard(w.order_id)),
             "command": bench.command(w.group, w.client, "/help"),
             "reply": bench.text(w.group, w.client, "Sorry, I was away", reply_to=77)}[how]
    assert STOPPED in texts(await bench.send(event))
    order = await order_of(bench, w.order_id)
    assert order.refund_wait_started_at is None
    assert order.last_client_message_at == bench.clock.now()
