"""The order thread through the real pipeline and database, asserting on what is queued."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.core.callback_data import (
    ChooseWhen,
    ClaimClient,
    NoteChoice,
    OpenStatusMenu,
    ReviewDay,
    SetStatus,
)
from bot.core.events import AnswerCallback, EditMessage, Ref, SendMessage
from tests.bench import Bench, make_bench

GROUP = -100500


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en")
    yield bench
    await bench.uow_factory.engine.dispose()


async def _bound_order(bench: Bench) -> tuple[int, object, object]:
    pro, client = bench.person(1, "Ana", "en"), bench.person(2, "Luis", "en")
    effects = await bench.send(bench.command(GROUP, pro, "/neworder Kitchen tap"))
    card = effects[0]
    assert isinstance(card, SendMessage) and card.ref is not None
    order_id = card.ref.id
    await bench.send(bench.tap(GROUP, client, ClaimClient(order_id)))
    return order_id, pro, client


async def test_neworder_posts_card_with_client_button(bench: Bench) -> None:
    pro = bench.person(1, "Ana", "en")
    effects = await bench.send(bench.command(GROUP, pro, "/neworder Kitchen tap"))
    card = effects[0]
    assert isinstance(card, SendMessage)
    assert "Kitchen tap" in card.text and "Not hired yet" in card.text
    assert card.keyboard and card.keyboard[0][0].text == "I am the client"
    assert any("I can only see commands" in e.text for e in effects
               if isinstance(e, SendMessage))


async def test_done_then_review_now_posts_note_with_stars(bench: Bench) -> None:
    order_id, pro, _client = await _bound_order(bench)
    effects = await bench.send(bench.tap(GROUP, pro, OpenStatusMenu(order_id)))
    assert isinstance(effects[-1], SendMessage) and "what stage" in effects[-1].text
    effects = await bench.send(bench.tap(GROUP, pro, SetStatus(order_id, "done"), 77))
    panel = [e for e in effects if isinstance(e, EditMessage) and e.message_id == 77]
    assert panel and "When should we ask" in panel[0].text
    await bench.send(bench.tap(GROUP, pro, ChooseWhen(order_id, "now"), 77))
    effects = await bench.send(bench.tap(GROUP, pro, NoteChoice(order_id, "default"), 77))
    request = [e for e in effects if isinstance(e, SendMessage) and e.ref
               and e.ref.kind == "request"]
    assert request and len(request[0].keyboard[0]) == 5
    # a second request is refused
    effects = await bench.send(bench.tap(GROUP, pro, ChooseWhen(order_id, "now"), 77))
    assert isinstance(effects[0], AnswerCallback) and effects[0].alert


async def test_client_cannot_update_status(bench: Bench) -> None:
    order_id, _pro, client = await _bound_order(bench)
    effects = await bench.send(bench.tap(GROUP, client, OpenStatusMenu(order_id)))
    assert effects == [AnswerCallback(effects[0].callback_id, "This button is not for you.",
                                      alert=True)]


async def test_scheduled_note_with_refused_then_accepted_note(bench: Bench) -> None:
    order_id, pro, _client = await _bound_order(bench)
    await bench.send(bench.tap(GROUP, pro, SetStatus(order_id, "done"), 77))
    await bench.send(bench.tap(GROUP, pro, ChooseWhen(order_id, "date"), 77))
    day = (bench.clock.now() + timedelta(days=2)).date()
    await bench.send(bench.tap(GROUP, pro, ReviewDay(order_id, day), 77))
    effects = await bench.send(bench.tap(GROUP, pro, NoteChoice(order_id, "write"), 77))
    prompt = [e for e in effects if isinstance(e, SendMessage) and e.force_reply]
    assert prompt
    prompt_id = await bench.message_id_of(prompt[0].ref or Ref("x", 0))
    effects = await bench.send(bench.text(GROUP, pro, "Give me 5 stars please", prompt_id))
    assert any("given rating" in e.text for e in effects if isinstance(e, SendMessage))
    again = next(e for e in effects if isinstance(e, SendMessage) and e.force_reply)
    again_id = await bench.message_id_of(again.ref or Ref("x", 0))
    effects = await bench.send(bench.text(GROUP, pro, "Thanks for trusting me!", again_id))
    assert any("Scheduled" in e.text for e in effects if isinstance(e, SendMessage))


def _alert(effects: list) -> str:  # type: ignore[type-arg]
    answers = [e for e in effects if isinstance(e, AnswerCallback)]
    assert answers and answers[0].alert, effects
    return answers[0].text


async def test_a_review_day_past_the_window_names_the_last_day_allowed(bench: Bench) -> None:
    order_id, pro, _client = await _bound_order(bench)
    bench.advance(timedelta(hours=20))  # done on 9 March at 06:00 in Madrid
    await bench.send(bench.tap(GROUP, pro, SetStatus(order_id, "done"), 77))
    await bench.send(bench.tap(GROUP, pro, ChooseWhen(order_id, "date"), 77))
    # the window closes on 7 June at 07:00, before that day's 10:00 note: 6 June is the last
    effects = await bench.send(bench.tap(GROUP, pro, ReviewDay(order_id, date(2027, 6, 7)), 77))
    assert _alert(effects) == ("That day is beyond the rating window. Please choose a date no "
                               "later than Jun 6, 2027.")
    effects = await bench.send(bench.tap(GROUP, pro, ReviewDay(order_id, date(2027, 3, 8)), 77))
    assert _alert(effects) == "Please choose a date that is not in the past."
    # on 7 June at 06:00 no day is left to choose: the window is as good as closed
    bench.advance(timedelta(days=90, hours=-1))
    effects = await bench.send(bench.tap(GROUP, pro, ReviewDay(order_id, date(2027, 6, 7)), 77))
    assert _alert(effects).startswith("The rating window for this order has closed.")
