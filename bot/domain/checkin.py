"""The check-in window on the order card: the pro's one follow-up, which asks for no rating.

The pro may check in once, from 24 h to 7 days after their last message, if the client has
neither rated nor answered since. The card offers the button only inside that window: the
scheduler refreshes the card when a window opens, when it closes, and when it ends early (the
pro wrote again, so the window starts over; the client answered). What the card shows is kept
on the order (`checkin_window_for`, `checkin_offered`), so the card can be drawn without a
clock; the tap itself is checked again against the clock (`bot.services.work.checkin_block`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.order import Order, Status
from bot.domain.policy import Policy

WORKING = frozenset({Status.IN_PROGRESS, Status.DONE})
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
