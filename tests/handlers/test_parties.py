"""Who may be a party: a bot account or Telegram's anonymous group admin (GroupAnonymousBot,
the same sender in every group) takes no role; the anonymous admin is asked to write as
themselves. Nothing is created or changed."""

from __future__ import annotations

import pytest

from bot.core.callback_data import ClaimClient, ClaimPro
from bot.core.events import AnswerCallback, Person, SendMessage
from tests.bench import Bench, make_bench

GROUP = -100710
MOD = 9
ANONYMOUS_ADMIN_ID = 1087968824  # Telegram's GroupAnonymousBot
ANONYMOUS = "You are posting as the group's anonymous admin, so I cannot tell who you are. " \
            "Please write as yourself and send it again."
BOT = "A bot cannot be the client or the professional of an order."


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en", moderator_ids=(MOD,))
    yield bench
    await bench.uow_factory.engine.dispose()


def anonymous_admin() -> Person:
    return Person(ANONYMOUS_ADMIN_ID, "Group", None, is_bot=True, username="GroupAnonymousBot")


def a_bot() -> Person:
    return Person(5000, "Helper", None, is_bot=True, username="helper_bot")


async def _orders(bench: Bench) -> list[tuple[int, int | None]]:
    async with bench.uow_factory() as uow:
        order = await uow.orders.get(1)
    return [] if order is None else [(order.pro_id, order.client_id)]


@pytest.mark.parametrize(("person", "answer"), [(anonymous_admin(), ANONYMOUS), (a_bot(), BOT)])
async def test_neworder_by_the_anonymous_admin_or_a_bot_makes_no_order(
        bench: Bench, person: Person, answer: str) -> None:
    effects = await bench.send(bench.command(GROUP, person, "/neworder Kitchen tap"))
    assert [e.text for e in effects if isinstance(e, SendMessage)] == [answer]
    assert await _orders(bench) == []


@pytest.mark.parametrize(("person", "answer"), [(anonymous_admin(), ANONYMOUS), (a_bot(), BOT)])
async def test_a_bot_or_the_anonymous_admin_cannot_claim_a_role(
        bench: Bench, person: Person, answer: str) -> None:
    await bench.send(bench.command(GROUP, bench.person(MOD, "Mona", "en"), "/neworder Tap"))
    for claim in (ClaimClient(1), ClaimPro(1)):
        effects = await bench.send(bench.tap(GROUP, person, claim))
        alerts = [e for e in effects if isinstance(e, AnswerCallback)]
        assert [(a.text, a.alert) for a in alerts] == [(answer, True)]
    assert await _orders(bench) == [(0, None)]
    luis = bench.person(2, "Luis", "en")
    effects = await bench.send(bench.tap(GROUP, luis, ClaimClient(1)))
    assert await _orders(bench) == [(0, 2)]
