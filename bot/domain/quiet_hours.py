"""Quiet hours: a span of the order's local time in which nothing scheduled is posted.

A note, a reminder or a check-in notice that falls due between, say, 21:00 and 08:00 in the
order's time zone is held and posted when the span ends. The span is wall-clock time, read
with the order's zone at each moment, so daylight saving changes move it with the clocks:
on 2027-03-28 in Europe/Madrid the night from 21:00 to 08:00 lasts ten real hours, on
2027-10-31 twelve. A span may cross midnight ("21:00-08:00") or not ("13:00-15:00").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTE = timedelta(minutes=1)


def _clock_time(text: str) -> time:
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"not a time of day like 21:00: {text.strip()!r}")
    return time(int(hours), int(minutes))  # raises ValueError beyond 23:59


@dataclass(frozen=True)
class QuietHours:
    start: time  # the first quiet minute
    end: time  # the first minute that is not quiet

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """ "21:00-08:00" -> the span; "" -> None (no quiet hours); ValueError otherwise."""
        if not text.strip():
            return None
        start, dash, end = text.partition("-")
        if not dash:
            raise ValueError(f"quiet hours are a span like 21:00-08:00, not {text!r}")
        span = cls(_clock_time(start), _clock_time(end))
        if span.start == span.end:
            raise ValueError(f"quiet hours that start and end at {start.strip()} say nothing: "
                             "leave the setting empty to turn them off")
        return span

    @property
    def crosses_midnight(self) -> bool:
        return self.end < self.start

    def contains(self, wall: time) -> bool:
        """Whether a local time of day is quiet."""
        wall = wall.replace(second=0, microsecond=0, tzinfo=None)
        if self.crosses_midnight:
            return wall >= self.start or wall < self.end
        return self.start <= wall < self.end

    def quiet_at(self, moment: datetime, zone: str | ZoneInfo) -> bool:
        return self.contains(_local(moment, zone).time())

    def ends_at(self, moment: datetime, zone: str | ZoneInfo) -> bool:
        """Whether `moment` is the first minute after the span (where held posts go)."""
        wall = _local(moment, zone).time().replace(second=0, microsecond=0)
        return wall == self.end

    def release(self, moment: datetime, zone: str | ZoneInfo) -> datetime:
        """When something due at `moment` may be posted: `moment` itself outside the span,
        else the span's end (in UTC). An end the clocks skip (a spring-forward gap) is
        reached when they jump; an end they show twice (autumn) the first time."""
        local = _local(moment, zone)
        if not self.contains(local.time()):
            return moment
        day = local.date()
        if self.crosses_midnight and local.time() >= self.start:
            day += timedelta(days=1)
        wall_end = datetime.combine(day, self.end)
        tz = local.tzinfo
        at = min(wall_end.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1))
        while self.quiet_at(at, zone):  # only inside a gap: minutes until the clocks jump
            at += MINUTE
        return at

    def release_before(self, moment: datetime, zone: str | ZoneInfo,
                       deadline: datetime) -> datetime | None:
        """`release`, or None when it would come at or after `deadline` (a reminder held
        past the rating window's close is not sent at all)."""
        at = self.release(moment, zone)
        return at if at < deadline else None


NIGHT = QuietHours(time(21, 0), time(8, 0))  # the default: ORDERBOT_QUIET_HOURS=21:00-08:00


def _local(moment: datetime, zone: str | ZoneInfo) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("quiet hours need an aware datetime")
    return moment.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone)


def release_of(quiet: QuietHours | None, moment: datetime, zone: str | ZoneInfo) -> datetime:
    """`moment`, or the end of the quiet hours it falls in (no quiet hours: `moment`)."""
    return moment if quiet is None else quiet.release(moment, zone)
