"""The reminder schedule: 24 h, 48 h, 72 h, 7 days after the request, then weekly, never at
or after the rating window closes."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.policy import Policy

P = Policy()
T0 = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
H, D = timedelta(hours=1), timedelta(days=1)

moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1),
                       timezones=st.just(UTC))
zones = st.sampled_from(["UTC", "Europe/Madrid", "America/Sao_Paulo", "Asia/Riyadh"])


def schedule(policy: Policy, requested_at: datetime, closes: datetime) -> list[datetime]:
    """Every reminder, as the review request walks through them with next_reminder."""
    out: list[datetime] = []
    while (due := policy.next_reminder(requested_at, len(out), closes)) is not None:
        out.append(due)
        assert len(out) < 10_000
    return out


def test_first_reminders() -> None:
    got = [P.reminder_at(T0, i) - T0 for i in range(7)]
    assert got == [24 * H, 48 * H, 72 * H, 7 * D, 14 * D, 21 * D, 28 * D]


def test_negative_index_is_refused() -> None:
    with pytest.raises(ValueError):
        P.reminder_at(T0, -1)


def test_fifteen_reminders_in_a_90_day_window() -> None:
    got = schedule(P, T0, P.rating_closes_at(T0))
    assert len(got) == 15
    assert got[-1] - T0 == 84 * D


@pytest.mark.parametrize(("closes_after", "count"), [
    (24 * H, 0),              # a reminder exactly at the close is not sent
    (24 * H + timedelta(microseconds=1), 1),
    (7 * D, 3),
    (7 * D + H, 4),
    (84 * D, 14),
    (84 * D + H, 15),
])
def test_reminders_stop_before_the_close(closes_after: timedelta, count: int) -> None:
    assert len(schedule(P, T0, T0 + closes_after)) == count


def test_without_a_close_the_schedule_goes_on() -> None:
    assert P.next_reminder(T0, 100, None) == T0 + 7 * D + 97 * 7 * D


def test_reminders_count_real_time_across_dst() -> None:
    requested = datetime(2027, 3, 27, 12, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    first = P.reminder_at(requested, 0)
    assert first.astimezone(UTC) - requested.astimezone(UTC) == 24 * H


@given(moments, st.integers(min_value=0, max_value=400))
def test_strictly_increasing(requested: datetime, index: int) -> None:
    assert P.reminder_at(requested, index) < P.reminder_at(requested, index + 1)


@given(moments, st.integers(min_value=3, max_value=400))
def test_weekly_after_the_fourth(requested: datetime, index: int) -> None:
    assert P.reminder_at(requested, index + 1) - P.reminder_at(requested, index) == 7 * D


@given(moments, zones, st.integers(min_value=0, max_value=120 * 24 * 60))
def test_schedule_within_any_window(requested: datetime, zone: str, minutes: int) -> None:
    local = requested.astimezone(ZoneInfo(zone))
    closes = requested + timedelta(minutes=minutes)
    got = schedule(P, local, closes)
    assert all(a < b for a, b in itertools.pairwise(got))
    assert all(due < closes for due in got)
    assert [due - requested for due in got[:4]] == [24 * H, 48 * H, 72 * H, 7 * D][:len(got)]
    following = P.next_reminder(local, len(got), None)
    assert following is not None and following >= closes


@given(moments, st.integers(min_value=0, max_value=89))
def test_count_when_posted_later_in_a_90_day_window(done: datetime, posted_after_days: int
                                                    ) -> None:
    posted = done + posted_after_days * D
    closes = P.rating_closes_at(done)
    left = closes - posted
    expected = sum(1 for d in (1, 2, 3) if d * D < left) + max(0, -(-left // (7 * D)) - 1)
    assert len(schedule(P, posted, closes)) == expected


@given(st.lists(st.integers(min_value=1, max_value=500), min_size=1, max_size=6, unique=True),
       st.integers(min_value=1, max_value=500), st.integers(min_value=0, max_value=60))
def test_any_increasing_cadence(hours: list[int], repeat: int, index: int) -> None:
    offsets = tuple(timedelta(hours=h) for h in sorted(hours))
    policy = Policy(reminder_offsets=offsets, reminder_repeat=timedelta(hours=repeat))
    got = [policy.reminder_at(T0, i) for i in range(index + 2)]
    assert all(a < b for a, b in itertools.pairwise(got))
    assert got[:len(offsets)] == [T0 + o for o in offsets][:len(got)]
