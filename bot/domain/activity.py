"""What the bot sees people do in the order chat. The pro's last message opens the check-in
window; the client's last message stops the refund wait. When the bot cannot read every
message, it counts what it does see (commands, taps and replies) instead."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.domain.order import Order, Role


class Seen(StrEnum):
    MESSAGE = "message"  # a text or a command
    TAP = "tap"
    CHECKIN_TAP = "checkin_tap"  # asks whether the check-in window is open: never moves it


class Noticed(StrEnum):
    NOTHING = "nothing"
    SEEN = "seen"  # the order records the moment
    REFUND_WAIT_STOPPED = "refund_wait_stopped"


def counts_for_pro(order: Order, seen: Seen) -> bool:
    """The pro's messages always count; their taps only when the bot cannot read all
    messages (the fallback), the check-in tap excepted."""
    if seen == Seen.MESSAGE:
        return True
    return not order.can_read_all and seen == Seen.TAP


def notice(order: Order, user_id: int, seen: Seen, now: datetime) -> Noticed:
    role = order.role_of(user_id)
    if role == Role.PRO and counts_for_pro(order, seen):
        order.last_pro_message_at = now
        return Noticed.SEEN
    if role != Role.CLIENT:
        return Noticed.NOTHING
    order.last_client_message_at = now
    if order.refund_wait_started_at is not None and order.refund_eligible_at is None:
        order.refund_wait_started_at = None
        return Noticed.REFUND_WAIT_STOPPED
    return Noticed.SEEN
