"""The aggregates record what happened (tests/storage/test_domain_events.py: storage hands
the events on, and publishing them queues the hook's events)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.errors import AlreadyDone
from bot.domain.events import (
    RefundBecameEligible,
    RefundDecided,
    RefundWithdrawn,
    ReviewScheduled,
    StatusChanged,
    moves_schedule,
)
from bot.domain.order import NotGoingAheadReason, Role, Status
from bot.domain.policy import Policy
from bot.domain.reviews import RequestMode, ReviewRequest
from tests.unit.test_order import NOW, PRO, make_order


def test_a_status_change_is_recorded_and_moves_the_schedule() -> None:
    order = make_order()
    order.change_status(Status.IN_PROGRESS, PRO, Role.PRO, NOW)
    events = order.pull_events()
    assert events == [StatusChanged(1, "in_progress", NOW)]
    assert moves_schedule(events[0])
    assert order.pull_events() == []  # taken once


def test_refund_eligibility_decision_and_withdrawal_are_recorded() -> None:
    order = make_order(Status.IN_PROGRESS)
    order.change_status(Status.NOT_GOING_AHEAD, PRO, Role.PRO, NOW,
                        NotGoingAheadReason.NO_ANSWER.value)
    later = NOW + timedelta(hours=48)
    order.become_refund_eligible(later)
    order.decide_refund(7, later)
    order.change_status(Status.IN_PROGRESS, PRO, Role.PRO, later)  # the pro rectifies
    assert order.pull_events() == [
        StatusChanged(1, "not_going_ahead", NOW), RefundBecameEligible(1, later),
        RefundDecided(1, 7, later), StatusChanged(1, "in_progress", later),
        RefundWithdrawn(1, PRO, later)]
    assert not moves_schedule(RefundDecided(1, 7, later))


def test_a_refused_change_records_nothing() -> None:
    order = make_order(Status.DONE)
    with pytest.raises(AlreadyDone):
        order.change_status(Status.DONE, PRO, Role.PRO, NOW)
    assert order.pull_events() == []


def test_a_note_set_and_a_resumed_request_are_recorded() -> None:
    request = ReviewRequest(order_id=1, mode=RequestMode.ON_DATE, created_by=PRO,
                            created_at=NOW, id=3)
    request.set_note("Thank you!", Policy())
    request.freeze(NOW)
    request.resume(NOW + timedelta(days=1))
    assert request.pull_events() == [ReviewScheduled(1), ReviewScheduled(1)]
    assert request == ReviewRequest(order_id=1, mode=RequestMode.ON_DATE, created_by=PRO,
                                    created_at=NOW, id=3, note="Thank you!")  # not a field

