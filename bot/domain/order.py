"""The order: its people, its status state machine and the history of every change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.domain.errors import AlreadyDone, Exhausted, InvalidInput, InvalidTransition, NotAllowed
from bot.domain.events import (
    RecordsEvents,
    RefundBecameEligible,
    RefundDecided,
    RefundWithdrawn,
    StatusChanged,
)


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
    """Why a job did not happen."""

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
# While the work is under way or delivered: revisions, new dates, disputes, the check-in.
WORKING = frozenset({Status.IN_PROGRESS, Status.DONE})
REVISIONS_MAX = 20
DELIVERY_HORIZON = timedelta(days=365)  # a delivery date is at most a year ahead
# Telegram's GroupAnonymousBot: the sender of every message an anonymous admin posts, in any
# group, so it stands for nobody in particular.
ANONYMOUS_ADMIN_ID = 1087968824


def check_may_take_role(user_id: int, is_bot: bool) -> None:
    """The client and the professional are people: not a bot account, not the anonymous
    admin (who is asked to write as themselves)."""
    if user_id == ANONYMOUS_ADMIN_ID:
        raise NotAllowed("the anonymous admin takes no role", why="anonymous_admin")
    if is_bot:
        raise NotAllowed("a bot account takes no role", why="bot_account")


@dataclass
class StatusChange:
    order_id: int
    from_status: Status | None
    to_status: Status
    by_user_id: int
    role: Role
    at: datetime
    reason: str | None = None
    id: int = 0  # 0 until stored


@dataclass
class Order(RecordsEvents):
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
    # The territory of the order's locale ("ES", "BR", "SA"): the first day of the week,
    # date and number formats of the chat. "" for the language's default.
    region: str = ""
    id: int = 0  # 0 until stored
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

    def check_tapped_in(self, chat_id: int) -> None:
        """A button acts only on the order of the chat it was tapped in."""
        if self.chat_id != chat_id:
            raise NotAllowed("the button belongs to another chat")

    def check_has_pro(self) -> None:
        """Pro-only actions wait until the order has its professional."""
        if not self.pro_id:
            raise NotAllowed("the order has no professional yet", why="no_pro")

    def check_manager(self, role: Role) -> None:
        """The professional (once there is one) or a moderator updates and sets up the order."""
        self.check_has_pro()
        if role not in (Role.PRO, Role.MODERATOR):
            raise NotAllowed("only the professional or a moderator manages the order")

    def bind_to(self, chat_id: int, thread_id: int | None) -> None:
        """A backend's order binds the first chat that opens its link (again: the same one)."""
        if self.chat_id not in (0, chat_id):
            raise NotAllowed("the order is bound to another chat")
        self.chat_id, self.thread_id = chat_id, thread_id

    @property
    def holds_chat(self) -> bool:
        """A chat has one order at a time; a cancelled one leaves room for a new one."""
        return self.status != Status.CANCELLED

    def claim_pro(self, user_id: int, name: str, moderator: bool = False,
                  is_bot: bool = False) -> None:
        """A moderator's order: the first other member who taps "I am the professional"."""
        if moderator:
            raise NotAllowed("a moderator takes no role in the order", why="moderator_role")
        check_may_take_role(user_id, is_bot)
        if self.pro_id:
            raise AlreadyDone("the order already has a professional")
        if user_id == self.client_id:
            raise NotAllowed("the client cannot be the professional", why="both_roles")
        self.pro_id, self.pro_name = user_id, name

    def claim_client(self, user_id: int, name: str, moderator: bool = False,
                     is_bot: bool = False) -> None:
        """The first other member who taps "I am the client" becomes the client."""
        if moderator:
            raise NotAllowed("a moderator takes no role in the order", why="moderator_role")
        check_may_take_role(user_id, is_bot)
        if user_id == self.pro_id:
            raise NotAllowed("the professional cannot be the client", why="both_roles")
        if self.client_id is not None:
            raise AlreadyDone("the order already has a client")
        self.client_id = user_id
        self.client_name = name

    def set_included_revisions(self, n: int) -> None:
        """Never fewer than already used; the manager's check comes first (`check_manager`)."""
        if not 0 <= n <= REVISIONS_MAX or n < self.revisions_used:
            raise InvalidInput("bad number of revisions", field="revisions")
        self.included_revisions = n

    def set_first_delivery_date(self, day: date, today: date) -> None:
        """From today to a year ahead, like a new date proposed later."""
        if day < today:
            raise InvalidInput("the date is in the past", field="date")
        if day > today + DELIVERY_HORIZON:
            raise InvalidInput("the date is too far", field="date", too_far=day)
        self.delivery_date = day

    def change_status(
        self, to: Status, by: int, role: Role, now: datetime, reason: str | None = None
    ) -> StatusChange:
        self.check_move(to, role)
        change = StatusChange(self._id(), self.status, to, by, role, now, reason)
        was_eligible = self.refund_eligible_at is not None
        self._apply(to, now, reason)
        self._changed(change)
        if was_eligible and self.refund_eligible_at is None:  # the professional rectified
            self.record(RefundWithdrawn(self._id(), by, now))
        return change

    def _changed(self, change: StatusChange) -> None:
        """Kept for the order's history, and recorded for whoever waits on the status."""
        self.pending.append(change)
        self.record(StatusChanged(change.order_id, change.to_status.value, change.at))

    def become_refund_eligible(self, now: datetime) -> None:
        """The wait for a client who did not answer ran out."""
        self.refund_eligible_at = now
        self.record(RefundBecameEligible(self._id(), now))

    def decide_refund(self, by: int, now: datetime) -> None:
        """A moderator recorded the refund decision (the marketplace moves the credits)."""
        self.refund_decided_at = now
        self.record(RefundDecided(self._id(), by, now))

    def check_pro_move(self, to: Status, role: Role) -> None:
        """A status button: cancelling and disputing have their own ways, never this one."""
        if to in (Status.CANCELLED, Status.DISPUTED):
            raise NotAllowed("not a status the professional sets")
        self.check_move(to, role)

    def check_move(self, to: Status, role: Role) -> None:
        """Whether `role` may move the order to `to` now (asked before the reason, too)."""
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

    def check_disputant(self, role: Role) -> None:
        if role not in (Role.PRO, Role.CLIENT):
            raise NotAllowed("only the professional or the client opens a dispute")

    def check_can_dispute(self, role: Role) -> None:
        self.check_disputant(role)
        if self.status == Status.DISPUTED:
            raise AlreadyDone("a dispute is already open")
        if self.status not in DISPUTABLE:
            raise InvalidTransition("nothing to dispute yet", status=self.status)

    def open_dispute(self, by: int, role: Role, now: datetime, reason: str) -> StatusChange:
        self.check_can_dispute(role)
        change = StatusChange(self._id(), self.status, Status.DISPUTED, by, role, now, reason)
        self.status_before_dispute = self.status
        self.dispute_opened_by = by
        self.status = Status.DISPUTED
        self._changed(change)
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
        self._changed(change)
        return change

    def cancel(self, by: int, role: Role, now: datetime, reason: str) -> StatusChange:
        if role != Role.MODERATOR:
            raise NotAllowed("cancelling goes through a moderator")
        if self.status == Status.CANCELLED:
            raise AlreadyDone("already cancelled")
        change = StatusChange(self._id(), self.status, Status.CANCELLED, by, role, now, reason)
        self.status = Status.CANCELLED
        self._changed(change)
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
    def working(self) -> bool:
        return self.status in WORKING

    def check_working(self) -> None:
        if not self.working:
            raise InvalidTransition("only while the work is in progress or done",
                                    status=self.status)

    @property
    def revisions_left(self) -> int:
        return max(self.included_revisions - self.revisions_used, 0)

    @property
    def reviews_frozen(self) -> bool:
        return self.status in (Status.DISPUTED, Status.CANCELLED)

    def _id(self) -> int:
        if not self.id:
            raise ValueError("the order has not been stored yet")
        return self.id
