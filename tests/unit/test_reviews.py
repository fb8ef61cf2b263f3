"""Review requests (note, schedule, post, remind, freeze) and ratings (stars, aspects, comment,
the pro's one reply, hiding). The history of edits: test_rating_history.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.errors import AlreadyDone, InvalidInput, InvalidTransition, NotAllowed
from bot.domain.order import Order, Status
from bot.domain.policy import Policy
from bot.domain.reviews import (
    ASPECTS,
    Rating,
    RequestMode,
    RequestState,
    ReviewRequest,
    check_stars,
)

P = Policy()
T0 = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
H, D = timedelta(hours=1), timedelta(days=1)
CLOSES = T0 + 90 * D
PRO, CLIENT, MOD = 10, 20, 30


def request(state: RequestState = RequestState.DRAFT) -> ReviewRequest:
    return ReviewRequest(order_id=1, mode=RequestMode.NOW, created_by=PRO, created_at=T0,
                         state=state, id=5)


def posted() -> ReviewRequest:
    req = request()
    req.mark_posted(T0, P, CLOSES)
    return req


def order() -> Order:
    return Order(chat_id=-100, title="Tap", pro_id=PRO, language="en", timezone="UTC",
                 created_at=T0, included_revisions=1, status=Status.DONE, client_id=CLIENT,
                 done_at=T0, id=1)


def rating(**kwargs: Any) -> Rating:
    return Rating(order_id=1, client_id=CLIENT, pro_id=PRO, stars=4, created_at=T0,
                  updated_at=T0, id=9, **kwargs)


# --- the note ------------------------------------------------------------------------------

def test_note_is_stripped() -> None:
    req = request()
    req.set_note("  Thanks for everything!  \n", P)
    assert req.note == "Thanks for everything!"


@pytest.mark.parametrize("note", ["", "   ", "\n\t"])
def test_empty_note_is_refused(note: str) -> None:
    with pytest.raises(InvalidInput):
        request().set_note(note, P)


def test_note_length_limit_is_inclusive() -> None:
    req = request()
    req.set_note("x" * P.note_max_length, P)
    assert req.note is not None and len(req.note) == 1000
    with pytest.raises(InvalidInput) as caught:
        req.set_note("x" * (P.note_max_length + 1), P)
    assert caught.value.context["limit"] == 1000
    assert req.note == "x" * 1000


def test_note_can_be_changed_while_scheduled() -> None:
    req = request(RequestState.SCHEDULED)
    req.set_note("new", P)
    assert req.note == "new"


@pytest.mark.parametrize("state", [RequestState.POSTED, RequestState.RATED, RequestState.CLOSED,
                                   RequestState.CANCELLED])
def test_note_after_sending_is_refused(state: RequestState) -> None:
    req = request(state)
    with pytest.raises(AlreadyDone):
        req.set_note("late", P)
    with pytest.raises(AlreadyDone):
        req.schedule(T0)
    with pytest.raises(AlreadyDone):
        req.mark_posted(T0, P, CLOSES)
    assert req.note is None and req.state == state


# --- schedule, post, remind ----------------------------------------------------------------

def test_schedule_and_reschedule() -> None:
    req = request()
    req.schedule(T0 + D)
    assert (req.state, req.due_at) == (RequestState.SCHEDULED, T0 + D)
    req.schedule(T0 + 2 * D)
    assert req.due_at == T0 + 2 * D


def test_mark_posted_sets_the_first_reminder() -> None:
    req = request(RequestState.SCHEDULED)
    req.mark_posted(T0, P, CLOSES)
    assert (req.state, req.posted_at, req.next_reminder_at) == (RequestState.POSTED, T0,
                                                                 T0 + 24 * H)
    assert req.active


def test_mark_posted_too_close_to_the_window_end_schedules_no_reminder() -> None:
    req = request()
    req.mark_posted(T0, P, T0 + 24 * H)
    assert req.state == RequestState.POSTED and req.next_reminder_at is None


def test_record_reminders_walks_the_schedule() -> None:
    req = posted()
    seen = [req.next_reminder_at]
    while req.next_reminder_at is not None:
        req.record_reminder(P, CLOSES)
        seen.append(req.next_reminder_at)
    assert req.reminders_sent == 15
    offsets = [s - T0 for s in seen if s is not None]
    assert offsets[:5] == [24 * H, 48 * H, 72 * H, 7 * D, 14 * D]
    assert offsets[-1] == 84 * D


@pytest.mark.parametrize("state", [RequestState.DRAFT, RequestState.SCHEDULED,
                                   RequestState.RATED, RequestState.CLOSED])
def test_no_reminder_unless_posted(state: RequestState) -> None:
    req = request(state)
    with pytest.raises(InvalidTransition):
        req.record_reminder(P, CLOSES)
    assert req.reminders_sent == 0


@pytest.mark.parametrize(("state", "active"), [
    (RequestState.DRAFT, True), (RequestState.SCHEDULED, True), (RequestState.POSTED, True),
    (RequestState.RATED, False), (RequestState.CLOSED, False), (RequestState.CANCELLED, False),
])
def test_active(state: RequestState, active: bool) -> None:
    assert request(state).active is active


# --- freeze and resume ---------------------------------------------------------------------

def test_freeze_resume_shifts_the_reminders_by_the_frozen_time() -> None:
    req = posted()
    req.freeze(T0 + 10 * H)
    assert req.frozen_at == T0 + 10 * H
    req.resume(T0 + 10 * H + 3 * D)
    assert req.frozen_at is None
    assert req.next_reminder_at == T0 + 24 * H + 3 * D
    assert req.posted_at == T0 + 3 * D
    req.record_reminder(P, CLOSES + 3 * D)
    assert req.next_reminder_at == T0 + 48 * H + 3 * D


def test_freeze_twice_keeps_the_first_moment() -> None:
    req = posted()
    req.freeze(T0 + H)
    req.freeze(T0 + 5 * H)
    assert req.frozen_at == T0 + H
    req.resume(T0 + 2 * H)
    assert req.next_reminder_at == T0 + 25 * H


def test_resume_without_freeze_changes_nothing() -> None:
    req = posted()
    req.resume(T0 + 5 * D)
    assert (req.posted_at, req.next_reminder_at) == (T0, T0 + 24 * H)


@pytest.mark.parametrize("state", [RequestState.RATED, RequestState.CLOSED,
                                   RequestState.CANCELLED])
def test_finished_requests_are_not_frozen(state: RequestState) -> None:
    req = request(state)
    req.freeze(T0)
    assert req.frozen_at is None


def test_scheduled_note_due_during_the_freeze_is_posted_on_resume() -> None:
    req = request()
    req.schedule(T0 + D)
    req.freeze(T0)
    req.resume(T0 + 3 * D)
    assert req.due_at == T0 + 3 * D  # not in the past, due at once


def test_scheduled_note_due_after_the_freeze_keeps_its_day() -> None:
    req = request()
    req.schedule(T0 + 10 * D)
    req.freeze(T0)
    req.resume(T0 + 3 * D)
    assert req.due_at == T0 + 10 * D
    assert req.posted_at is None and req.next_reminder_at is None


# --- ratings -------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [1, 2, 3, 4, 5])
def test_stars_in_range(value: int) -> None:
    assert check_stars(value) == value


@pytest.mark.parametrize("value", [0, 6, -1, 100, True, False, "3", 3.0, None])
def test_stars_out_of_range(value: object) -> None:
    with pytest.raises(InvalidInput):
        check_stars(value)  # type: ignore[arg-type]


def test_client_changes_stars() -> None:
    r = rating()
    r.change_stars(2, CLIENT, T0 + H)
    assert (r.stars, r.updated_at) == (2, T0 + H)
    with pytest.raises(InvalidInput):
        r.change_stars(6, CLIENT, T0 + 2 * H)
    assert (r.stars, r.updated_at) == (2, T0 + H)


@pytest.mark.parametrize("by", [PRO, MOD])
def test_only_the_client_rates_and_nothing_changes(by: int) -> None:
    r = rating(comment="fine")
    with pytest.raises(NotAllowed):
        r.change_stars(1, by, T0 + H)
    with pytest.raises(NotAllowed):
        r.set_aspect("quality", 1, by, T0 + H, latest=None)
    with pytest.raises(NotAllowed):
        r.set_comment("awful", by, T0 + H, P, latest=None)
    assert (r.stars, r.quality, r.comment, r.updated_at) == (4, None, "fine", T0)


@pytest.mark.parametrize("aspect", ASPECTS)
def test_aspects(aspect: str) -> None:
    r = rating()
    r.set_aspect(aspect, 5, CLIENT, T0 + H, latest=None)
    assert r.aspects()[aspect] == 5
    r.set_aspect(aspect, None, CLIENT, T0 + 2 * H, latest=None)
    assert r.aspects()[aspect] is None
    with pytest.raises(InvalidInput):
        r.set_aspect(aspect, 0, CLIENT, T0, latest=None)


def test_aspects_listing_and_unknown_aspect() -> None:
    r = rating(on_time=3)
    assert r.aspects() == {"on_time": 3, "quality": None, "communication": None}
    with pytest.raises(InvalidInput):
        r.set_aspect("price", 3, CLIENT, T0, latest=None)
    with pytest.raises(InvalidInput):
        r.set_aspect("stars", 3, CLIENT, T0, latest=None)
    assert r.stars == 4


def test_comment() -> None:
    r = rating()
    r.set_comment("  <b>great</b>  ", CLIENT, T0, P, latest=None)
    assert r.comment == "<b>great</b>"
    r.set_comment("   ", CLIENT, T0, P, latest=None)
    assert r.comment is None
    r.set_comment("x" * 1000, CLIENT, T0, P, latest=None)
    assert r.comment == "x" * 1000
    with pytest.raises(InvalidInput):
        r.set_comment("y" * 1001, CLIENT, T0, P, latest=None)
    assert r.comment == "x" * 1000
    r.set_comment(None, CLIENT, T0, P, latest=None)
    assert r.comment is None


def test_pro_replies_once() -> None:
    r = rating()
    r.add_reply(PRO, "  Thank you  ", T0 + D, P, order())
    assert (r.reply, r.reply_at) == ("Thank you", T0 + D)
    with pytest.raises(AlreadyDone):
        r.add_reply(PRO, "again", T0 + 2 * D, P, order())
    assert (r.reply, r.reply_at) == ("Thank you", T0 + D)


@pytest.mark.parametrize("by", [CLIENT, MOD])
def test_only_the_pro_replies(by: int) -> None:
    r = rating()
    with pytest.raises(NotAllowed):
        r.add_reply(by, "hi", T0, P, order())
    assert r.reply is None


def test_reply_must_have_text_within_the_limit() -> None:
    r = rating()
    with pytest.raises(InvalidInput):
        r.add_reply(PRO, "  ", T0, P, order())
    with pytest.raises(InvalidInput):
        r.add_reply(PRO, "z" * 1001, T0, P, order())
    assert r.reply is None
    r.add_reply(PRO, "z" * 1000, T0, P, order())
    assert r.reply == "z" * 1000


def test_hide_and_restore() -> None:
    r = rating()
    r.hide(MOD, "insults")
    assert (r.hidden, r.hidden_reason, r.hidden_by) == (True, "insults", MOD)
    with pytest.raises(AlreadyDone):
        r.hide(MOD, "again")
    assert r.hidden_reason == "insults"
    r.restore()
    assert (r.hidden, r.hidden_reason, r.hidden_by) == (False, None, None)
    with pytest.raises(AlreadyDone):
        r.restore()
