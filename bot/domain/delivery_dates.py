"""New delivery dates: the professional proposes one while the work goes on, from today to a
year ahead; the client accepts or refuses it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from bot.domain.errors import AlreadyDone, InvalidInput, NotAllowed
from bot.domain.order import Order
from bot.domain.revisions import DeliveryProposal, ProposalState


class DateProblem(StrEnum):
    PAST = "past"
    TOO_FAR = "too_far"
    CURRENT = "current"  # already the delivery date


class AnswerBlock(StrEnum):
    """Why an answer tap comes too late (the client is told what is true now)."""

    ANSWERED = "answered"
    STAGE = "stage"


def check_proposer(order: Order, by: int) -> None:
    if by != order.pro_id:
        raise NotAllowed("only the professional proposes a delivery date")


def date_problem(order: Order, day: date, first: date, last: date) -> DateProblem | None:
    """What is wrong with `day` as the new date, given the days that may be chosen."""
    if day < first:
        return DateProblem.PAST
    if day > last:
        return DateProblem.TOO_FAR
    if day == order.delivery_date:
        return DateProblem.CURRENT
    return None


def propose(order: Order, by: int, day: date, first: date, last: date,
            now: datetime) -> DeliveryProposal:
    check_proposer(order, by)
    order.check_working()
    problem = date_problem(order, day, first, last)
    if problem == DateProblem.PAST:
        raise InvalidInput("the date is in the past", field="date")
    if problem == DateProblem.TOO_FAR:
        raise InvalidInput("the date is too far", field="date")
    if problem == DateProblem.CURRENT:
        raise AlreadyDone("that is already the delivery date")
    return DeliveryProposal(order.id, day, by, now)


def check_answerer(order: Order, by: int) -> None:
    if by != order.client_id:
        raise NotAllowed("only the client answers a new delivery date")


def answer_block(order: Order, proposal: DeliveryProposal, by: int) -> AnswerBlock | None:
    """Refuses anyone but the client; then says whether the answer comes too late."""
    check_answerer(order, by)
    if proposal.state != ProposalState.PENDING:
        return AnswerBlock.ANSWERED
    if not order.working:
        return AnswerBlock.STAGE
    return None


def answer(order: Order, proposal: DeliveryProposal, accept: bool, by: int,
           now: datetime) -> None:
    check_answerer(order, by)
    if proposal.state == ProposalState.PENDING:
        order.check_working()
    proposal.answer(accept, by, order.client_id, now)
    if accept:
        order.delivery_date = proposal.proposed_date
