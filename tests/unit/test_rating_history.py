"""The history of a rating's edits: one entry per edit session, the rating as it was when the
session began (bot/domain/reviews.py, `Rating`). Stars, any aspect and the comment count alike;
the first pass and answers that change nothing leave no entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.policy import Policy
from bot.domain.reviews import Rating, RatingEdit

P = Policy()
T0 = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)
PRO, CLIENT = 10, 20


def rating(**kwargs: Any) -> Rating:
    return Rating(order_id=1, client_id=CLIENT, pro_id=PRO, stars=4, created_at=T0,
                  updated_at=T0, id=9, **kwargs)


def given() -> Rating:
    """A rating through its first pass: 4 stars, on time 5, quality 3, no communication, a
    comment. Stored, so its pending edits are gone."""
    r = rating()
    r.set_aspect("on_time", 5, CLIENT, T0, latest=None)
    r.set_aspect("quality", 3, CLIENT, T0, latest=None)
    r.set_comment("Good", CLIENT, T0, P, latest=None)
    assert r.edits == []  # the first pass is not an edit
    return r


def stored(r: Rating) -> RatingEdit | None:
    """What the storage does on save: the pending entries go to the history."""
    latest = r.edits[-1] if r.edits else None
    r.edits.clear()
    return latest


def test_snapshot_keeps_the_rating_as_it_was() -> None:
    r = rating(on_time=5, comment="ok")
    edit = r.snapshot(T0 + H, CLIENT)
    r.change_stars(1, CLIENT, T0 + H)
    r.set_comment("bad", CLIENT, T0 + H, P, latest=edit)
    assert edit == RatingEdit(rating_id=9, by_user_id=CLIENT, at=T0 + H, stars=4, on_time=5,
                              quality=None, communication=None, comment="ok")
    second = r.snapshot(T0 + 2 * H, CLIENT)
    assert r.edits == [edit, second]
    assert (second.stars, second.comment) == (1, "bad")


def test_snapshot_needs_a_stored_rating() -> None:
    r = rating()
    r.id = 0  # not stored yet
    with pytest.raises(ValueError):
        r.snapshot(T0, CLIENT)


def test_a_whole_edit_session_is_one_entry_with_the_rating_as_it_was() -> None:
    r = given()
    r.reopen(CLIENT, T0 + H, None)
    r.change_stars(2, CLIENT, T0 + H)
    latest = stored(r)  # each step of the flow is its own update: stored in between
    for aspect, value in (("on_time", 1), ("quality", 2), ("communication", 1)):
        r.set_aspect(aspect, value, CLIENT, T0 + 2 * H, latest=latest)
        assert r.edits == []
    r.set_comment("Slow in the end", CLIENT, T0 + 3 * H, P, latest=latest)
    assert r.edits == [] and latest is not None
    assert (latest.at, latest.by_user_id) == (T0 + H, CLIENT)
    assert latest.content() == (4, 5, 3, None, "Good")
    assert r.content() == (2, 1, 2, 1, "Slow in the end") and r.updated_at == T0 + 3 * H


@pytest.mark.parametrize("aspect", ["on_time", "quality", "communication"])
def test_an_edit_of_one_aspect_alone_is_kept(aspect: str) -> None:
    r = given()
    before = r.content()
    r.reopen(CLIENT, T0 + H, None)  # the same stars tapped again
    latest = stored(r)
    r.set_aspect(aspect, 1, CLIENT, T0 + 2 * H, latest=latest)
    assert latest is not None and latest.content() == before and r.edits == []
    assert r.aspects()[aspect] == 1 and r.updated_at == T0 + 2 * H


def test_an_edit_of_the_comment_alone_is_kept() -> None:
    r = given()
    r.reopen(CLIENT, T0 + H, None)
    latest = stored(r)
    r.set_comment("Better than I said", CLIENT, T0 + 2 * H, P, latest=latest)
    assert latest is not None and latest.comment == "Good" and r.edits == []
    assert r.comment == "Better than I said"


def test_each_session_adds_its_own_entry() -> None:
    r = given()
    r.reopen(CLIENT, T0 + H, None)
    r.change_stars(2, CLIENT, T0 + H)
    first = stored(r)
    r.reopen(CLIENT, T0 + 5 * H, first)
    second = stored(r)
    r.set_aspect("quality", 5, CLIENT, T0 + 5 * H, latest=second)
    assert first is not None and second is not None and r.edits == []
    assert first.content() == (4, 5, 3, None, "Good")
    assert second.content() == (2, 5, 3, None, "Good") and second.at == T0 + 5 * H


def test_a_session_that_changed_nothing_is_not_repeated() -> None:
    r = given()
    r.reopen(CLIENT, T0 + H, None)
    latest = stored(r)  # the client reopened the rating and kept it as it was
    r.reopen(CLIENT, T0 + 2 * H, latest)
    assert r.edits == []
    r.set_aspect("on_time", 2, CLIENT, T0 + 2 * H, latest=latest)
    assert r.edits == [] and r.on_time == 2  # the entry already holds this session's start


def test_a_leftover_question_answered_later_gets_its_own_entry() -> None:
    """After a session that went on to the comment, the on-time question of an earlier pass
    is answered: that cannot be the same session, and the rating the session left is kept."""
    r = given()
    r.reopen(CLIENT, T0 + H, None)
    latest = stored(r)
    r.set_aspect("quality", 1, CLIENT, T0 + H, latest=latest)
    r.set_comment("Changed my mind", CLIENT, T0 + H, P, latest=latest)
    r.set_aspect("on_time", 2, CLIENT, T0 + 2 * H, latest=latest)
    assert len(r.edits) == 1
    assert r.edits[0].content() == (4, 5, 1, None, "Changed my mind")
    assert r.edits[0].at == T0 + 2 * H and r.on_time == 2


def test_a_detail_out_of_order_in_the_first_pass_is_an_edit() -> None:
    r = rating()
    r.set_comment("Quick", CLIENT, T0, P, latest=None)
    r.set_aspect("on_time", 4, CLIENT, T0 + H, latest=None)
    assert [e.content() for e in r.edits] == [(4, None, None, None, "Quick")]


def test_changes_within_one_update_share_the_pending_entry() -> None:
    r = given()
    r.reopen(CLIENT, T0 + H, None)
    r.change_stars(3, CLIENT, T0 + H)
    r.set_aspect("communication", 4, CLIENT, T0 + H, latest=None)
    assert [e.content() for e in r.edits] == [(4, 5, 3, None, "Good")]


def test_an_answer_that_changes_nothing_leaves_no_entry() -> None:
    r = given()
    r.set_aspect("on_time", 5, CLIENT, T0 + H, latest=None)
    r.set_comment("  Good ", CLIENT, T0 + H, P, latest=None)
    r.set_aspect("communication", None, CLIENT, T0 + H, latest=None)
    assert r.edits == [] and r.updated_at == T0


def test_a_refused_change_leaves_no_entry_and_no_change() -> None:
    r = given()
    r.reopen(CLIENT, T0 + H, None)
    latest = stored(r)
    r.set_comment("Fine", CLIENT, T0 + H, P, latest=latest)
    with pytest.raises(InvalidInput):
        r.set_comment("x" * (P.comment_max_length + 1), CLIENT, T0 + 2 * H, P, latest=None)
    with pytest.raises(InvalidInput):
        r.set_aspect("on_time", 6, CLIENT, T0 + 2 * H, latest=None)
    with pytest.raises(NotAllowed):
        r.set_aspect("on_time", 1, PRO, T0 + 2 * H, latest=None)
    with pytest.raises(NotAllowed):
        r.reopen(PRO, T0 + 2 * H, latest)
    assert r.edits == [] and r.content() == (4, 5, 3, None, "Fine")
    assert r.updated_at == T0 + H
