"""Revisions: the client asks, the allowance counts them."""

from __future__ import annotations

import pytest

from bot.core.callback_data import AskRevision, SetStatus
from tests.bench import Bench, make_bench
from tests.handlers.test_work_support import (
    alert,
    alerts,
    cards,
    order_of,
    prompt_of,
    reply,
    sent,
    working,
)


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en", included_revisions=2)
    yield bench
    await bench.uow_factory.engine.dispose()


async def _revise(bench: Bench, w, text: str):  # type: ignore[no-untyped-def]
    effects = await bench.send(bench.tap(w.group, w.client, AskRevision(w.order_id)))
    assert not alerts(effects), alerts(effects)
    return await reply(bench, w.group, w.client, effects, text)


async def test_revision_is_counted_posted_and_shown_on_the_card(bench: Bench) -> None:
    w = await working(bench)
    effects = await bench.send(bench.tap(w.group, w.client, AskRevision(w.order_id)))
    assert "2 revisions left" in prompt_of(effects).text
    effects = await reply(bench, w.group, w.client, effects, "Make the handle blue")
    posted = [m.text for m in sent(effects)]
    assert any("Revision 1 of 2 requested by" in t and "Make the handle blue" in t
               and "1 revision left." in t for t in posted), posted
    assert "Revisions: 1 of 2 used" in cards(effects)[0].text
    order = await order_of(bench, w.order_id)
    assert order.revisions_used == 1
    async with bench.uow_factory() as uow:
        stored = await uow.revisions.for_order(w.order_id)
    assert [(r.number, r.description, r.requested_by) for r in stored] == [
        (1, "Make the handle blue", w.client.id)]


async def test_exhausted_allowance_says_how_many_were_included(bench: Bench) -> None:
    w = await working(bench, "done")
    await _revise(bench, w, "one")
    effects = await _revise(bench, w, "two")
    assert any("0 revisions left." in m.text for m in sent(effects))
    effects = await bench.send(bench.tap(w.group, w.client, AskRevision(w.order_id)))
    assert alert(effects) == "All 2 included revisions have already been used."
    assert not sent(effects)


async def test_exhausted_between_prompt_and_reply(bench: Bench) -> None:
    w = await working(bench)
    first = await bench.send(bench.tap(w.group, w.client, AskRevision(w.order_id)))
    second = await bench.send(bench.tap(w.group, w.client, AskRevision(w.order_id)))
    third = await bench.send(bench.tap(w.group, w.client, AskRevision(w.order_id)))
    await reply(bench, w.group, w.client, first, "a")
    await reply(bench, w.group, w.client, second, "b")
    effects = await reply(bench, w.group, w.client, third, "c")
    assert [m.text for m in sent(effects)] == [
        "All 2 included revisions have already been used."]
    assert (await order_of(bench, w.order_id)).revisions_used == 2


async def test_pro_and_stranger_cannot_ask_for_a_revision(bench: Bench) -> None:
    w = await working(bench)
    for person in (w.pro, w.stranger):
        effects = await bench.send(bench.tap(w.group, person, AskRevision(w.order_id)))
        assert alert(effects) == "This button is not for you."
    assert (await order_of(bench, w.order_id)).revisions_used == 0


async def test_someone_else_answering_the_prompt_is_refused(bench: Bench) -> None:
    w = await working(bench)
    effects = await bench.send(bench.tap(w.group, w.client, AskRevision(w.order_id)))
    answered = await reply(bench, w.group, w.pro, effects, "sneaky")
    assert [m.text for m in sent(answered)] == ["That question was for someone else."]
    assert (await order_of(bench, w.order_id)).revisions_used == 0


async def test_no_revision_before_the_work_starts_or_with_an_empty_text(bench: Bench) -> None:
    w = await working(bench)
    await bench.send(bench.tap(w.group, w.pro, SetStatus(w.order_id, "not_hired"), 77))
    effects = await bench.send(bench.tap(w.group, w.client, AskRevision(w.order_id)))
    assert "it is now: Not hired yet" in alert(effects)
    await bench.send(bench.tap(w.group, w.pro, SetStatus(w.order_id, "in_progress"), 77))
    effects = await _revise(bench, w, "   ")
    assert [m.text for m in sent(effects)] == ["Please write some text."]
    assert (await order_of(bench, w.order_id)).revisions_used == 0


async def test_order_without_revisions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en", included_revisions=0)
    try:
        w = await working(bench)
        effects = await bench.send(bench.tap(w.group, w.client, AskRevision(w.order_id)))
        assert alert(effects) == "This order includes no revisions."
    finally:
        await bench.uow_factory.engine.dispose()
