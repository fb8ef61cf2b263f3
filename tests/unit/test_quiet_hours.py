"""Quiet hours (bot.domain.quiet_hours): what is held at night, and until when, across daylight
saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.domain.quiet_hours import QuietHours, release_of

NIGHT = QuietHours(time(21, 0), time(8, 0))
MADRID, CAIRO = ZoneInfo("Europe/Madrid"), ZoneInfo("Africa/Cairo")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def test_parse() -> None:
    assert QuietHours.parse("21:00-08:00") == NIGHT
    assert QuietHours.parse(" 13:30 - 15:00 ") == QuietHours(time(13, 30), time(15, 0))
    assert QuietHours.parse("") is None
    assert QuietHours.parse("  ") is None
    for wrong in ("21-08", "21:00", "25:00-08:00", "21:00-08:60", "08:00-08:00", "9:0-10:00"):
        with pytest.raises(ValueError):
            QuietHours.parse(wrong)


def test_the_setting_defaults_to_the_night_and_empty_turns_it_off() -> None:
    assert Settings(_env_file=None).quiet() == NIGHT  # type: ignore[call-arg]
    assert Settings(_env_file=None, quiet_hours="").quiet() is None  # type: ignore[call-arg]
    assert Settings(_env_file=None, quiet_hours="22:30-07:00").policy().quiet_hours == \
        QuietHours(time(22, 30), time(7, 0))  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="21:00"):
        Settings(_env_file=None, quiet_hours="21-8")  # type: ignore[call-arg]


def test_a_span_crossing_midnight() -> None:
    assert NIGHT.crosses_midnight
    assert [NIGHT.contains(time(h, m)) for h, m in ((20, 59), (21, 0), (0, 0), (7, 59), (8, 0))] \
        == [False, True, True, True, False]
    # 23:30 in Madrid (winter, UTC+1): held until 08:00 the next morning.
    assert local(NIGHT.release(utc(2027, 1, 12, 22, 30), MADRID), MADRID) == "2027-01-13 08:00 CET"
    # 03:00: until 08:00 the same morning.
    assert local(NIGHT.release(utc(2027, 1, 13, 2, 0), MADRID), MADRID) == "2027-01-13 08:00 CET"


def test_a_span_within_a_day() -> None:
    siesta = QuietHours(time(13, 30), time(15, 0))
    assert not siesta.crosses_midnight
    assert siesta.release(utc(2027, 1, 12, 13, 0), MADRID) == utc(2027, 1, 12, 14, 0)
    assert siesta.release(utc(2027, 1, 12, 14, 0), MADRID) == utc(2027, 1, 12, 14, 0)  # 15:00


def test_outside_the_span_nothing_waits() -> None:
    noon = utc(2027, 3, 28, 10, 0)
    assert NIGHT.release(noon, MADRID) == noon
    assert release_of(None, utc(2027, 3, 28, 1, 0), MADRID) == utc(2027, 3, 28, 1, 0)


def test_madrid_spring_forward_night() -> None:
    # 2027-03-28: clocks jump from 02:00 to 03:00. 22:00 CET is held to 08:00 CEST: 06:00 UTC,
    # ten real hours later, not eleven.
    evening = utc(2027, 3, 27, 21, 0)
    assert local(evening, MADRID) == "2027-03-27 22:00 CET"
    held = NIGHT.release(evening, MADRID)
    assert held == utc(2027, 3, 28, 6, 0)
    assert local(held, MADRID) == "2027-03-28 08:00 CEST"
    # Due inside the skipped hour's neighbourhood (03:30 CEST): the same 08:00.
    assert NIGHT.release(utc(2027, 3, 28, 1, 30), MADRID) == held


def test_a_span_ending_in_the_spring_forward_gap_ends_when_the_clocks_jump() -> None:
    until_half_past_two = QuietHours(time(1, 0), time(2, 30))  # 02:30 does not exist that night
    held = until_half_past_two.release(utc(2027, 3, 28, 0, 30), MADRID)  # 01:30 CET
    assert held == utc(2027, 3, 28, 1, 0)
    assert local(held, MADRID) == "2027-03-28 03:00 CEST"


def test_madrid_autumn_overlap_night() -> None:
    # 2027-10-31: 03:00 CEST becomes 02:00 CET; 02:30 happens twice. Both are held to 08:00
    # CET (07:00 UTC), twelve real hours after 21:00 CEST.
    first, second = utc(2027, 10, 31, 0, 30), utc(2027, 10, 31, 1, 30)
    assert local(first, MADRID) == "2027-10-31 02:30 CEST"
    assert local(second, MADRID) == "2027-10-31 02:30 CET"
    assert NIGHT.release(first, MADRID) == NIGHT.release(second, MADRID) == utc(2027, 10, 31, 7)
    assert NIGHT.release(utc(2027, 10, 30, 19, 0), MADRID) == utc(2027, 10, 31, 7)


def test_an_overlapped_end_is_the_first_time_the_clocks_show_it() -> None:
    until_half_past_two = QuietHours(time(1, 0), time(2, 30))
    held = until_half_past_two.release(utc(2027, 10, 30, 23, 30), MADRID)  # 01:30 CEST
    assert held == utc(2027, 10, 31, 0, 30)
    assert local(held, MADRID) == "2027-10-31 02:30 CEST"


def test_cairo_daylight_saving_changes() -> None:
    # Egypt: clocks go from 00:00 to 01:00 on the last Friday of April (2027-04-30) and back
    # from 24:00 to 23:00 on the last Thursday of October (2027-10-28).
    spring_evening = utc(2027, 4, 29, 19, 0)
    assert local(spring_evening, CAIRO) == "2027-04-29 21:00 EET"
    spring = NIGHT.release(spring_evening, CAIRO)
    assert local(spring, CAIRO) == "2027-04-30 08:00 EEST"
    assert spring - spring_evening == timedelta(hours=10)
    autumn_evening = utc(2027, 10, 28, 18, 0)
    assert local(autumn_evening, CAIRO) == "2027-10-28 21:00 EEST"
    autumn = NIGHT.release(autumn_evening, CAIRO)
    assert local(autumn, CAIRO) == "2027-10-29 08:00 EET"
    assert autumn - autumn_evening == timedelta(hours=12)


def test_a_reminder_held_past_the_windows_close_is_not_sent() -> None:
    due = utc(2027, 1, 12, 22, 0)  # 23:00 CET: held to 08:00 CET, 07:00 UTC
    assert NIGHT.release_before(due, MADRID, utc(2027, 1, 13, 9, 0)) == utc(2027, 1, 13, 7, 0)
    assert NIGHT.release_before(due, MADRID, utc(2027, 1, 13, 3, 0)) is None
    assert NIGHT.release_before(due, MADRID, utc(2027, 1, 13, 7, 0)) is None  # closes as it ends


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        NIGHT.release(datetime(2027, 1, 12, 22, 0), MADRID)
