"""One review request per order, ever: once the client has rated, no answer to "when should we
ask?", no day, no note and no scheduled note or reminder asks again; each refusal says the
review is in (`why="rated"`) and changes nothing."""

from __future__ import annotations

import pytest

from bot.domain.errors import AlreadyDone
from bot.domain.order import Role
from bot.domain.reviews import (
    Rating,
    RequestMode,
    RequestState,
    ReviewRequest,
    check_not_rated,
    waiting_for_note,
)
from tests.unit.test_review_asking import CLIENT, PRO, T0, D, P, order

RATED = {"kind": "request", "why": "rated"}


def rating() -> Rating:
    return Rating.first(order(), CLIENT, 4, T0 + D)


def request(state: RequestState) -> ReviewRequest:
    return ReviewRequest(order_id=1, mode=RequestMode.NOW, created_by=PRO, created_at=T0,
                         state=state, note="Thanks", posted_at=T0, next_reminder_at=T0 + D,
                         id=5)


def test_nothing_is_asked_of_a_rated_order() -> None:
    with pytest.raises(AlreadyDone) as caught:
        check_not_rated(rating())
    assert caught.value.context == RATED
    check_not_rated(None)


@pytest.mark.parametrize("mode", list(RequestMode))
@pytest.mark.parametrize("role", [Role.PRO, Role.MODERATOR])
def test_no_new_request_once_rated(mode: RequestMode, role: Role) -> None:
    with pytest.raises(AlreadyDone) as caught:
        ReviewRequest.start(order(), role, PRO, mode, None, rating(), T0 + 2 * D, P)
    assert caught.value.context == RATED


def test_a_draft_left_over_is_not_answered_again_once_rated() -> None:
    current = request(RequestState.DRAFT)
    with pytest.raises(AlreadyDone) as caught:
        ReviewRequest.start(order(), Role.PRO, PRO, RequestMode.LATER, current, rating(),
                            T0 + 2 * D, P)
    assert caught.value.context == RATED
    assert (current.state, current.mode) == (RequestState.DRAFT, RequestMode.NOW)


def test_the_rating_comes_before_the_other_reasons() -> None:
    """A rated order whose window has closed still says the review is in."""
    with pytest.raises(AlreadyDone) as caught:
        ReviewRequest.start(order(), Role.PRO, PRO, RequestMode.NOW, None, rating(),
                            T0 + 200 * D, P)
    assert caught.value.context == RATED


@pytest.mark.parametrize("state", [RequestState.DRAFT, RequestState.RATED, None])
def test_no_note_is_taken_once_rated(state: RequestState | None) -> None:
    current = None if state is None else request(state)
    with pytest.raises(AlreadyDone) as caught:
        waiting_for_note(current, rating())
    assert caught.value.context == RATED


@pytest.mark.parametrize("state", [RequestState.SCHEDULED, RequestState.POSTED])
def test_a_request_still_out_for_a_rated_order_asks_nothing_more(state: RequestState) -> None:
    out = request(state)
    out.due_at = T0 + D
    assert out.end_if_rated(rating()) is True
    assert (out.state, out.next_reminder_at) == (RequestState.RATED, None)
    assert not out.note_due(T0 + 9 * D) and not out.reminder_due(T0 + 9 * D)
    assert out.end_if_rated(rating()) is False


@pytest.mark.parametrize("state", list(RequestState))
def test_an_unrated_order_keeps_its_request(state: RequestState) -> None:
    out = request(state)
    assert out.end_if_rated(None) is False
    assert out.state == state and out.next_reminder_at == T0 + D


@pytest.mark.parametrize("state", [RequestState.CLOSED, RequestState.CANCELLED])
def test_an_ended_request_stays_as_it_ended(state: RequestState) -> None:
    out = request(state)
    assert out.end_if_rated(rating()) is False and out.state == state

