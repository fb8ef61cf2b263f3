"""The product's numbers (reminder cadence, check-in window, refund wait, rating window,
included revisions, the hour notes are posted) and the rules that follow from them.

Every duration is absolute time: "24 h after" is 24 real hours, whatever daylight saving
does to the wall clock. Only the review date chosen on the calendar is a local date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.quiet_hours import NIGHT, QuietHours


def _utc(moment: datetime) -> datetime:
    """Aware datetimes in UTC, so that adding a duration adds real time, not wall-clock time."""
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment


def _default_offsets() -> tuple[timedelta, ...]:
    return (timedelta(hours=24), timedelta(hours=48), timedelta(hours=72), timedelta(days=7))


@dataclass(frozen=True)
class Policy:
    reminder_offsets: tuple[timedelta, ...] = field(default_factory=_default_offsets)
    reminder_repeat: timedelta = timedelta(days=7)
    rating_window: timedelta = timedelta(days=90)
    checkin_min: timedelta = timedelta(hours=24)
    checkin_max: timedelta = timedelta(days=7)
    refund_wait: timedelta = timedelta(hours=48)
    included_revisions: int = 2
    note_max_length: int = 1000
    comment_max_length: int = 1000
    note_hour: time = time(10, 0)
    # Nothing scheduled is posted in these hours of the order's local time (quiet_hours.py).
    quiet_hours: QuietHours | None = NIGHT

    def reminder_at(self, requested_at: datetime, index: int) -> datetime:
        """When reminder number `index` (0-based) falls due: the offsets, then every repeat."""
        if index < 0:
            raise ValueError("reminder index must be >= 0")
        offsets = self.reminder_offsets
        start = _utc(requested_at)
        if index < len(offsets):
            return start + offsets[index]
        return start + offsets[-1] + self.reminder_repeat * (index - len(offsets) + 1)

    def next_reminder(
        self, requested_at: datetime, sent: int, window_closes_at: datetime | None
    ) -> datetime | None:
        """The next reminder after `sent` reminders, or None when the window closes first."""
        due = self.reminder_at(requested_at, sent)
        if window_closes_at is not None and due >= window_closes_at:
            return None
        return due

    def rating_closes_at(self, done_at: datetime) -> datetime:
        return _utc(done_at) + self.rating_window

    def rating_open(self, done_at: datetime | None, now: datetime) -> bool:
        return done_at is not None and now < self.rating_closes_at(done_at)

    def checkin_opens_at(self, last_pro_message_at: datetime) -> datetime:
        return _utc(last_pro_message_at) + self.checkin_min

    def checkin_closes_at(self, last_pro_message_at: datetime) -> datetime:
        return _utc(last_pro_message_at) + self.checkin_max

    def refund_due_at(self, wait_started_at: datetime) -> datetime:
        return _utc(wait_started_at) + self.refund_wait

    def review_due_at(self, day: date, tz: str) -> datetime:
        """The moment a note chosen for `day` is posted: note_hour, local time of the order."""
        return datetime.combine(day, self.note_hour, tzinfo=ZoneInfo(tz))

    def review_day_allowed(self, day: date, tz: str, now: datetime,
                           done_at: datetime | None) -> bool:
        """Not in the past (today is allowed), not beyond the rating window."""
        today = now.astimezone(ZoneInfo(tz)).date()
        if day < today:
            return False
        closes = self.rating_closes_at(done_at or now)
        return self.review_due_at(day, tz) < closes

    def last_review_day(self, tz: str, now: datetime, done_at: datetime | None) -> date:
        closes = self.rating_closes_at(done_at or now)
        last = (closes - timedelta(seconds=1)).astimezone(ZoneInfo(tz)).date()
        if self.review_due_at(last, tz) >= closes:
            last -= timedelta(days=1)
        return last
