"""The professional sets the included revisions and the first delivery date; deep links."""

from __future__ import annotations

import pytest

from bot.core.callback_data import ClaimClient
from bot.core.events import AnswerCallback, EditMessage, SendMessage
from bot.services.orders import create_order
from tests.bench import Bench, make_bench

GROUP = -100700


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en")
    yield bench
    await bench.uow_factory.engine.dispose()


def _texts(effects: list) -> list[str]:  # type: ignore[type-arg]
    return [e.text for e in effects if isinstance(e, SendMessage | EditMessage)]


async def test_pro_sets_revisions_and_card_shows_them(bench: Bench) -> None:
    pro = bench.person(1, "Ana", "en")
    await bench.send(bench.command(GROUP, pro, "/neworder Logo design"))
    effects = await bench.send(bench.command(GROUP, pro, "/revisions 3"))
    assert "This order includes 3 revisions." in _texts(effects)
    assert any("Revisions: 0 of 3 used" in text for text in _texts(effects))


async def test_revisions_refused_to_the_client_and_bad_numbers(bench: Bench) -> None:
    pro, client = bench.person(1, "Ana", "en"), bench.person(2, "Luis", "en")
    effects = await bench.send(bench.command(GROUP, pro, "/neworder Logo design"))
    order_id = effects[0].ref.id  # type: ignore[union-attr]
    await bench.send(bench.tap(GROUP, client, ClaimClient(order_id)))
    effects = await bench.send(bench.command(GROUP, client, "/revisions 9"))
    assert _texts(effects) == ["You are not allowed to do that in this order."]
    effects = await bench.send(bench.command(GROUP, pro, "/revisions lots"))
    assert _texts(effects) == ["Usage: /revisions <number of included revisions>"]
    effects = await bench.send(bench.command(GROUP, pro, "/revisions 50"))
    assert _texts(effects) == ["Choose a number from 0 to 20."]


async def test_first_delivery_date_then_changes_go_through_the_client(bench: Bench) -> None:
    pro = bench.person(1, "Ana", "en")
    await bench.send(bench.command(GROUP, pro, "/neworder Logo design"))
    effects = await bench.send(bench.command(GROUP, pro, "/delivery 2027-03-20"))
    assert "Delivery date: Mar 20, 2027" in _texts(effects)
    effects = await bench.send(bench.command(GROUP, pro, "/delivery 2027-03-25"))
    assert "the client accepts or refuses it" in _texts(effects)[0]


async def test_delivery_date_in_the_past_or_garbled_is_refused(bench: Bench) -> None:
    pro = bench.person(1, "Ana", "en")
    await bench.send(bench.command(GROUP, pro, "/neworder Logo design"))
    effects = await bench.send(bench.command(GROUP, pro, "/delivery 2020-01-01"))
    assert _texts(effects) == ["Please choose a date that is not in the past."]
    effects = await bench.send(bench.command(GROUP, pro, "/delivery someday"))
    assert _texts(effects)[0].startswith("Usage: /delivery <date>")


async def test_deep_link_binds_a_backend_order_to_the_group(bench: Bench) -> None:
    async with bench.uow_factory() as uow:
        order = await create_order(
            uow, chat_id=0, thread_id=None, title="Paint the hall", pro_id=1, pro_name="Ana",
            language="en", timezone="Europe/Madrid", now=bench.clock.now(),
            policy=bench.settings.policy(), can_read_all=False, bind_token="tok123")
        await uow.commit()
    adder = bench.person(1, "Ana", "en")
    effects = await bench.send(bench.command(GROUP, adder, "/start tok123"))
    assert any("Paint the hall" in text and "I am the client" not in text
               for text in _texts(effects))
    card = effects[0]
    assert isinstance(card, SendMessage) and card.ref and card.ref.id == order.id
    # an unknown token is refused, nothing bound
    effects = await bench.send(bench.command(-5, adder, "/start nope"))
    assert _texts(effects) == ["That is no longer available."]
    assert not any(isinstance(e, AnswerCallback) for e in effects)


async def test_a_forum_holds_one_order_per_topic(bench: Bench) -> None:
    pro = bench.person(1, "Ana", "en")
    first = bench.command(GROUP, pro, "/neworder Kitchen", thread_id=11)
    second = bench.command(GROUP, pro, "/neworder Bathroom", thread_id=22)
    card_one = (await bench.send(first))[0]
    card_two = (await bench.send(second))[0]
    assert isinstance(card_one, SendMessage) and card_one.thread_id == 11
    assert isinstance(card_two, SendMessage) and card_two.thread_id == 22
    assert card_one.ref != card_two.ref
    effects = await bench.send(bench.command(GROUP, pro, "/revisions 4", thread_id=22))
    assert any("Bathroom" in text and "0 of 4" in text for text in _texts(effects))
    again = await bench.send(bench.command(GROUP, pro, "/neworder Other", thread_id=11))
    assert _texts(again) == ["This chat already has order #1 «Kitchen». A new order needs its "
                             "own group or forum topic."]
