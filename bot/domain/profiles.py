"""Whose profile /profile shows: the pro of the order's chat, yourself in private, or the
user id given."""

from __future__ import annotations

from bot.domain.errors import InvalidInput
from bot.domain.order import Order
from bot.domain.text import whole_number


def whose_profile(arg: str, order: Order | None, user_id: int, private: bool) -> int | None:
    """The professional to show, or None when there is no one (a group that is no order's
    chat, or an order whose pro is not bound yet)."""
    if arg.strip():
        return user_id_of(arg.strip())
    if order is not None:
        return order.pro_id or None
    return user_id if private else None


def user_id_of(text: str) -> int:
    """A Telegram user id: a positive whole number (bot.domain.text.whole_number)."""
    user_id = whole_number(text)
    if not user_id:
        raise InvalidInput("not a user id", field="user_id")
    return user_id
