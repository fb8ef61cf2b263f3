"""The order's state machine: every move the professional may make, and every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import AlreadyDone, Exhausted, InvalidTransition, NotAllowed
from bot.domain.order import (
    DISPUTABLE,
    PRO_MOVES,
    NotGoingAheadReason,
    Order,
    Role,
    Status,
)

NOW = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
PRO, CLIENT, MOD, OTHER = 10, 20, 30, 40


def make_order(status: Status = Status.NOT_HIRED, client: int | None = CLIENT,
               revisions: int = 2) -> Order:
    return Order(chat_id=-100, title="Kitchen", pro_id=PRO, language="es",
                 timezone="Europe/Madrid", created_at=NOW, included_revisions=revisions,
                 status=status, client_id=client, id=1)


ALL_MOVES = [(a, b) for a in Status for b in Status if a != b]
ALLOWED = [(a, b) for a, b in ALL_MOVES if b in PRO_MOVES[a]]
REFUSED = [(a, b) for a, b in ALL_MOVES if b not in PRO_MOVES[a]]


# The moves a professional may make among the four statuses (a "done" only reopens), written
# out by hand rather than read from the code, so that a move added to or dropped from
# PRO_MOVES fails here.
N, P, D, G = Status.NOT_HIRED, Status.IN_PROGRESS, Status.DONE, Status.NOT_GOING_AHEAD
EXPECTED_PRO_MOVES = {
    (N, P), (N, D), (N, G),  # from "not hired yet": hired, finished, or not going ahead
    (P, N), (P, D), (P, G),  # rectify an "in progress", finish it, or it falls through
    (D, P),                  # a "done" reopened while the work goes on
    (G, N), (G, P), (G, D),  # Cronoshare's "rectify": an agreement after all
}


def test_the_allowed_moves_are_the_products() -> None:
    assert set(ALLOWED) == EXPECTED_PRO_MOVES


def test_the_table_covers_every_status() -> None:
    assert set(PRO_MOVES) == set(Status)
    assert PRO_MOVES[Status.DISPUTED] == frozenset()
    assert PRO_MOVES[Status.CANCELLED] == frozenset()
    assert all(Status.CANCELLED not in moves and Status.DISPUTED not in moves
               for moves in PRO_MOVES.values())


@pytest.mark.parametrize("role", [Role.PRO, Role.MODERATOR])
@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_allowed_move_changes_status_and_records_history(start: Status, to: Status,
                                                         role: Role) -> None:
    order = make_order(start)
    by = PRO if role == Role.PRO else MOD
    change = order.change_status(to, by, role, NOW, None)
    assert order.status == to
    assert (change.order_id, change.from_status, change.to_status) == (1, start, to)
    assert (change.by_user_id, change.role, change.at) == (by, role, NOW)
    assert order.pending == [change]


@pytest.mark.parametrize(("start", "to"), REFUSED)
def test_refused_move_changes_nothing(start: Status, to: Status) -> None:
    order = make_order(start)
    expected = {Status.CANCELLED: NotAllowed}.get(to, InvalidTransition)
    with pytest.raises(expected):
        order.change_status(to, PRO, Role.PRO, NOW)
    assert order.status == start
    assert order.pending == []


@pytest.mark.parametrize("status", list(Status))
def test_same_status_is_already_done(status: Status) -> None:
    order = make_order(status)
    with pytest.raises(AlreadyDone):
        order.change_status(status, PRO, Role.PRO, NOW)


@pytest.mark.parametrize("role", [Role.CLIENT, Role.STRANGER])
def test_only_pro_or_moderator_changes_status(role: Role) -> None:
    order = make_order()
    with pytest.raises(NotAllowed):
        order.change_status(Status.IN_PROGRESS, CLIENT, role, NOW)
    assert order.status == Status.NOT_HIRED and order.pending == []


def test_disputed_is_reached_only_by_opening_a_dispute() -> None:
    order = make_order(Status.IN_PROGRESS)
    with pytest.raises(InvalidTransition):
        order.change_status(Status.DISPUTED, MOD, Role.MODERATOR, NOW)


def test_done_sets_done_at_and_rectify_keeps_it() -> None:
    order = make_order(Status.IN_PROGRESS)
    order.change_status(Status.DONE, PRO, Role.PRO, NOW)
    assert order.done_at == NOW
    order.change_status(Status.IN_PROGRESS, PRO, Role.PRO, NOW + timedelta(hours=1))
    assert order.done_at == NOW
    later = NOW + timedelta(days=2)
    order.change_status(Status.DONE, PRO, Role.PRO, later)
    assert order.done_at == later


def test_not_going_ahead_no_answer_starts_refund_wait() -> None:
    order = make_order()
    change = order.change_status(Status.NOT_GOING_AHEAD, PRO, Role.PRO, NOW, "no_answer")
    assert change.reason == "no_answer"
    assert order.not_going_ahead_reason == NotGoingAheadReason.NO_ANSWER
    assert order.refund_wait_started_at == NOW


@pytest.mark.parametrize("reason", [r for r in NotGoingAheadReason
                                    if r != NotGoingAheadReason.NO_ANSWER])
def test_other_reasons_start_no_refund_wait(reason: NotGoingAheadReason) -> None:
    order = make_order()
    order.change_status(Status.NOT_GOING_AHEAD, PRO, Role.PRO, NOW, reason.value)
    assert order.not_going_ahead_reason == reason
    assert order.refund_wait_started_at is None


def test_not_going_ahead_without_reason() -> None:
    order = make_order()
    order.change_status(Status.NOT_GOING_AHEAD, PRO, Role.PRO, NOW)
    assert order.not_going_ahead_reason is None and order.refund_wait_started_at is None


def test_unknown_not_going_ahead_reason_is_refused() -> None:
    with pytest.raises(ValueError):
        make_order().change_status(Status.NOT_GOING_AHEAD, PRO, Role.PRO, NOW, "bored")


def test_rectifying_clears_the_refund_wait() -> None:
    order = make_order()
    order.change_status(Status.NOT_GOING_AHEAD, PRO, Role.PRO, NOW, "no_answer")
    order.refund_eligible_at = NOW + timedelta(hours=48)
    order.change_status(Status.IN_PROGRESS, PRO, Role.PRO, NOW + timedelta(days=3))
    assert order.not_going_ahead_reason is None
    assert order.refund_wait_started_at is None
    assert order.refund_eligible_at is None


def test_unsaved_order_cannot_record_a_change() -> None:
    order = make_order()
    order.id = 0  # not stored yet
    with pytest.raises(ValueError):
        order.change_status(Status.IN_PROGRESS, PRO, Role.PRO, NOW)


# --- roles and the client ---------------------------------------------------------------

def test_role_of() -> None:
    order = make_order()
    assert order.role_of(PRO) == Role.PRO
    assert order.role_of(CLIENT) == Role.CLIENT
    assert order.role_of(MOD, moderator=True) == Role.MODERATOR
    assert order.role_of(OTHER) == Role.STRANGER
    assert order.role_of(PRO, moderator=True) == Role.PRO


def test_role_of_without_client() -> None:
    assert make_order(client=None).role_of(CLIENT) == Role.STRANGER


def test_claim_client_first_one_wins() -> None:
    order = make_order(client=None)
    order.claim_client(CLIENT, "Ana")
    assert (order.client_id, order.client_name) == (CLIENT, "Ana")
    with pytest.raises(AlreadyDone):
        order.claim_client(OTHER, "Bea")
    with pytest.raises(AlreadyDone):
        order.claim_client(CLIENT, "Ana")
    assert order.client_id == CLIENT


def test_pro_cannot_claim_to_be_the_client() -> None:
    order = make_order(client=None)
    with pytest.raises(NotAllowed):
        order.claim_client(PRO, "Pro")
    assert order.client_id is None


# --- disputes ------------------------------------------------------------------------------

@pytest.mark.parametrize("start", sorted(DISPUTABLE))
@pytest.mark.parametrize(("by", "role"), [(PRO, Role.PRO), (CLIENT, Role.CLIENT)])
def test_open_dispute(start: Status, by: int, role: Role) -> None:
    order = make_order(start)
    change = order.open_dispute(by, role, NOW, "late")
    assert order.status == Status.DISPUTED
    assert order.status_before_dispute == start and order.dispute_opened_by == by
    assert (change.from_status, change.to_status, change.reason) == (start, Status.DISPUTED,
                                                                     "late")
    assert order.reviews_frozen


@pytest.mark.parametrize("start", [s for s in Status
                                   if s not in DISPUTABLE and s != Status.DISPUTED])
def test_nothing_to_dispute(start: Status) -> None:
    order = make_order(start)
    with pytest.raises(InvalidTransition):
        order.open_dispute(CLIENT, Role.CLIENT, NOW, "x")
    assert order.status == start and order.pending == []


def test_second_dispute_is_already_done() -> None:
    order = make_order(Status.DONE)
    order.open_dispute(CLIENT, Role.CLIENT, NOW, "x")
    with pytest.raises(AlreadyDone):
        order.open_dispute(PRO, Role.PRO, NOW, "y")


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.STRANGER])
def test_only_parties_open_a_dispute(role: Role) -> None:
    with pytest.raises(NotAllowed):
        make_order(Status.DONE).open_dispute(OTHER, role, NOW, "x")


@pytest.mark.parametrize("outcome", [Status.IN_PROGRESS, Status.DONE])
def test_moderator_closes_dispute(outcome: Status) -> None:
    order = make_order(Status.IN_PROGRESS)
    order.open_dispute(CLIENT, Role.CLIENT, NOW, "x")
    later = NOW + timedelta(days=1)
    change = order.close_dispute(outcome, MOD, Role.MODERATOR, later)
    assert order.status == outcome
    assert (change.from_status, change.to_status) == (Status.DISPUTED, outcome)
    assert order.status_before_dispute is None and order.dispute_opened_by is None
    assert order.done_at == (later if outcome == Status.DONE else None)
    assert not order.reviews_frozen


def test_closing_as_done_keeps_an_earlier_done_at() -> None:
    order = make_order(Status.IN_PROGRESS)
    order.change_status(Status.DONE, PRO, Role.PRO, NOW)
    order.open_dispute(CLIENT, Role.CLIENT, NOW + timedelta(hours=1), "x")
    order.close_dispute(Status.DONE, MOD, Role.MODERATOR, NOW + timedelta(days=3))
    assert order.done_at == NOW


@pytest.mark.parametrize("outcome", [s for s in Status
                                     if s not in (Status.IN_PROGRESS, Status.DONE)])
def test_dispute_outcome_is_in_progress_or_done(outcome: Status) -> None:
    order = make_order(Status.DONE)
    order.open_dispute(CLIENT, Role.CLIENT, NOW, "x")
    with pytest.raises(InvalidTransition):
        order.close_dispute(outcome, MOD, Role.MODERATOR, NOW)
    assert order.status == Status.DISPUTED


def test_closing_without_a_dispute() -> None:
    with pytest.raises(InvalidTransition):
        make_order(Status.DONE).close_dispute(Status.DONE, MOD, Role.MODERATOR, NOW)


@pytest.mark.parametrize(("opener", "role"), [(PRO, Role.PRO), (CLIENT, Role.CLIENT)])
def test_opener_withdraws_back_to_previous_status(opener: int, role: Role) -> None:
    order = make_order(Status.DONE)
    order.open_dispute(opener, role, NOW, "x")
    order.close_dispute(Status.DONE, opener, role, NOW)
    assert order.status == Status.DONE


def test_withdrawal_cannot_choose_another_outcome() -> None:
    order = make_order(Status.IN_PROGRESS)
    order.open_dispute(CLIENT, Role.CLIENT, NOW, "x")
    with pytest.raises(NotAllowed):
        order.close_dispute(Status.DONE, CLIENT, Role.CLIENT, NOW)
    assert order.status == Status.DISPUTED


def test_the_other_party_cannot_close_the_dispute() -> None:
    order = make_order(Status.DONE)
    order.open_dispute(CLIENT, Role.CLIENT, NOW, "x")
    with pytest.raises(NotAllowed):
        order.close_dispute(Status.DONE, PRO, Role.PRO, NOW)
    assert order.status == Status.DISPUTED and order.dispute_opened_by == CLIENT


# --- cancel --------------------------------------------------------------------------------

@pytest.mark.parametrize("start", [s for s in Status if s != Status.CANCELLED])
def test_moderator_cancels_from_anywhere(start: Status) -> None:
    order = make_order(start)
    change = order.cancel(MOD, Role.MODERATOR, NOW, "fraud")
    assert order.status == Status.CANCELLED
    assert (change.from_status, change.reason) == (start, "fraud")
    assert order.reviews_frozen


@pytest.mark.parametrize("role", [Role.PRO, Role.CLIENT, Role.STRANGER])
def test_only_a_moderator_cancels(role: Role) -> None:
    order = make_order(Status.IN_PROGRESS)
    with pytest.raises(NotAllowed):
        order.cancel(PRO, role, NOW, "x")
    assert order.status == Status.IN_PROGRESS


def test_cancel_twice() -> None:
    order = make_order(Status.CANCELLED)
    with pytest.raises(AlreadyDone):
        order.cancel(MOD, Role.MODERATOR, NOW, "x")


def test_a_cancelled_order_does_not_move() -> None:
    order = make_order(Status.CANCELLED)
    for to in (Status.IN_PROGRESS, Status.DONE, Status.NOT_HIRED):
        with pytest.raises(InvalidTransition):
            order.change_status(to, MOD, Role.MODERATOR, NOW)


# --- confirm hire, revisions ------------------------------------------------------------------

@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.DONE])
def test_client_confirms_hire_once(status: Status) -> None:
    order = make_order(status)
    order.confirm_hire(CLIENT, NOW)
    assert order.hire_confirmed_at == NOW
    with pytest.raises(AlreadyDone):
        order.confirm_hire(CLIENT, NOW + timedelta(hours=1))
    assert order.hire_confirmed_at == NOW


@pytest.mark.parametrize("by", [PRO, OTHER, MOD])
def test_only_the_client_confirms_hire(by: int) -> None:
    with pytest.raises(NotAllowed):
        make_order(Status.IN_PROGRESS).confirm_hire(by, NOW)


def test_nobody_confirms_without_a_client() -> None:
    with pytest.raises(NotAllowed):
        make_order(Status.IN_PROGRESS, client=None).confirm_hire(CLIENT, NOW)


@pytest.mark.parametrize("status", [Status.NOT_HIRED, Status.NOT_GOING_AHEAD,
                                    Status.DISPUTED, Status.CANCELLED])
def test_nothing_to_confirm(status: Status) -> None:
    order = make_order(status)
    with pytest.raises(InvalidTransition):
        order.confirm_hire(CLIENT, NOW)
    assert order.hire_confirmed_at is None


def test_revisions_allowance() -> None:
    order = make_order(revisions=2)
    assert order.revisions_left == 2
    assert order.use_revision() == 1
    assert order.use_revision() == 0
    assert order.revisions_left == 0
    with pytest.raises(Exhausted):
        order.use_revision()
    assert order.revisions_used == 2


def test_no_revisions_included() -> None:
    order = make_order(revisions=0)
    with pytest.raises(Exhausted):
        order.use_revision()
    assert order.revisions_left == 0


def test_revisions_left_never_negative() -> None:
    order = make_order(revisions=1)
    order.revisions_used = 3
    assert order.revisions_left == 0


@pytest.mark.parametrize("status", list(Status))
def test_reviews_frozen_only_when_disputed_or_cancelled(status: Status) -> None:
    assert make_order(status).reviews_frozen == (status in (Status.DISPUTED, Status.CANCELLED))
