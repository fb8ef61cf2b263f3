"""What a person types is normalised before it is checked or kept: control characters never
stored, text with nothing visible refused as empty, wherever the domain takes text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.notes import check_note
from bot.domain.order import Order
from bot.domain.policy import Policy
from bot.domain.ratings import Rating
from bot.domain.text import clean_text, order_title

NOW = datetime(2027, 3, 1, tzinfo=UTC)
POLICY = Policy()
INVISIBLE = ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", "\x00\x07\x1b", "\x85\x9b\x7f",
             "\u3164", "\u2800 \u00a0\u3000", "\u202e\u2066", "\u200b\n\u200b"]


def _rating() -> Rating:
    return Rating(order_id=1, client_id=2, pro_id=1, stars=4, created_at=NOW,
                  updated_at=NOW)


def _order() -> Order:
    return Order(chat_id=-1, title="t", pro_id=1, pro_name="Ana",
                 language="en", timezone="UTC", created_at=NOW, included_revisions=2,
                 client_id=2)


ENTRY_POINTS: dict[str, Callable[[str], object]] = {
    "title": order_title,
    "revision": lambda text: clean_text(text, "revision", 1000),
    "dispute reason": lambda text: clean_text(text, "comment", 1000),
    "note": lambda text: check_note(text, None, POLICY),
    "comment": lambda text: _rating().set_comment(text, 2, NOW, POLICY, latest=None),
    "reply": lambda text: _rating().add_reply(1, text, NOW, POLICY, _order()),
}


@pytest.mark.parametrize("text", INVISIBLE)
@pytest.mark.parametrize("field", ENTRY_POINTS)
def test_text_with_nothing_visible_is_refused_as_empty(field: str, text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        ENTRY_POINTS[field](text)
    assert "limit" not in refused.value.context


def test_control_characters_are_never_kept() -> None:
    assert order_title("Kitchen\x00 tap\x07\x1b[31m\x9b") == "Kitchen tap[31m"
    assert order_title("Kitchen\ntap\r\nnow\tplease") == "Kitchen tap now please"
    assert clean_text(" line one\x00\r\nline two\rthree\x85\tend ", "note", 100) == \
        "line one\nline two\nthree end"


def test_text_is_nfc_and_keeps_joiners_inside_words() -> None:
    assert order_title("Cafe\u0301") == "Caf\u00e9"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_text(f"Thanks {family}", "comment", 100) == f"Thanks {family}"


def test_a_comment_left_out_is_none_and_a_cleaned_one_is_kept() -> None:
    rating = _rating()
    rating.set_comment("  ", 2, NOW, POLICY, latest=None)
    assert rating.comment is None
    rating.set_comment("Great\x07 work\x00", 2, NOW, POLICY, latest=None)
    assert rating.comment == "Great work"
