"""Review requests (the note and the stars in one message, then spaced reminders) and ratings
(stars, optional aspects and comment, one reply by the pro, the history of edits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.errors import (
    AlreadyDone,
    Frozen,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    WindowClosed,
)
from bot.domain.events import RecordsEvents, ReviewScheduled
from bot.domain.note_check import NoteChecker
from bot.domain.notes import check_note
from bot.domain.order import Order, Role, Status
from bot.domain.policy import Policy

# The rating lives in its own module; the storage and the views import it from here too.
from bot.domain.ratings import ASPECTS, Rating, RatingEdit, check_stars

__all__ = [
    "ACTIVE_REQUEST_STATES", "ASPECTS", "Rating", "RatingEdit", "RequestMode",
    "RequestState", "ReviewRequest", "check_asker", "check_not_rated", "check_reviewable",
    "check_stars", "waiting_for_note",
]


class RequestMode(StrEnum):
    NOW = "now"
    ON_DATE = "on_date"
    LATER = "later"


class RequestState(StrEnum):
    DRAFT = "draft"  # waiting for the pro's note
    SCHEDULED = "scheduled"  # the note is posted at due_at
    POSTED = "posted"  # the note and the stars are in the chat
    RATED = "rated"
    CLOSED = "closed"  # the rating window closed unrated
    CANCELLED = "cancelled"


ACTIVE_REQUEST_STATES = frozenset({RequestState.DRAFT, RequestState.SCHEDULED, RequestState.POSTED})


def check_asker(role: Role) -> None:
    """Only the professional (or a moderator) chooses when the review is asked for."""
    if role not in (Role.PRO, Role.MODERATOR):
        raise NotAllowed("only the professional asks for the review")


def check_reviewable(order: Order, now: datetime, policy: Policy) -> None:
    """A review is asked for work under way or done, with a client, not while reviews are
    frozen, and not once the rating window has closed."""
    if order.reviews_frozen:
        raise Frozen("reviews are frozen", status=order.status)
    if order.status not in (Status.IN_PROGRESS, Status.DONE):
        raise InvalidTransition("nothing to review yet", status=order.status)
    if order.client_id is None:
        raise InvalidTransition("the order has no client yet")
    if order.done_at is not None and not policy.rating_open(order.done_at, now):
        raise WindowClosed("the rating window has closed")


def check_not_rated(rating: Rating | None) -> None:
    """One review request per order, ever: once the client has rated (`rating`, the order's),
    nothing more is asked, whatever old button is tapped."""
    if rating is not None:
        raise AlreadyDone("the client already rated this order", kind="request", why="rated")


def waiting_for_note(request: ReviewRequest | None, rating: Rating | None) -> ReviewRequest:
    """The order's request still waiting for the pro's note (never once the order is rated);
    any other was already sent."""
    check_not_rated(rating)
    if request is None or request.state != RequestState.DRAFT:
        raise AlreadyDone("no request waiting for a note", kind="request")
    return request


@dataclass
class ReviewRequest(RecordsEvents):
    order_id: int
    mode: RequestMode
    created_by: int
    created_at: datetime
    state: RequestState = RequestState.DRAFT
    note: str | None = None
    due_at: datetime | None = None
    posted_at: datetime | None = None
    reminders_sent: int = 0
    next_reminder_at: datetime | None = None
    frozen_at: datetime | None = None
    id: int = 0  # 0 until stored
    version: int = 0

    @classmethod
    def start(cls, order: Order, role: Role, by: int, mode: RequestMode,
              current: ReviewRequest | None, rating: Rating | None, now: datetime,
              policy: Policy) -> ReviewRequest | None:
        """The pro's answer to "when should we ask for the review?": a new draft, or the
        current draft with the new answer; none for later (a current draft is cancelled).
        Refused once the order is rated (`rating`: the order's, if any)."""
        check_asker(role)
        check_not_rated(rating)
        check_reviewable(order, now, policy)
        if current is not None:
            current.answer_again(mode)
            return None if mode == RequestMode.LATER else current
        if mode == RequestMode.LATER:
            return None
        return cls(order_id=order.id, mode=mode, created_by=by, created_at=now)

    def answer_again(self, mode: RequestMode) -> None:
        """A new answer while the draft waits for its note; a request already sent is never
        asked for again."""
        if self.state != RequestState.DRAFT:
            raise AlreadyDone("a review request was already sent", kind="request")
        if mode == RequestMode.LATER:
            self.state = RequestState.CANCELLED
            return
        self.mode, self.due_at = mode, None

    def choose_day(self, day: date, order: Order, now: datetime, policy: Policy) -> None:
        """The day the note is posted: not in the past, not beyond the rating window (each
        refused with its own reason; the latter names the latest day allowed)."""
        if not policy.review_day_allowed(day, order.timezone, now, order.done_at):
            today = now.astimezone(ZoneInfo(order.timezone)).date()
            if day < today:
                raise InvalidInput("date in the past", field="date")
            latest = policy.last_review_day(order.timezone, now, order.done_at)
            if latest < today:
                raise WindowClosed("no day is left in the rating window")
            raise InvalidInput("date beyond the rating window", field="date", latest=latest)
        self.mode = RequestMode.ON_DATE
        self.due_at = policy.review_due_at(day, order.timezone)

    def accept_note(self, order: Order, note: str, now: datetime, policy: Policy,
                    checker: NoteChecker) -> bool:
        """The pro's checked note: posted now (True) or kept for its day (False)."""
        check_reviewable(order, now, policy)
        self.set_note(note, policy, checker)
        if self.mode == RequestMode.ON_DATE and self.due_at and self.due_at > now:
            self.schedule(self.due_at)
            return False
        self.post(order, now, policy)
        return True

    def set_note(self, note: str, policy: Policy, checker: NoteChecker | None = None) -> None:
        text = check_note(note, checker, policy)
        if self.state not in (RequestState.DRAFT, RequestState.SCHEDULED):
            raise AlreadyDone("the request was already sent")
        self.note = text
        self.record(ReviewScheduled(self.order_id))

    def schedule(self, due_at: datetime) -> None:
        if self.state not in (RequestState.DRAFT, RequestState.SCHEDULED):
            raise AlreadyDone("the request was already sent")
        self.state = RequestState.SCHEDULED
        self.due_at = due_at

    def post(self, order: Order, now: datetime, policy: Policy) -> None:
        """The note and the stars go out now; the window closes from the order's done date."""
        self.mark_posted(now, policy, policy.rating_closes_at(order.done_at or now))

    def mark_posted(self, now: datetime, policy: Policy, window_closes_at: datetime) -> None:
        if self.state not in (RequestState.DRAFT, RequestState.SCHEDULED):
            raise AlreadyDone("the request was already sent")
        self.state = RequestState.POSTED
        self.posted_at = now
        self.next_reminder_at = policy.next_reminder(now, 0, window_closes_at)

    def check_can_rate(self, order: Order, by: int, now: datetime, policy: Policy) -> None:
        """Only the order's client, while reviews are not frozen and the window is open, on
        a request that is out (posted, or rated already: the rating can still change)."""
        if by != order.client_id:
            raise NotAllowed("only the client rates")
        if order.reviews_frozen:
            raise Frozen("reviews are frozen", status=order.status)
        if self.state == RequestState.CLOSED or \
                not policy.rating_open(order.done_at or self.posted_at, now):
            raise WindowClosed("the rating window has closed")
        if self.state not in (RequestState.POSTED, RequestState.RATED):
            raise AlreadyDone("this request is no longer open")

    def rate(self, order: Order, by: int, stars: int, now: datetime, policy: Policy) -> bool:
        """The client's stars on this request, if `check_can_rate` allows them; True when the
        request became rated just now (its reminders stop)."""
        self.check_can_rate(order, by, now, policy)
        check_stars(stars)
        if self.state == RequestState.RATED:
            return False
        self.state, self.next_reminder_at = RequestState.RATED, None
        return True

    def end_if_rated(self, rating: Rating | None) -> bool:
        """A request still out for an order already rated (asked again before there was one
        request per order) asks nothing more: no note, no reminder. True when it ended now."""
        if rating is None or not self.active:
            return False
        self.state, self.next_reminder_at = RequestState.RATED, None
        return True

    def note_due(self, now: datetime) -> bool:
        """A scheduled note whose time has come (a frozen one waits)."""
        return (self.state == RequestState.SCHEDULED and self.frozen_at is None
                and self.due_at is not None and self.due_at <= now)

    def reminder_due(self, now: datetime) -> bool:
        """A posted, unrated request whose next reminder is due (a frozen one waits)."""
        return (self.state == RequestState.POSTED and self.frozen_at is None
                and self.next_reminder_at is not None and self.next_reminder_at <= now)

    def record_reminder(self, policy: Policy, window_closes_at: datetime) -> None:
        if self.state != RequestState.POSTED or self.posted_at is None:
            raise InvalidTransition("no posted request to remind of")
        self.reminders_sent += 1
        self.next_reminder_at = policy.next_reminder(
            self.posted_at, self.reminders_sent, window_closes_at
        )

    def remind(self, policy: Policy, window_closes_at: datetime, now: datetime) -> None:
        """Count the reminder sent now. After a downtime that skipped several, one is sent,
        not a burst: the cadence continues from this reminder, as after a freeze (`resume`)."""
        due = self.next_reminder_at
        self.record_reminder(policy, window_closes_at)
        late = self.next_reminder_at is not None and self.next_reminder_at <= now
        if late and due is not None and self.posted_at is not None:
            self.posted_at += now - due
            self.next_reminder_at = policy.next_reminder(
                self.posted_at, self.reminders_sent, window_closes_at)

    def hold(self, until: datetime | None) -> None:
        """Quiet hours: the note or reminder due now goes at `until` instead; a reminder with
        no `until` (held past the rating window's close) is not sent at all."""
        if self.state == RequestState.SCHEDULED:
            if until is None:
                raise ValueError("a scheduled note is held until a time")
            self.due_at = until
        elif self.state == RequestState.POSTED:
            self.next_reminder_at = until
        else:
            raise InvalidTransition("only a scheduled note or a reminder waits")

    def close(self) -> bool:
        """The rating window closed unrated; True when its stars were in the chat (they now
        say so)."""
        was_posted = self.state == RequestState.POSTED
        self.state, self.next_reminder_at = RequestState.CLOSED, None
        return was_posted

    def freeze(self, now: datetime) -> None:
        if self.frozen_at is None and self.state in ACTIVE_REQUEST_STATES:
            self.frozen_at = now

    def resume(self, now: datetime) -> None:
        """The schedule continues from now: everything due is pushed back by the frozen time."""
        if self.frozen_at is None:
            return
        paused = now - self.frozen_at
        if self.next_reminder_at is not None:
            self.next_reminder_at += paused
        if self.posted_at is not None:
            self.posted_at += paused
        if self.state == RequestState.SCHEDULED and self.due_at is not None:
            self.due_at = max(self.due_at, now)
        self.frozen_at = None
        self.record(ReviewScheduled(self.order_id))

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_REQUEST_STATES
