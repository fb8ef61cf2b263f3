"""New delivery dates: the pro proposes on a calendar, the client answers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.callback_data import AnswerProposal, DeliveryDay, ProposeDeliveryDate, SetStatus
from bot.core.events import EditMessage, Ref
from bot.domain.revisions import ProposalState
from tests.bench import Bench, make_bench
from tests.handlers.test_work_support import Work, alert, alerts, cards, order_of, sent, working


@pytest.fixture
async def bench(tmp_path):  # type: ignore[no-untyped-def]
    bench = await make_bench(tmp_path, default_language="en")
    yield bench
    await bench.uow_factory.engine.dispose()


async def _propose(bench: Bench, w: Work, days: int) -> int:
    day = (bench.clock.now() + timedelta(days=days)).date()
    effects = await bench.send(bench.tap(w.group, w.pro, DeliveryDay(w.order_id, day), 88))
    assert not alerts(effects), alerts(effects)
    asked = [m for m in sent(effects) if m.ref and m.ref.kind == "proposal"]
    assert asked and asked[0].ref is not None
    return asked[0].ref.id


async def test_calendar_proposal_and_acceptance(bench: Bench) -> None:
    w = await working(bench)
    effects = await bench.send(bench.tap(w.group, w.pro, ProposeDeliveryDate(w.order_id)))
    calendar = sent(effects)[0]
    assert calendar.keyboard and "Choose the new delivery date" in calendar.text
    days = [b.data for row in calendar.keyboard for b in row if b.data
            and b.data.startswith("ddc:")]
    assert days and all(d.startswith(f"ddc:{w.order_id}:") for d in days)
    nav = [b.data for b in calendar.keyboard[-2] if b.data and b.data.startswith("ddm:")]
    assert nav
    shown = await bench.send(bench.tap(w.group, w.pro, nav[0], 88))
    assert isinstance(shown[-1], EditMessage) and shown[-1].message_id == 88
    day = (bench.clock.now() + timedelta(days=10)).date()
    effects = await bench.send(bench.tap(w.group, w.pro, DeliveryDay(w.order_id, day), 88))
    proposal = next(m for m in sent(effects) if m.ref and m.ref.kind == "proposal")
    assert "Ana proposes a new delivery date:" in proposal.text and "Luis, do you accept?" \
        in proposal.text
    assert proposal.keyboard is not None and [b.text for b in proposal.keyboard[0]] == [
        "Accept", "Refuse"]
    pid = (proposal.ref or Ref("x", 0)).id
    effects = await bench.send(bench.tap(w.group, w.client, AnswerProposal(pid, "yes"), 99))
    edited = [e for e in effects if isinstance(e, EditMessage) and e.message_id == 99]
    assert edited and "Luis accepted: the delivery date is now" in edited[0].text
    assert edited[0].keyboard is None
    assert "Delivery date:" in cards(effects)[0].text
    assert (await order_of(bench, w.order_id)).delivery_date == day
    # a second answer says what is true now
    effects = await bench.send(bench.tap(w.group, w.client, AnswerProposal(pid, "no"), 99))
    assert alert(effects).startswith("This proposal was already accepted. The delivery date is")


async def test_refusal_keeps_the_date(bench: Bench) -> None:
    w = await working(bench)
    pid = await _propose(bench, w, 5)
    effects = await bench.send(bench.tap(w.group, w.client, AnswerProposal(pid, "no"), 99))
    assert any("Luis refused the new date." in e.text for e in effects
               if isinstance(e, EditMessage))
    assert (await order_of(bench, w.order_id)).delivery_date is None
    effects = await bench.send(bench.tap(w.group, w.client, AnswerProposal(pid, "yes"), 99))
    assert alert(effects) == "This proposal was already refused. No delivery date is set."


async def test_new_proposal_withdraws_the_pending_one(bench: Bench) -> None:
    w = await working(bench)
    first = await _propose(bench, w, 5)
    day = (bench.clock.now() + timedelta(days=6)).date()
    effects = await bench.send(bench.tap(w.group, w.pro, DeliveryDay(w.order_id, day), 88))
    replaced = [e for e in effects if isinstance(e, EditMessage) and e.ref == Ref("proposal",
                                                                                  first)]
    assert replaced and "Replaced by a newer proposal." in replaced[0].text
    effects = await bench.send(bench.tap(w.group, w.client, AnswerProposal(first, "yes"), 99))
    assert alert(effects).startswith("This proposal was replaced by a newer one.")
    async with bench.uow_factory() as uow:
        assert (await uow.proposals.get(first)).state == ProposalState.WITHDRAWN  # type: ignore[union-attr]


async def test_refusals_of_roles_and_forged_dates(bench: Bench) -> None:
    w = await working(bench)
    for person in (w.client, w.stranger):
        effects = await bench.send(bench.tap(w.group, person, ProposeDeliveryDate(w.order_id)))
        assert alert(effects) == "This button is not for you."
    yesterday = (bench.clock.now() - timedelta(days=1)).date()
    effects = await bench.send(bench.tap(w.group, w.pro, DeliveryDay(w.order_id, yesterday)))
    assert alert(effects) == "Please choose a date that is not in the past."
    far = (bench.clock.now() + timedelta(days=800)).date()
    effects = await bench.send(bench.tap(w.group, w.pro, DeliveryDay(w.order_id, far)))
    assert alerts(effects)
    effects = await bench.send(bench.tap(w.group, w.pro, "ddc:1:20271399"))
    assert alert(effects) == "This button is not valid."
    pid = await _propose(bench, w, 3)
    for person in (w.pro, w.stranger):
        effects = await bench.send(bench.tap(w.group, person, AnswerProposal(pid, "yes")))
        assert alert(effects) == "This button is not for you."
    effects = await bench.send(bench.tap(-1, w.client, AnswerProposal(pid, "yes")))
    assert alert(effects) == "This button is not for you."
    async with bench.uow_factory() as uow:
        assert (await uow.proposals.get(pid)).state == ProposalState.PENDING  # type: ignore[union-attr]


async def test_no_proposal_before_the_work_starts(bench: Bench) -> None:
    w = await working(bench)
    await bench.send(bench.tap(w.group, w.pro, SetStatus(w.order_id, "not_hired"), 77))
    effects = await bench.send(bench.tap(w.group, w.pro, ProposeDeliveryDate(w.order_id)))
    assert "it is now: Not hired yet" in alert(effects)
