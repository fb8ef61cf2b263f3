"""New delivery dates: only the client answers, once; dates in the past are refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.errors import AlreadyDone, InvalidInput, NotAllowed
from bot.domain.revisions import DeliveryProposal, ProposalState, check_new_date

T0 = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
PRO, CLIENT = 10, 20


def proposal() -> DeliveryProposal:
    return DeliveryProposal(order_id=1, proposed_date=date(2027, 3, 20), proposed_by=PRO,
                            proposed_at=T0, id=3)


@pytest.mark.parametrize(("accept", "state"), [(True, ProposalState.ACCEPTED),
                                               (False, ProposalState.REFUSED)])
def test_client_answers(accept: bool, state: ProposalState) -> None:
    p = proposal()
    p.answer(accept, CLIENT, CLIENT, T0 + timedelta(hours=1))
    assert (p.state, p.answered_at) == (state, T0 + timedelta(hours=1))


@pytest.mark.parametrize("accept", [True, False])
def test_second_answer_is_already_done(accept: bool) -> None:
    p = proposal()
    p.answer(True, CLIENT, CLIENT, T0)
    with pytest.raises(AlreadyDone):
        p.answer(accept, CLIENT, CLIENT, T0 + timedelta(hours=1))
    assert (p.state, p.answered_at) == (ProposalState.ACCEPTED, T0)


@pytest.mark.parametrize("state", [ProposalState.WITHDRAWN, ProposalState.REFUSED])
def test_answer_to_a_closed_proposal(state: ProposalState) -> None:
    p = proposal()
    p.state = state
    with pytest.raises(AlreadyDone):
        p.answer(True, CLIENT, CLIENT, T0)
    assert p.state == state


@pytest.mark.parametrize(("by", "client"), [(PRO, CLIENT), (99, CLIENT), (CLIENT, None)])
def test_only_the_client_answers(by: int, client: int | None) -> None:
    p = proposal()
    with pytest.raises(NotAllowed):
        p.answer(True, by, client, T0)
    assert p.state == ProposalState.PENDING and p.answered_at is None


def test_new_date_today_or_later() -> None:
    today = date(2027, 3, 8)
    assert check_new_date(today, today) == today
    assert check_new_date(date(2027, 3, 9), today) == date(2027, 3, 9)
    with pytest.raises(InvalidInput):
        check_new_date(date(2027, 3, 7), today)
