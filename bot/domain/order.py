"""The order: its people, its status state machine and the history of every change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.domain.errors import AlreadyDone, Exhausted, InvalidTransition, NotAllowed


class Status(StrEnum):
    NOT_HIRED = "not_hired"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_GOING_AHEAD = "not_going_ahead"
    CANCELLED = "cancelled"
    DISPUTED = "disputed"


class Role(StrEnum):
    PRO = "pro"
    CLIENT = "client"
    MODERATOR = "moderator"
    STRANGER = "stranger"


class NotGoingAheadReason(StrEnum):
    """Seed 002 (Cronoshare): why a job did not happen."""

    POSTPONED = "postponed"
    NO_ANSWER = "no_answer"
    SOLVED_OTHERWISE = "solved_otherwise"
    NO_AGREEMENT = "no_agreement"
    NEVER_POSTED = "never_posted"


# What the professional may choose from each status ("rectify" included).
PRO_MOVES: dict[Status, frozenset[Status]] = {
    Status.NOT_HIRED: frozenset({Status.IN_PROGRESS, Status.DONE, Status.NOT_GOING_AHEAD}),
    Status.IN_PROGRESS: frozenset({Status.NOT_HIRED, Status.DONE, Status.NOT_GOING_AHEAD}),
    Status.DONE: frozenset({Status.IN_PROGRESS}),
    Status.NOT_GOING_AHEAD: frozenset({Status.NOT_HIRED, Status.IN_PROGRESS, Status.DONE}),
    Status.DISPUTED: frozenset(),
    Status.CANCELLED: frozenset(),
}
DISPUTABLE = frozenset({Status.IN_PROGRESS, Status.DONE})
DISPUTE_OUTCOMES = frozenset({Status.IN_PROGRESS, Status.DONE})


@dataclass
class StatusChange:
    order_id: int
    from_status: Status | None
    to_status: Status
    by_user_id: int
    role: Role
    at: datetime
    reason: str | None = None
    id: int | None = None


@dataclass
class Order:
    chat_id: int
    title: str
    pro_id: int
    language: str
    timezone: str
    created_at: datetime
    included_revisions: int
    status: Status = Status.NOT_HIRED
    client_id: int | None = None
    pro_name: str = ""
    client_name: str = ""
    id: int | None = None
    thread_id: int | None = None
    done_at: datetime | None = None
    hire_confirmed_at: datetime | None = None
    status_before_dispute: Status | None = None
    dispute_opened_by: int | None = None
    revisions_used: int = 0
    delivery_date: date | None = None
    not_going_ahead_reason: NotGoingAheadReason | None = None
    refund_wait_started_at: datetime | None = None
    refund_eligible_at: datetime | None = None
    refund_decided_at: datetime | None = None
    last_pro_message_at: datetime | None = None
    last_client_message_at: datetime | None = None
    checkin_used_at: datetime | None = None
    # The check-in window the card was last refreshed for (the pro's message it counts from),
    # and whether the card offers the check-in button in it (bot.domain.checkin).
    checkin_window_for: datetime | None = None
    checkin_offered: bool = False
    chat_active: bool = True
    can_read_all: bool = False
    bind_token: str | None = None
    version: int = 0
    pending: list[StatusChange] = field(default_factory=list, repr=False, compare=False)

    def role_of(self, user_id: int, moderator: bool = False) -> Role:
        if user_id == self.pro_id:
            return Role.PRO
        if self.client_id is not None and user_id == self.client_id:
            return Role.CLIENT
        return Role.MODERATOR if moderator else Role.STRANGER

    def claim_client(self, user_id: int, name: str) -> None:
        """The first other member who taps "I am the client" becomes the client."""
        if user_id == self.pro_id:
            raise NotAllowed("the professional cannot be the client")
        if self.client_id is not None:
            raise AlreadyDone("the order already has a client")
        self.client_id = user_id
        self.client_name = name

    def change_status(
        self, to: Status, by: int, role: Role, now: datetime, reason: str | None = None
    ) -> StatusChange:
        self._check_move(to, role)
        change = StatusChange(self._id(), self.status, to, by, role, now, reason)
        self._apply(to, now, reason)
        self.pending.append(change)
        return change

    def _check_move(self, to: Status, role: Role) -> None:
        if role not in (Role.PRO, Role.MODERATOR):
            raise NotAllowed("only the professional or a moderator changes the status")
        if to == self.status:
            raise AlreadyDone("the order already has that status", status=to)
        if to == Status.CANCELLED:
            raise NotAllowed("cancelling goes through a moderator")
        if to == Status.DISPUTED:
            raise InvalidTransition("open a dispute instead", status=self.status)
        if to not in PRO_MOVES[self.status]:
            raise InvalidTransition("not from here", status=self.status, to=to)

    def _apply(self, to: Status, now: datetime, reason: str | None) -> None:
        self.status = to
        if to == Status.DONE:
            self.done_at = now
        if to == Status.NOT_GOING_AHEAD:
            self.not_going_ahead_reason = NotGoingAheadReason(reason) if reason else None
            no_answer = self.not_going_ahead_reason == NotGoingAheadReason.NO_ANSWER
            self.refund_wait_started_at = now if no_answer else None
        else:
            self.not_going_ahead_reason = None
            self.refund_wait_started_at = None
        self.refund_eligible_at = None if to != Status.NOT_GOING_AHEAD else self.refund_eligible_at

    def open_dispute(self, by: int, role: Role, now: datetime, reason: str) -> StatusChange:
        if role not in (Role.PRO, Role.CLIENT):
            raise NotAllowed("only the professional or the client opens a dispute")
        if self.status == Status.DISPUTED:
            raise AlreadyDone("a dispute is already open")
        if self.status not in DISPUTABLE:
            raise InvalidTransition("nothing to dispute yet", status=self.status)
        change = StatusChange(self._id(), self.status, Status.DISPUTED, by, role, now, reason)
        self.status_before_dispute = self.status
        self.dispute_opened_by = by
        self.status = Status.DISPUTED
        self.pending.append(change)
        return change

    def close_dispute(self, outcome: Status, by: int, role: Role, now: datetime) -> StatusChange:
        if self.status != Status.DISPUTED:
            raise InvalidTransition("no open dispute", status=self.status)
        if outcome not in DISPUTE_OUTCOMES:
            raise InvalidTransition("a dispute ends in progress or done", to=outcome)
        withdrawing = by == self.dispute_opened_by and outcome == self.status_before_dispute
        if role != Role.MODERATOR and not withdrawing:
            raise NotAllowed("a moderator closes the dispute")
        change = StatusChange(self._id(), self.status, outcome, by, role, now, "dispute closed")
        self.status = outcome
        if outcome == Status.DONE and self.done_at is None:
            self.done_at = now
        self.status_before_dispute = None
        self.dispute_opened_by = None
        self.pending.append(change)
        return change

    def cancel(self, by: int, role: Role, now: datetime, reason: str) -> StatusChange:
        if role != Role.MODERATOR:
            raise NotAllowed("cancelling goes through a moderator")
        if self.status == Status.CANCELLED:
            raise AlreadyDone("already cancelled")
        change = StatusChange(self._id(), self.status, Status.CANCELLED, by, role, now, reason)
        self.status = Status.CANCELLED
        self.pending.append(change)
        return change

    def confirm_hire(self, by: int, now: datetime) -> None:
        if by != self.client_id:
            raise NotAllowed("only the client confirms the hire")
        if self.status not in (Status.IN_PROGRESS, Status.DONE):
            raise InvalidTransition("nothing to confirm", status=self.status)
        if self.hire_confirmed_at is not None:
            raise AlreadyDone("hire already confirmed")
        self.hire_confirmed_at = now

    def use_revision(self) -> int:
        """Count one revision against the allowance; return how many are left."""
        if self.revisions_used >= self.included_revisions:
            raise Exhausted("no revisions left", included=self.included_revisions)
        self.revisions_used += 1
        return self.included_revisions - self.revisions_used

    @property
    def revisions_left(self) -> int:
        return max(self.included_revisions - self.revisions_used, 0)

    @property
    def reviews_frozen(self) -> bool:
        return self.status in (Status.DISPUTED, Status.CANCELLED)

    def _id(self) -> int:
        if self.id is None:
            raise ValueError("the order has not been stored yet")
        return self.id
