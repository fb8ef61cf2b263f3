"""Who may rate and reply, and when: the request's and the rating's refusals, in the order a
refused tap is answered, each leaving everything as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.errors import AlreadyDone, Frozen, InvalidInput, NotAllowed, NotFound, WindowClosed
from bot.domain.order import Order, Status
from bot.domain.policy import Policy
from bot.domain.ratings import Rating
from bot.domain.reviews import RequestMode, RequestState, ReviewRequest

P = Policy()
T0 = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
H, D = timedelta(hours=1), timedelta(days=1)
PRO, CLIENT, OTHER = 10, 20, 30


def order(status: Status = Status.DONE, pro: int = PRO) -> Order:
    return Order(chat_id=-100, title="Tap", pro_id=pro, language="en", timezone="UTC",
                 created_at=T0 - 10 * D, included_revisions=1, status=status,
                 client_id=CLIENT, done_at=T0, id=1)


def posted(state: RequestState = RequestState.POSTED) -> ReviewRequest:
    return ReviewRequest(order_id=1, mode=RequestMode.NOW, created_by=PRO, created_at=T0,
                         state=state, posted_at=T0, next_reminder_at=T0 + D, id=5)


def rating(**kwargs: Any) -> Rating:
    return Rating(order_id=1, client_id=CLIENT, pro_id=PRO, stars=4, created_at=T0,
                  updated_at=T0, id=9, **kwargs)


# --- who may rate, and when -----------------------------------------------------------------

@pytest.mark.parametrize("state", [RequestState.POSTED, RequestState.RATED])
def test_the_client_rates_a_request_that_is_out(state: RequestState) -> None:
    posted(state).check_can_rate(order(), CLIENT, T0 + H, P)


@pytest.mark.parametrize("by", [PRO, OTHER])
def test_only_the_client_rates_even_when_frozen(by: int) -> None:
    with pytest.raises(NotAllowed):
        posted().check_can_rate(order(Status.DISPUTED), by, T0 + H, P)


@pytest.mark.parametrize("status", [Status.DISPUTED, Status.CANCELLED])
def test_frozen_reviews_take_no_rating(status: Status) -> None:
    with pytest.raises(Frozen) as caught:
        posted(RequestState.CLOSED).check_can_rate(order(status), CLIENT, T0 + 100 * D, P)
    assert caught.value.context == {"status": status}


def test_no_rating_once_the_window_closed_or_the_request_was_closed() -> None:
    with pytest.raises(WindowClosed):
        posted().check_can_rate(order(), CLIENT, T0 + 90 * D, P)
    with pytest.raises(WindowClosed):
        posted(RequestState.CLOSED).check_can_rate(order(), CLIENT, T0 + H, P)


@pytest.mark.parametrize("state", [RequestState.DRAFT, RequestState.SCHEDULED,
                                   RequestState.CANCELLED])
def test_a_request_not_out_takes_no_rating(state: RequestState) -> None:
    with pytest.raises(AlreadyDone):
        posted(state).check_can_rate(order(), CLIENT, T0 + H, P)


def test_rating_stops_the_reminders_once() -> None:
    request = posted()
    assert request.rate(order(), CLIENT, 5, T0 + H, P) is True
    assert (request.state, request.next_reminder_at) == (RequestState.RATED, None)
    assert request.rate(order(), CLIENT, 3, T0 + 2 * H, P) is False


@pytest.mark.parametrize("stars", [0, 6])
def test_stars_are_one_to_five(stars: int) -> None:
    request = posted()
    with pytest.raises(InvalidInput):
        request.rate(order(), CLIENT, stars, T0 + H, P)
    assert request.state == RequestState.POSTED
    with pytest.raises(InvalidInput):
        Rating.first(order(), CLIENT, stars, T0)


def test_a_refused_rating_leaves_the_request_as_it_was() -> None:
    request = posted()
    with pytest.raises(NotAllowed):
        request.rate(order(), PRO, 5, T0 + H, P)
    assert (request.state, request.next_reminder_at) == (RequestState.POSTED, T0 + D)


# --- the stars, first and again -------------------------------------------------------------

def test_the_first_stars_belong_to_the_order_and_its_pro() -> None:
    first = Rating.first(order(), CLIENT, 4, T0)
    assert (first.order_id, first.client_id, first.pro_id, first.stars, first.created_at,
            first.updated_at) == (1, CLIENT, PRO, 4, T0, T0)


def test_rating_again_opens_an_edit_session() -> None:
    again = rating(comment="fine")
    again.rate_again(CLIENT, 2, T0 + H, None)
    assert (again.stars, again.updated_at) == (2, T0 + H)
    assert [edit.stars for edit in again.edits] == [4]


def test_the_same_stars_again_change_nothing_but_the_history() -> None:
    again = rating(comment="fine")
    again.rate_again(CLIENT, 4, T0 + H, None)
    assert (again.stars, again.updated_at, len(again.edits)) == (4, T0, 1)


def test_no_one_else_rates_again() -> None:
    again = rating(comment="fine")
    with pytest.raises(NotAllowed):
        again.rate_again(PRO, 1, T0 + H, None)
    assert (again.stars, again.edits) == (4, [])


# --- the pro's reply ------------------------------------------------------------------------

def test_the_pro_of_the_order_may_reply() -> None:
    rating().check_can_reply(PRO, order())


@pytest.mark.parametrize(("by", "pro"), [(CLIENT, PRO), (OTHER, PRO), (OTHER, OTHER)])
def test_only_the_pro_of_the_order_and_of_the_rating_replies(by: int, pro: int) -> None:
    with pytest.raises(NotAllowed):
        rating().check_can_reply(by, order(pro=pro))


def test_a_hidden_review_takes_no_reply_and_a_second_reply_is_refused() -> None:
    with pytest.raises(NotFound):
        rating(hidden=True, reply="thanks").check_can_reply(PRO, order())
    with pytest.raises(AlreadyDone):
        rating(reply="thanks").check_can_reply(PRO, order())


def test_a_refused_reply_changes_nothing() -> None:
    hidden = rating(hidden=True)
    with pytest.raises(NotFound):
        hidden.add_reply(PRO, "thanks", T0, P, order())
    assert (hidden.reply, hidden.reply_at) == (None, None)

