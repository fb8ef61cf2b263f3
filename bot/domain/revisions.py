"""Revisions, counted against the order's allowance, and new delivery dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.domain.errors import AlreadyDone, InvalidInput, NotAllowed
from bot.domain.order import Order


@dataclass
class Revision:
    order_id: int
    number: int
    description: str
    requested_by: int
    requested_at: datetime
    id: int = 0  # 0 until stored


class RevisionBlock(StrEnum):
    """Why the client cannot ask for a revision now (they are told, nothing is refused)."""

    STAGE = "stage"
    EXHAUSTED = "exhausted"


def check_reviser(order: Order, by: int) -> None:
    if by != order.client_id:
        raise NotAllowed("only the client asks for a revision")


def revision_block(order: Order) -> RevisionBlock | None:
    if not order.working:
        return RevisionBlock.STAGE
    if order.revisions_left == 0:
        return RevisionBlock.EXHAUSTED
    return None


def check_can_revise(order: Order, by: int) -> None:
    """Only the client, only while in progress or done (the allowance is counted on use)."""
    check_reviser(order, by)
    order.check_working()


class ProposalState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


@dataclass
class DeliveryProposal:
    order_id: int
    proposed_date: date
    proposed_by: int
    proposed_at: datetime
    state: ProposalState = ProposalState.PENDING
    answered_at: datetime | None = None
    id: int = 0  # 0 until stored
    version: int = 0

    def answer(self, accept: bool, by: int, client_id: int | None, now: datetime) -> None:
        if by != client_id:
            raise NotAllowed("only the client answers a new delivery date")
        if self.state != ProposalState.PENDING:
            raise AlreadyDone("already answered", state=self.state)
        self.state = ProposalState.ACCEPTED if accept else ProposalState.REFUSED
        self.answered_at = now

    def withdraw(self, now: datetime) -> None:
        """Replaced by a newer proposal before the client answered."""
        self.state, self.answered_at = ProposalState.WITHDRAWN, now


def check_new_date(day: date, today: date) -> date:
    if day < today:
        raise InvalidInput("the date is in the past", field="date")
    return day
