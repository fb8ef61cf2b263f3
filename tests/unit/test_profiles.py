"""Whose profile /profile shows: the order's pro in its chat, yourself in private, or the
user id given, which must be a number."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.order import Order
from bot.domain.profiles import whose_profile

PRO, CLIENT = 10, 20


def order(pro: int = PRO) -> Order:
    return Order(chat_id=-100, title="Tap", pro_id=pro, language="en", timezone="UTC",
                 created_at=datetime(2027, 3, 8, tzinfo=UTC), included_revisions=1,
                 client_id=CLIENT, id=1)


def test_whose_profile() -> None:
    assert whose_profile(" 42 ", order(), CLIENT, private=False) == 42
    assert whose_profile("", order(), CLIENT, private=False) == PRO
    assert whose_profile("", order(pro=0), CLIENT, private=False) is None
    assert whose_profile("", None, CLIENT, private=True) == CLIENT
    assert whose_profile("", None, CLIENT, private=False) is None


def test_a_profile_id_must_be_a_number() -> None:
    with pytest.raises(InvalidInput) as caught:
        whose_profile("abc", None, CLIENT, private=True)
    assert caught.value.context == {"field": "user_id"}
