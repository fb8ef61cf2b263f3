"""Asking for the review: who may, of which order, when, and the note. Each refusal is the
request's own, and a refused answer changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import (
    AlreadyDone,
    Frozen,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    WindowClosed,
)
from bot.domain.note_check import NoteChecker, NoteProblem
from bot.domain.notes import NoteRefused, check_note
from bot.domain.order import Order, Role, Status
from bot.domain.policy import Policy
from bot.domain.reviews import (
    RequestMode,
    RequestState,
    ReviewRequest,
    check_asker,
    check_reviewable,
    waiting_for_note,
)

P = Policy()
T0 = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
D = timedelta(days=1)
PRO, CLIENT = 10, 20
CHECKER = NoteChecker()


def order(status: Status = Status.DONE, client: int | None = CLIENT,
          done_at: datetime | None = T0) -> Order:
    return Order(chat_id=-100, title="Tap", pro_id=PRO, language="en", timezone="UTC",
                 created_at=T0 - 10 * D, included_revisions=1, status=status,
                 client_id=client, done_at=done_at, id=1)


def draft(state: RequestState = RequestState.DRAFT,
          mode: RequestMode = RequestMode.NOW) -> ReviewRequest:
    return ReviewRequest(order_id=1, mode=mode, created_by=PRO, created_at=T0, state=state,
                         id=5)


# --- who asks, of which order ---------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.PRO, Role.MODERATOR])
def test_the_pro_or_a_moderator_asks(role: Role) -> None:
    check_asker(role)


@pytest.mark.parametrize("role", [Role.CLIENT, Role.STRANGER])
def test_no_one_else_asks(role: Role) -> None:
    with pytest.raises(NotAllowed):
        check_asker(role)


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.DONE])
def test_work_under_way_or_done_is_reviewable(status: Status) -> None:
    check_reviewable(order(status), T0 + D, P)


@pytest.mark.parametrize("status", [Status.DISPUTED, Status.CANCELLED])
def test_frozen_reviews_are_refused_first(status: Status) -> None:
    with pytest.raises(Frozen):
        check_reviewable(order(status, client=None), T0 + D, P)


@pytest.mark.parametrize("status", [Status.NOT_HIRED, Status.NOT_GOING_AHEAD])
def test_nothing_to_review_before_the_work(status: Status) -> None:
    with pytest.raises(InvalidTransition):
        check_reviewable(order(status), T0 + D, P)


def test_an_order_without_a_client_is_not_reviewable() -> None:
    with pytest.raises(InvalidTransition):
        check_reviewable(order(Status.IN_PROGRESS, client=None, done_at=None), T0, P)


def test_no_review_once_the_window_has_closed() -> None:
    check_reviewable(order(), T0 + 90 * D - timedelta(seconds=1), P)
    with pytest.raises(WindowClosed):
        check_reviewable(order(), T0 + 90 * D, P)


# --- when: now, on a date, later ------------------------------------------------------------

@pytest.mark.parametrize("mode", [RequestMode.NOW, RequestMode.ON_DATE])
def test_a_first_answer_makes_a_draft(mode: RequestMode) -> None:
    request = ReviewRequest.start(order(), Role.PRO, PRO, mode, None, None, T0 + D, P)
    assert request is not None
    assert (request.order_id, request.mode, request.state, request.created_by,
            request.created_at) == (1, mode, RequestState.DRAFT, PRO, T0 + D)


def test_later_makes_nothing() -> None:
    assert ReviewRequest.start(order(), Role.PRO, PRO, RequestMode.LATER, None, None, T0, P) is None


def test_later_cancels_the_draft() -> None:
    current = draft()
    assert ReviewRequest.start(order(), Role.PRO, PRO, RequestMode.LATER, current, None, T0,
                               P) is None
    assert current.state == RequestState.CANCELLED


def test_a_new_answer_changes_the_draft() -> None:
    current = draft(mode=RequestMode.ON_DATE)
    current.due_at = T0 + 3 * D
    started = ReviewRequest.start(order(), Role.PRO, PRO, RequestMode.NOW, current, None, T0, P)
    assert started is current
    assert (current.mode, current.due_at, current.state) == (RequestMode.NOW, None,
                                                             RequestState.DRAFT)


@pytest.mark.parametrize("state", [RequestState.SCHEDULED, RequestState.POSTED])
@pytest.mark.parametrize("mode", list(RequestMode))
def test_a_request_already_sent_is_not_asked_again(state: RequestState,
                                                   mode: RequestMode) -> None:
    current = draft(state)
    with pytest.raises(AlreadyDone) as caught:
        ReviewRequest.start(order(), Role.PRO, PRO, mode, current, None, T0, P)
    assert caught.value.context == {"kind": "request"}
    assert (current.state, current.mode) == (state, RequestMode.NOW)


def test_the_client_cannot_start_the_request_even_on_a_frozen_order() -> None:
    current = draft()
    with pytest.raises(NotAllowed):
        ReviewRequest.start(order(Status.DISPUTED), Role.CLIENT, CLIENT, RequestMode.LATER,
                            current, None, T0, P)
    assert current.state == RequestState.DRAFT


def test_only_a_draft_waits_for_a_note() -> None:
    request = draft()
    assert waiting_for_note(request, None) is request
    for waiting in (None, draft(RequestState.SCHEDULED), draft(RequestState.CANCELLED)):
        with pytest.raises(AlreadyDone):
            waiting_for_note(waiting, None)


# --- the day --------------------------------------------------------------------------------

def test_a_day_in_the_window_sets_the_date() -> None:
    request = draft()
    request.choose_day((T0 + 2 * D).date(), order(), T0, P)
    assert (request.mode, request.due_at) == (RequestMode.ON_DATE,
                                              P.review_due_at((T0 + 2 * D).date(), "UTC"))


def test_a_day_in_the_past_is_refused() -> None:
    request = draft()
    with pytest.raises(InvalidInput) as caught:
        request.choose_day((T0 - D).date(), order(), T0, P)
    assert caught.value.context == {"field": "date"}
    assert (request.mode, request.due_at) == (RequestMode.NOW, None)


def test_a_day_beyond_the_window_names_the_latest_day() -> None:
    request = draft()
    with pytest.raises(InvalidInput) as caught:
        request.choose_day((T0 + 100 * D).date(), order(), T0, P)
    assert caught.value.context["latest"] == P.last_review_day("UTC", T0, T0)
    assert request.due_at is None


def test_no_day_left_in_the_window() -> None:
    with pytest.raises(WindowClosed):
        draft().choose_day((T0 + D).date(), order(done_at=T0 - 100 * D), T0, P)


# --- the note -------------------------------------------------------------------------------

def test_a_note_now_is_posted() -> None:
    request = draft()
    assert request.accept_note(order(), " Thanks! ", T0 + D, P, CHECKER) is True
    assert (request.state, request.note, request.posted_at) == (RequestState.POSTED, "Thanks!",
                                                                T0 + D)
    assert request.next_reminder_at == T0 + 2 * D


def test_a_note_for_a_later_day_is_scheduled() -> None:
    request = draft()
    request.choose_day((T0 + 3 * D).date(), order(), T0, P)
    assert request.accept_note(order(), "Thanks!", T0, P, CHECKER) is False
    assert request.state == RequestState.SCHEDULED and request.posted_at is None


def test_an_unfair_note_is_refused_and_kept_for_editing() -> None:
    request = draft()
    with pytest.raises(NoteRefused) as caught:
        request.accept_note(order(), "Please give us 5 stars!", T0, P, CHECKER)
    assert caught.value.finding.problem == NoteProblem.ASKS_FOR_RATING
    assert caught.value.note == "Please give us 5 stars!"
    assert (request.state, request.note) == (RequestState.DRAFT, None)


def test_a_note_on_a_frozen_order_is_refused_before_it_is_checked() -> None:
    request = draft()
    with pytest.raises(Frozen):
        request.accept_note(order(Status.DISPUTED), "", T0, P, CHECKER)
    assert request.state == RequestState.DRAFT


@pytest.mark.parametrize(("note", "limit"), [("   ", None), ("x" * 1001, 1000)])
def test_an_empty_or_long_note_is_refused(note: str, limit: int | None) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_note(note, CHECKER, P)
    assert not isinstance(caught.value, NoteRefused)
    assert caught.value.context.get("limit") == limit


def test_without_a_checker_only_the_length_is_checked() -> None:
    assert check_note(" Give us 5 stars ", None, P) == "Give us 5 stars"
