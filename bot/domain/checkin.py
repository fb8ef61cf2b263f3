"""The pro's one check-in, and its window on the order card.

The pro may check in once, from 24 h to 7 days after their last message, if the client has
neither rated nor answered since. The card offers the button only inside that window: the
scheduler refreshes the card when a window opens, when it closes, and when it ends early (the
pro wrote again, so the window starts over; the client answered). What the card shows is kept
on the order (`checkin_window_for`, `checkin_offered`), so the card can be drawn without a
clock; the tap itself is checked again against the clock (`tap_block`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.errors import NotAllowed
from bot.domain.order import WORKING, Order
from bot.domain.policy import Policy

# The window includes its last moment: the card drops the button just after it.
CLOSING_DELAY = timedelta(microseconds=1)

WindowState = tuple[datetime | None, bool]


def client_answered(order: Order) -> bool:
    last = order.last_pro_message_at
    answered = order.last_client_message_at
    return last is not None and answered is not None and answered > last


def offers_checkin(order: Order, rated: bool) -> bool:
    """Whether the card shows the check-in button."""
    return (order.checkin_offered and order.checkin_window_for is not None
            and order.checkin_window_for == order.last_pro_message_at
            and order.status in WORKING and order.checkin_used_at is None and not rated
            and not client_answered(order))


def window_state(order: Order, rated: bool, now: datetime, policy: Policy) -> WindowState:
    """What the card should record at `now`: (the window it was refreshed for, offered)."""
    last = order.last_pro_message_at
    if last is None or now < policy.checkin_opens_at(last):
        return order.checkin_window_for, False  # no window open; an earlier one's offer ends
    still_open = now <= policy.checkin_closes_at(last)
    possible = order.checkin_used_at is None and not rated and not client_answered(order)
    return last, still_open and possible


def closes_after(policy: Policy) -> timedelta:
    """From the pro's message to the moment the card drops the button."""
    return policy.checkin_max + CLOSING_DELAY


class CheckinBlock(StrEnum):
    """Why the check-in cannot be sent now (the pro is told why)."""

    STAGE = "stage"
    USED = "used"
    RATED = "rated"
    ANSWERED = "answered"
    NOT_YET = "not_yet"
    CLOSED = "closed"


def last_pro_message(order: Order) -> datetime:
    return order.last_pro_message_at or order.created_at


def check_sender(order: Order, by: int) -> None:
    if by != order.pro_id:
        raise NotAllowed("only the professional checks in")


def _used_or_moot(order: Order, rated: bool) -> CheckinBlock | None:
    if order.status not in WORKING:
        return CheckinBlock.STAGE
    if order.checkin_used_at is not None:
        return CheckinBlock.USED
    if rated:
        return CheckinBlock.RATED
    return None


def tap_block(order: Order, rated: bool, now: datetime, policy: Policy) -> CheckinBlock | None:
    """Why the check-in cannot be sent now, or None: once, in the window, client silent."""
    block = _used_or_moot(order, rated)
    if block is not None:
        return block
    last = last_pro_message(order)
    if order.last_client_message_at is not None and order.last_client_message_at > last:
        return CheckinBlock.ANSWERED
    if now < policy.checkin_opens_at(last):
        return CheckinBlock.NOT_YET
    if now > policy.checkin_closes_at(last):
        return CheckinBlock.CLOSED
    return None


def reply_block(order: Order, rated: bool, asked_at: datetime, offered_until: datetime | None,
                now: datetime) -> CheckinBlock | None:
    """The check-in's answer is refused if things changed since the prompt was given; the
    window is the one offered with the prompt (`offered_until`)."""
    block = _used_or_moot(order, rated)
    if block is not None:
        return block
    if order.last_client_message_at is not None and order.last_client_message_at > asked_at:
        return CheckinBlock.ANSWERED
    if offered_until is None or now > offered_until:
        return CheckinBlock.CLOSED
    return None
