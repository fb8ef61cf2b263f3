"""Policy edges: the 24 h / 7 day check-in window, the 90-day rating window, the refund wait,
and the local review day in zones with and without daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.policy import Policy

P = Policy()
T0 = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)
MADRID, SAO_PAULO, RIYADH = "Europe/Madrid", "America/Sao_Paulo", "Asia/Riyadh"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[arg-type,misc]


def test_defaults_follow_the_product() -> None:
    assert P.reminder_offsets == (timedelta(hours=24), timedelta(hours=48),
                                  timedelta(hours=72), timedelta(days=7))
    assert P.reminder_repeat == timedelta(days=7)
    assert P.rating_window == timedelta(days=90)
    assert (P.checkin_min, P.checkin_max) == (timedelta(hours=24), timedelta(days=7))
    assert P.refund_wait == timedelta(hours=48)
    assert P.included_revisions == 2
    assert P.note_hour == time(10, 0)


# --- check-in: 24 h to 7 days after the pro's last message -----------------------------------

def test_checkin_window_bounds() -> None:
    assert P.checkin_opens_at(T0) == T0 + timedelta(hours=24)
    assert P.checkin_closes_at(T0) == T0 + timedelta(days=7)


def test_checkin_counts_real_hours_across_dst() -> None:
    local = datetime(2027, 3, 27, 12, 0, tzinfo=ZoneInfo(MADRID))  # the day before DST
    assert P.checkin_opens_at(local) - local == timedelta(hours=24)
    # 12:00 on the 28th in Madrid is only 23 real hours later: it opens at 13:00
    assert P.checkin_opens_at(local) == datetime(2027, 3, 28, 13, 0, tzinfo=ZoneInfo(MADRID))


# --- the 90-day rating window: open strictly before done + 90 days --------------------------

@pytest.mark.parametrize(("after", "open_"), [
    (timedelta(0), True),
    (timedelta(days=90) - TICK, True),
    (timedelta(days=90), False),
    (timedelta(days=91), False),
])
def test_rating_window(after: timedelta, open_: bool) -> None:
    assert P.rating_closes_at(T0) == T0 + timedelta(days=90)
    assert P.rating_open(T0, T0 + after) is open_


def test_rating_window_needs_done_at() -> None:
    assert P.rating_open(None, T0) is False


def test_rating_window_is_absolute_time_across_dst() -> None:
    done = datetime(2027, 1, 1, 10, 0, tzinfo=ZoneInfo(MADRID))  # 09:00 UTC, winter time
    assert P.rating_closes_at(done) == utc(2027, 4, 1, 9, 0)  # 11:00 summer time


def test_refund_wait_is_48_real_hours() -> None:
    assert P.refund_due_at(T0) == T0 + timedelta(hours=48)
    local = datetime(2027, 10, 30, 12, 0, tzinfo=ZoneInfo(MADRID))  # DST ends on the 31st
    assert P.refund_due_at(local) == local.astimezone(UTC) + timedelta(hours=48)
    assert P.refund_due_at(local).astimezone(ZoneInfo(MADRID)).hour == 11


# --- review_due_at: 10:00 local on the chosen day ----------------------------------------------

@pytest.mark.parametrize(("day", "tz", "expected_utc"), [
    (date(2027, 3, 27), MADRID, utc(2027, 3, 27, 9, 0)),   # CET, +1
    (date(2027, 3, 28), MADRID, utc(2027, 3, 28, 8, 0)),   # DST starts at 02:00: CEST, +2
    (date(2027, 10, 30), MADRID, utc(2027, 10, 30, 8, 0)),  # CEST
    (date(2027, 10, 31), MADRID, utc(2027, 10, 31, 9, 0)),  # DST ends at 03:00: CET
    (date(2027, 3, 28), SAO_PAULO, utc(2027, 3, 28, 13, 0)),  # -3, no DST
    (date(2027, 10, 31), SAO_PAULO, utc(2027, 10, 31, 13, 0)),
    (date(2027, 3, 28), RIYADH, utc(2027, 3, 28, 7, 0)),   # +3, no DST
])
def test_review_due_at(day: date, tz: str, expected_utc: datetime) -> None:
    due = P.review_due_at(day, tz)
    assert due == expected_utc
    local = due.astimezone(ZoneInfo(tz))
    assert (local.date(), local.time()) == (day, time(10, 0))


def test_review_due_on_dst_days_is_23_and_25_hours_after_the_day_before() -> None:
    def due(day: date) -> datetime:
        return P.review_due_at(day, MADRID).astimezone(UTC)

    assert due(date(2027, 3, 28)) - due(date(2027, 3, 27)) == timedelta(hours=23)
    assert due(date(2027, 10, 31)) - due(date(2027, 10, 30)) == timedelta(hours=25)


# --- review_day_allowed: today is allowed, the past is not; "today" is the order's ---------

@pytest.mark.parametrize(("now", "tz", "today"), [
    (utc(2027, 3, 27, 23, 30), MADRID, date(2027, 3, 28)),     # 00:30 CET on the 28th
    (utc(2027, 3, 27, 22, 59), MADRID, date(2027, 3, 27)),     # 23:59 CET
    (utc(2027, 10, 30, 22, 30), MADRID, date(2027, 10, 31)),   # 00:30 CEST, DST day
    (utc(2027, 10, 30, 21, 30), MADRID, date(2027, 10, 30)),   # 23:30 CEST
    (utc(2027, 3, 28, 2, 0), SAO_PAULO, date(2027, 3, 27)),    # 23:00 the day before
    (utc(2027, 3, 27, 21, 30), RIYADH, date(2027, 3, 28)),     # 00:30 the day after
])
def test_today_is_the_orders_local_day(now: datetime, tz: str, today: date) -> None:
    assert P.review_day_allowed(today, tz, now, None)
    assert not P.review_day_allowed(today - timedelta(days=1), tz, now, None)
    assert P.review_day_allowed(today + timedelta(days=1), tz, now, None)


def test_today_is_allowed_even_after_the_note_hour() -> None:
    now = utc(2027, 3, 8, 18, 0)  # 19:00 in Madrid, after 10:00
    assert P.review_day_allowed(date(2027, 3, 8), MADRID, now, None)


def test_without_done_at_the_window_runs_from_now() -> None:
    now = utc(2027, 1, 1, 8, 0)  # 09:00 in Madrid; closes 2027-04-01 08:00 UTC = 10:00 CEST
    assert P.review_day_allowed(date(2027, 3, 31), MADRID, now, None)
    assert not P.review_day_allowed(date(2027, 4, 1), MADRID, now, None)
    assert P.last_review_day(MADRID, now, None) == date(2027, 3, 31)


# --- the last review day: its 10:00 must fall strictly before the window closes ---------------

@pytest.mark.parametrize(("done", "tz", "last"), [
    # Riyadh, no DST: closes exactly at 10:00 local on April 1 -> April 1 is excluded
    (utc(2027, 1, 1, 7, 0), RIYADH, date(2027, 3, 31)),
    (utc(2027, 1, 1, 7, 0) + timedelta(seconds=1), RIYADH, date(2027, 4, 1)),
    (utc(2027, 1, 1, 6, 59), RIYADH, date(2027, 3, 31)),
    # Madrid across spring DST: 90 days after 09:00 CET is 10:00 CEST -> excluded
    (utc(2027, 1, 1, 8, 0), MADRID, date(2027, 3, 31)),
    (utc(2027, 1, 1, 9, 0), MADRID, date(2027, 4, 1)),
    # Madrid, window closing on 2027-10-31 (autumn DST day), at 09:00 CET == 10:00 local
    (utc(2027, 8, 2, 9, 0), MADRID, date(2027, 10, 30)),
    (utc(2027, 8, 2, 9, 0, 1), MADRID, date(2027, 10, 31)),
    (utc(2027, 8, 2, 8, 0), MADRID, date(2027, 10, 30)),      # closes at 09:00 local
    # Sao Paulo, -3 all year
    (utc(2027, 7, 3, 13, 0), SAO_PAULO, date(2027, 9, 30)),
    (utc(2027, 7, 3, 13, 1), SAO_PAULO, date(2027, 10, 1)),
    # the window closing just after midnight local: the last day is the day before
    (utc(2027, 7, 3, 3, 30), SAO_PAULO, date(2027, 9, 30)),
])
def test_last_review_day(done: datetime, tz: str, last: date) -> None:
    now = done
    assert P.last_review_day(tz, now, done) == last
    assert P.review_day_allowed(last, tz, now, done)
    assert not P.review_day_allowed(last + timedelta(days=1), tz, now, done)
    assert P.review_due_at(last, tz) < P.rating_closes_at(done)
    assert P.review_due_at(last + timedelta(days=1), tz) >= P.rating_closes_at(done)


def test_window_closing_before_the_note_hour_on_its_last_local_day() -> None:
    done = utc(2027, 7, 3, 12, 0)  # closes 2027-10-01 12:00 UTC = 09:00 in Sao Paulo
    assert P.last_review_day(SAO_PAULO, done, done) == date(2027, 9, 30)


def test_a_shorter_window_from_settings() -> None:
    policy = Policy(rating_window=timedelta(days=1))
    done = utc(2027, 3, 8, 8, 0)  # 09:00 Madrid; closes 09:00 next day, before 10:00
    assert policy.last_review_day(MADRID, done, done) == date(2027, 3, 8)
    assert policy.review_day_allowed(date(2027, 3, 8), MADRID, done, done)
    assert not policy.review_day_allowed(date(2027, 3, 9), MADRID, done, done)
