"""Revisions, new delivery dates, disputes and the check-in: each refusal, decided by the
domain, and the moments that have passed (told, not refused)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain import checkin, delivery_dates, disputes
from bot.domain.checkin import CheckinBlock
from bot.domain.delivery_dates import AnswerBlock, DateProblem
from bot.domain.disputes import DisputeBlock
from bot.domain.errors import AlreadyDone, InvalidInput, InvalidTransition, NotAllowed
from bot.domain.order import Order, Role, Status
from bot.domain.policy import Policy
from bot.domain.revisions import (
    DeliveryProposal,
    ProposalState,
    RevisionBlock,
    check_can_revise,
    check_reviser,
    revision_block,
)

NOW = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
TODAY, LAST = date(2027, 3, 8), date(2028, 3, 7)
CHAT, PRO, CLIENT, MOD, OTHER = -100, 10, 20, 30, 40
P = Policy()


def make_order(status: Status = Status.IN_PROGRESS) -> Order:
    return Order(chat_id=CHAT, title="Kitchen", pro_id=PRO, language="es",
                 timezone="Europe/Madrid", created_at=NOW, included_revisions=1,
                 status=status, client_id=CLIENT, id=1)


# Revisions ---------------------------------------------------------------------------------

def test_only_the_client_asks_for_a_revision() -> None:
    with pytest.raises(NotAllowed):
        check_reviser(make_order(), PRO)
    check_reviser(make_order(), CLIENT)


def test_a_revision_waits_for_the_work() -> None:
    order = make_order(Status.NOT_HIRED)
    assert revision_block(order) == RevisionBlock.STAGE
    with pytest.raises(InvalidTransition):
        check_can_revise(order, CLIENT)


def test_a_used_allowance_is_told() -> None:
    order = make_order()
    assert revision_block(order) is None
    order.use_revision()
    assert revision_block(order) == RevisionBlock.EXHAUSTED


# New delivery dates ------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "problem"), [
    (date(2027, 3, 7), DateProblem.PAST), (date(2028, 3, 8), DateProblem.TOO_FAR),
    (date(2027, 4, 1), DateProblem.CURRENT), (date(2027, 4, 2), None), (TODAY, None)])
def test_date_problems(day: date, problem: DateProblem | None) -> None:
    order = make_order()
    order.delivery_date = date(2027, 4, 1)
    assert delivery_dates.date_problem(order, day, TODAY, LAST) == problem


def test_the_professional_proposes_while_the_work_goes_on() -> None:
    proposal = delivery_dates.propose(make_order(), PRO, date(2027, 4, 2), TODAY, LAST, NOW)
    assert (proposal.order_id, proposal.proposed_date, proposal.state) == (
        1, date(2027, 4, 2), ProposalState.PENDING)
    with pytest.raises(NotAllowed):
        delivery_dates.propose(make_order(), CLIENT, date(2027, 4, 2), TODAY, LAST, NOW)
    with pytest.raises(InvalidTransition):
        delivery_dates.propose(make_order(Status.CANCELLED), PRO, date(2027, 4, 2), TODAY, LAST,
                               NOW)


@pytest.mark.parametrize(("day", "error"), [(date(2027, 3, 7), InvalidInput),
                                            (date(2028, 3, 8), InvalidInput),
                                            (date(2027, 4, 1), AlreadyDone)])
def test_a_proposed_date_that_cannot_be(day: date, error: type[Exception]) -> None:
    order = make_order()
    order.delivery_date = date(2027, 4, 1)
    with pytest.raises(error):
        delivery_dates.propose(order, PRO, day, TODAY, LAST, NOW)


def proposal(state: ProposalState = ProposalState.PENDING) -> DeliveryProposal:
    return DeliveryProposal(1, date(2027, 4, 2), PRO, NOW, state=state, id=3)


def test_only_the_client_answers() -> None:
    with pytest.raises(NotAllowed):
        delivery_dates.answer_block(make_order(), proposal(), PRO)
    with pytest.raises(NotAllowed):
        delivery_dates.answer(make_order(), proposal(), True, MOD, NOW)


def test_a_late_answer_is_told_what_is_true_now() -> None:
    answered = proposal(ProposalState.WITHDRAWN)
    assert delivery_dates.answer_block(make_order(), answered, CLIENT) == AnswerBlock.ANSWERED
    stopped = make_order(Status.DISPUTED)
    assert delivery_dates.answer_block(stopped, proposal(), CLIENT) == AnswerBlock.STAGE
    assert delivery_dates.answer_block(make_order(), proposal(), CLIENT) is None


def test_an_accepted_date_becomes_the_delivery_date() -> None:
    order, p = make_order(), proposal()
    delivery_dates.answer(order, p, True, CLIENT, NOW)
    assert (order.delivery_date, p.state) == (date(2027, 4, 2), ProposalState.ACCEPTED)


def test_a_withdrawn_proposal() -> None:
    p = proposal()
    p.withdraw(NOW)
    assert (p.state, p.answered_at) == (ProposalState.WITHDRAWN, NOW)


# Disputes ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "block"), [
    (Status.IN_PROGRESS, None), (Status.DONE, None), (Status.DISPUTED, DisputeBlock.OPEN),
    (Status.NOT_HIRED, DisputeBlock.STAGE), (Status.CANCELLED, DisputeBlock.STAGE)])
def test_when_a_dispute_can_open(status: Status, block: DisputeBlock | None) -> None:
    assert disputes.open_block(make_order(status)) == block


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.STRANGER])
def test_only_the_two_sides_open_a_dispute(role: Role) -> None:
    with pytest.raises(NotAllowed):
        make_order().check_disputant(role)


def disputed(by: int = CLIENT) -> Order:
    order = make_order(Status.DONE)
    order.open_dispute(by, Role.CLIENT if by == CLIENT else Role.PRO, NOW, "late")
    return order


@pytest.mark.parametrize(("outcome", "role", "chat"), [
    ("done", Role.PRO, CHAT), ("cancel", Role.CLIENT, CHAT), ("withdraw", Role.MODERATOR, CHAT),
    ("withdraw", Role.CLIENT, -200), ("withdraw", Role.STRANGER, CHAT)])
def test_who_resolves_from_where(outcome: str, role: Role, chat: int) -> None:
    with pytest.raises(NotAllowed):
        disputes.check_resolver(disputed(), outcome, role, chat)


def test_a_moderator_resolves_from_their_private_chat() -> None:
    disputes.check_resolver(disputed(), "done", Role.MODERATOR, MOD)


def test_only_the_opener_withdraws() -> None:
    order = disputed(CLIENT)
    with pytest.raises(NotAllowed):
        disputes.resolve(order, "withdraw", PRO, Role.PRO, NOW)
    change = disputes.resolve(order, "withdraw", CLIENT, Role.CLIENT, NOW)
    assert (change.to_status, order.status) == (Status.DONE, Status.DONE)


def test_a_cancelled_dispute_leaves_no_opener() -> None:
    order = disputed()
    disputes.resolve(order, "cancel", MOD, Role.MODERATOR, NOW)
    assert order.status == Status.CANCELLED
    assert (order.status_before_dispute, order.dispute_opened_by) == (None, None)


def test_a_closed_dispute_cannot_be_resolved() -> None:
    with pytest.raises(InvalidTransition):
        disputes.resolve(make_order(), "done", MOD, Role.MODERATOR, NOW)


def test_an_unknown_outcome_is_refused() -> None:
    with pytest.raises(InvalidInput):
        disputes.resolve(disputed(), "maybe", MOD, Role.MODERATOR, NOW)


# The check-in ------------------------------------------------------------------------------

def spoken(status: Status = Status.IN_PROGRESS) -> Order:
    order = make_order(status)
    order.last_pro_message_at = NOW
    return order


def test_only_the_professional_checks_in() -> None:
    with pytest.raises(NotAllowed):
        checkin.check_sender(spoken(), CLIENT)
    checkin.check_sender(spoken(), PRO)


@pytest.mark.parametrize(("after", "block"), [
    (timedelta(hours=23), CheckinBlock.NOT_YET), (timedelta(hours=24), None),
    (timedelta(days=7), None), (timedelta(days=7, seconds=1), CheckinBlock.CLOSED)])
def test_the_tap_is_checked_against_the_window(after: timedelta,
                                               block: CheckinBlock | None) -> None:
    assert checkin.tap_block(spoken(), False, NOW + after, P) == block


def test_the_tap_when_there_is_nothing_to_check_in_for() -> None:
    later = NOW + timedelta(days=2)
    assert checkin.tap_block(spoken(Status.NOT_HIRED), False, later, P) == CheckinBlock.STAGE
    assert checkin.tap_block(spoken(), True, later, P) == CheckinBlock.RATED
    used = spoken()
    used.checkin_used_at = NOW
    assert checkin.tap_block(used, False, later, P) == CheckinBlock.USED
    answered = spoken()
    answered.last_client_message_at = NOW + timedelta(hours=1)
    assert checkin.tap_block(answered, False, later, P) == CheckinBlock.ANSWERED


def test_the_reply_keeps_the_window_offered_with_the_prompt() -> None:
    asked, closes = NOW + timedelta(days=2), NOW + timedelta(days=7)
    assert checkin.reply_block(spoken(), False, asked, closes, closes) is None
    late = closes + timedelta(seconds=1)
    assert checkin.reply_block(spoken(), False, asked, closes, late) == CheckinBlock.CLOSED
    assert checkin.reply_block(spoken(), False, asked, None, asked) == CheckinBlock.CLOSED
    answered = spoken()
    answered.last_client_message_at = asked + timedelta(minutes=1)
    assert checkin.reply_block(answered, False, asked, closes, asked) == CheckinBlock.ANSWERED
