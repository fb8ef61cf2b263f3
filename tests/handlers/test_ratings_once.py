"""One review request per order, ever, through the real pipeline and database: once the
client has rated, every old "when should we ask?" button, the calendar and a note typed on an
old prompt are answered that the review is in, and nothing is stored or sent."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.callback_data import (
    CallbackData,
    ChooseWhen,
    ClaimClient,
    NoteChoice,
    ReviewDay,
    ReviewMonth,
    SetStatus,
)
from bot.core.events import Ref, SendMessage
from bot.domain.reviews import ReviewRequest
from tests.bench import Bench, make_bench
from tests.handlers.test_ratings_support import (
    Thread,
    alerts,
    prompt_of,
    rate,
    requested,
    texts,
)

RATED = ("The client has already rated this order: we will not ask for the review "
         "again.")


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en")
    yield bench
    await bench.uow_factory.engine.dispose()


async def _requests(bench: Bench, order_id: int) -> list[ReviewRequest]:
    async with bench.uow_factory() as uow:
        return await uow.requests.load_by(order_id=order_id)


def _old_taps(th: Thread) -> list[CallbackData]:
    today = date(2027, 1, 1)
    return [ChooseWhen(th.order_id, "now"), ChooseWhen(th.order_id, "date"),
            ChooseWhen(th.order_id, "later"), NoteChoice(th.order_id, "default"),
            NoteChoice(th.order_id, "write"), ReviewDay(th.order_id, today),
            ReviewMonth(th.order_id, today)]


async def test_old_panel_taps_after_the_rating_are_answered_and_ask_nothing(
        bench: Bench) -> None:
    th = await requested(bench)
    await rate(bench, th, 4)
    before = [(r.id, r.state, r.version) for r in await _requests(bench, th.order_id)]
    for data in _old_taps(th):
        effects = await bench.send(bench.tap(th.group, th.pro, data, 77))
        assert alerts(effects) == [RATED], (data, effects)
        assert not texts(effects), (data, effects)
    assert [(r.id, r.state, r.version) for r in await _requests(bench, th.order_id)] == before


async def test_a_note_typed_on_an_old_prompt_after_the_rating(bench: Bench) -> None:
    """The pro chose "Write my own note", then sent the default text from the panel instead;
    after the rating they answer the old prompt."""
    group, pro, client = -100500, bench.person(1, "Ana", "en"), bench.person(2, "Luis", "en")
    card = (await bench.send(bench.command(group, pro, "/neworder Kitchen tap")))[0]
    assert isinstance(card, SendMessage) and card.ref is not None
    order_id = card.ref.id
    await bench.send(bench.tap(group, client, ClaimClient(order_id)))
    await bench.send(bench.tap(group, pro, SetStatus(order_id, "done"), 77))
    await bench.send(bench.tap(group, pro, ChooseWhen(order_id, "now"), 77))
    effects = await bench.send(bench.tap(group, pro, NoteChoice(order_id, "write"), 77))
    prompt = prompt_of(effects)
    prompt_id = await bench.message_id_of(prompt.ref or Ref("x", 0))
    await bench.send(bench.tap(group, pro, NoteChoice(order_id, "default"), 77))
    request_id = (await _requests(bench, order_id))[0].id
    message = await bench.message_id_of(Ref("request", request_id))
    await rate(bench, Thread(group, order_id, request_id, message, pro, client), 5)
    effects = await bench.send(bench.text(group, pro, "Thanks again!", prompt_id))
    assert [e.text for e in effects if isinstance(e, SendMessage)] == [RATED]
    assert len(await _requests(bench, order_id)) == 1
