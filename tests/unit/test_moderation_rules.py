"""Moderators' rules: who moderates, and when an action has nothing to act on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import moderation
from bot.domain.errors import NotAllowed
from bot.domain.order import Order, Status
from bot.domain.policy import Policy
from bot.domain.reviews import Rating, RequestMode, RequestState, ReviewRequest

NOW = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
PRO, CLIENT, MOD = 10, 20, 30
P = Policy()


def make_order(status: Status = Status.DONE) -> Order:
    return Order(chat_id=-100, title="Kitchen", pro_id=PRO, language="es",
                 timezone="Europe/Madrid", created_at=NOW, included_revisions=1,
                 status=status, client_id=CLIENT, id=1, done_at=NOW)


def test_moderators_only() -> None:
    assert moderation.may_moderate(MOD, {MOD})
    assert not moderation.may_moderate(PRO, {MOD})
    moderation.check_moderator(MOD, frozenset({MOD}))
    with pytest.raises(NotAllowed):
        moderation.check_moderator(PRO, frozenset({MOD}))


def posted(state: RequestState = RequestState.POSTED, sent: int = 0) -> ReviewRequest:
    return ReviewRequest(1, RequestMode.NOW, PRO, NOW, state=state, posted_at=NOW,
                         reminders_sent=sent)


def test_a_reminder_follows_the_no_nagging_rules() -> None:
    order, day = make_order(), timedelta(hours=24)
    assert moderation.remind_refusal(order, None, NOW, P) == moderation.Refusal("no_request")
    rated = posted(RequestState.RATED)
    assert moderation.remind_refusal(order, rated, NOW + day, P) == moderation.Refusal("rated")
    too_soon = moderation.remind_refusal(order, posted(), NOW + timedelta(hours=23), P)
    assert too_soon == moderation.Refusal("too_soon", NOW + day)
    assert moderation.remind_refusal(order, posted(), NOW + day, P) is None
    late = NOW + timedelta(days=91)
    assert moderation.remind_refusal(order, posted(), late, P) == moderation.Refusal("closed")
    frozen = make_order(Status.DISPUTED)
    assert moderation.remind_refusal(frozen, posted(), NOW + day, P) == moderation.Refusal(
        "frozen")


def test_a_refund_only_after_the_wait_and_once() -> None:
    order = make_order(Status.NOT_GOING_AHEAD)
    assert moderation.refund_refusal(order) == moderation.Refusal("not_eligible")
    order.refund_wait_started_at = NOW
    assert moderation.refund_refusal(order) == moderation.Refusal("waiting")
    order.refund_eligible_at = NOW + timedelta(hours=48)
    assert moderation.refund_refusal(order) is None
    order.refund_decided_at = NOW + timedelta(days=3)
    assert moderation.refund_refusal(order) == moderation.Refusal("decided", NOW + timedelta(
        days=3))


def test_a_cancelled_order_is_not_cancelled_again() -> None:
    assert moderation.cancel_refusal(make_order()) is None
    assert moderation.cancel_refusal(make_order(Status.CANCELLED)) == moderation.Refusal(
        "cancelled")


def test_hiding_and_restoring_need_a_review_in_the_other_state() -> None:
    rating = Rating(order_id=1, client_id=CLIENT, pro_id=PRO, stars=1, created_at=NOW,
                    updated_at=NOW)
    assert moderation.hide_refusal(None) == moderation.Refusal("no_review")
    assert moderation.restore_refusal(None) == moderation.Refusal("no_review")
    assert moderation.hide_refusal(rating) is None
    assert moderation.restore_refusal(rating) == moderation.Refusal("not_hidden")
    rating.hide(MOD, "abuse")
    assert moderation.hide_refusal(rating) == moderation.Refusal("hidden")
    assert moderation.restore_refusal(rating) is None
