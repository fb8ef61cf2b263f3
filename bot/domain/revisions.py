"""Revisions, counted against the number included in the order, and new delivery dates, which
the client accepts or refuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.domain.errors import AlreadyDone, InvalidInput, NotAllowed


@dataclass
class Revision:
    order_id: int
    number: int
    description: str
    requested_by: int
    requested_at: datetime
    id: int | None = None


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
    id: int | None = None
    version: int = 0

    def answer(self, accept: bool, by: int, client_id: int | None, now: datetime) -> None:
        if by != client_id:
            raise NotAllowed("only the client answers a new delivery date")
        if self.state != ProposalState.PENDING:
            raise AlreadyDone("already answered", state=self.state)
        self.state = ProposalState.ACCEPTED if accept else ProposalState.REFUSED
        self.answered_at = now


def check_new_date(day: date, today: date) -> date:
    if day < today:
        raise InvalidInput("the date is in the past", field="date")
    return day
