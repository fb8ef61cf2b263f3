"""Disputes, the resolution centre: either side opens one while the work goes on; a moderator
ends it (done, in progress, or cancelled), or the person who opened it withdraws it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed
from bot.domain.order import Order, Role, Status, StatusChange


class DisputeBlock(StrEnum):
    """Why a dispute cannot be opened now (the person is told, nothing is refused)."""

    OPEN = "open"
    STAGE = "stage"


def open_block(order: Order) -> DisputeBlock | None:
    if order.status == Status.DISPUTED:
        return DisputeBlock.OPEN
    if not order.working:
        return DisputeBlock.STAGE
    return None


WITHDRAW, CANCEL = "withdraw", "cancel"
OUTCOMES = {"done": Status.DONE, "in_progress": Status.IN_PROGRESS}


def check_resolver(order: Order, outcome: str, role: Role, chat_id: int) -> None:
    """A moderator decides, from anywhere; the pro or the client may only withdraw, in the
    order's chat."""
    if chat_id != order.chat_id and role != Role.MODERATOR:
        raise NotAllowed("the button belongs to another chat")
    if role not in ((Role.PRO, Role.CLIENT) if outcome == WITHDRAW else (Role.MODERATOR,)):
        raise NotAllowed("a moderator resolves the dispute; the opener may withdraw it")


def resolve(order: Order, outcome: str, by: int, role: Role, now: datetime) -> StatusChange:
    """done / in_progress / cancel (moderators) or withdraw (the opener only)."""
    if order.status != Status.DISPUTED:
        raise InvalidTransition("no open dispute", status=order.status)
    if outcome == CANCEL:
        change = order.cancel(by, role, now, "dispute")
        order.status_before_dispute, order.dispute_opened_by = None, None
        return change
    if outcome == WITHDRAW:
        if by != order.dispute_opened_by:
            raise NotAllowed("only the person who opened the dispute withdraws it")
        return order.close_dispute(order.status_before_dispute or Status.IN_PROGRESS, by, role,
                                   now)
    if outcome not in OUTCOMES:
        raise InvalidInput("unknown outcome", field="callback")
    if role != Role.MODERATOR:
        raise NotAllowed("a moderator resolves the dispute")
    return order.close_dispute(OUTCOMES[outcome], by, role, now)
