"""Weekly opening hours: when a team (and, later, a listed service) answers.

Owns `WeeklyHours`: parsing the form operators write ("24h", {weekdays: ["09:00-17:00"]},
"17:00-翌08:00") and the three questions routing asks: open now, open when next, open until when.
Japanese public holidays come from jpholiday, which computes them offline. Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jpholiday

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SHORTHANDS = {"everyday": tuple(range(7)), "weekdays": tuple(range(5))}
HOLIDAY_POLICIES = ("closed", "open", "sunday")
DEFAULT_TIME_ZONE = "Asia/Tokyo"
DAY_MINUTES = 24 * 60
_SUNDAY = 6
_ONE_DAY = timedelta(days=1)
# An open period longer than this is "always open" to closes_at: nobody plans a year ahead.
_CLOSES_HORIZON = timedelta(days=366)
# After NFKC ("１７：００" -> "17:00"); people also type a wave dash, a long-vowel mark or a minus sign.
_SPAN = re.compile(r"([0-9]{1,2}):([0-9]{2})\s*[-~〜–—ー−]\s*(翌)?\s*([0-9]{1,2}):([0-9]{2})")


class HoursError(ValueError):
    """Opening hours are malformed: "{field}: {problem}", e.g. "hours.mon[0]: '25:00-26:00' is not ..."."""

    def __init__(self, field: str, problem: str, argument: str = "hours") -> None:
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem
        # Which parse() argument was wrong (hours, time_zone, holidays, closed_dates), so a caller
        # reading a file can point at the right line.
        self.argument = argument


class Span(NamedTuple):
    """Open from `start` to `end`, minutes after midnight of the day it starts; `end` may pass 1440."""

    start: int
    end: int


_CLOSED: tuple[Span, ...] = ()
_ALL_DAY = (Span(0, DAY_MINUTES),)


@dataclass(frozen=True)
class WeeklyHours:
    """Spans per weekday (0 = Monday), a policy for Japanese public holidays, and extra closed dates."""

    time_zone: ZoneInfo = ZoneInfo(DEFAULT_TIME_ZONE)
    days: tuple[tuple[Span, ...], ...] = (_CLOSED,) * 7
    holidays: str = "closed"
    closed_dates: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if len(self.days) != len(DAYS) or self.holidays not in HOLIDAY_POLICIES:
            raise HoursError("hours", f"need 7 days and a holiday policy in {HOLIDAY_POLICIES}")
        # The searches below walk spans in order of start, so keep every day sorted whoever built it.
        object.__setattr__(self, "days", tuple(tuple(sorted(Span(*s) for s in day)) for day in self.days))
        object.__setattr__(self, "closed_dates", frozenset(self.closed_dates))

    @classmethod
    def always(cls, time_zone: str | ZoneInfo = DEFAULT_TIME_ZONE) -> WeeklyHours:
        """Open 24 hours every day, public holidays included."""
        return cls(_zone(time_zone), (_ALL_DAY,) * 7, "open")

    @classmethod
    def parse(
        cls,
        value: Any,
        *,
        where: str = "hours",
        time_zone: str | ZoneInfo = DEFAULT_TIME_ZONE,
        holidays: str | None = None,
        closed_dates: Iterable[date | str] = (),
    ) -> WeeklyHours:
        """Hours from "24h" or {mon..sun|weekdays|everyday: spans}; holidays None = closed ("24h": open)."""
        zone, dates = _zone(time_zone), _dates(closed_dates)
        if isinstance(value, str) and _normalise(value).lower() == "24h":
            # "24h" promises every hour of the year: only an explicit holiday policy closes it.
            days, default_policy = (_ALL_DAY,) * 7, "open"
        elif isinstance(value, Mapping):
            days, default_policy = _week(value, where), "closed"
        else:
            raise HoursError(where, "expected '24h' or a mapping of mon..sun, weekdays, everyday to spans")
        policy = default_policy if holidays is None else holidays
        if policy not in HOLIDAY_POLICIES:
            raise HoursError(
                "holidays", f"{policy!r} is not one of {', '.join(HOLIDAY_POLICIES)}", "holidays"
            )
        return cls(zone, days, policy, dates)

    @property
    def always_open(self) -> bool:
        """Open every minute of every day, holidays included, with no closed dates."""
        whole_days = all(any(s.start == 0 and s.end >= DAY_MINUTES for s in day) for day in self.days)
        return whole_days and self.holidays != "closed" and not self.closed_dates

    def spans_on(self, day: date) -> tuple[Span, ...]:
        """The spans that start on this local date, after closed dates and the holiday policy."""
        if day in self.closed_dates:
            return _CLOSED
        if jpholiday.is_holiday(day):
            if self.holidays == "closed":
                return _CLOSED
            if self.holidays == "sunday":
                return self.days[_SUNDAY]
        return self.days[day.weekday()]

    def is_open(self, at: datetime) -> bool:
        """Whether `at` (an aware datetime) falls in an open span."""
        now = self._wall(at)
        # Yesterday's spans too: a Friday night shift is still open at 03:00 on a closed Saturday.
        return any(start <= now < end for start, end in self._periods(now.date() - _ONE_DAY, now.date()))

    def next_open(self, at: datetime, within: timedelta) -> datetime | None:
        """`at` if open now, else the first opening by `at + within` (in the hours' zone), else None."""
        now, deadline = self._wall(at), self._wall(at.astimezone(UTC) + within)
        for start, end in self._periods(now.date() - _ONE_DAY, deadline.date()):
            # Periods come in order of start, so the first not yet over is the one to wait for.
            if end > now:
                if start <= now:
                    return at
                return start.replace(tzinfo=self.time_zone) if start <= deadline else None
        return None

    def closes_at(self, at: datetime) -> datetime | None:
        """When the open period around `at` ends; None if closed now or open for over a year (always open)."""
        if self.always_open:
            return None
        now = self._wall(at)
        closes: datetime | None = None
        for start, end in self._periods(now.date() - _ONE_DAY, now.date() + _CLOSES_HORIZON):
            if closes is None:
                if start > now:
                    return None
                if end > now:
                    closes = end
            elif start > closes:
                return closes.replace(tzinfo=self.time_zone)
            else:
                # Touching or overlapping spans ("everyday 24h" with holidays closed) are one open period.
                closes = max(closes, end)
        return None

    def _periods(self, first: date, last: date) -> Iterator[tuple[datetime, datetime]]:
        """Open periods as local wall-clock (naive) datetimes, by start, for spans starting first..last."""
        day = first
        while day <= last:
            midnight = datetime.combine(day, time())
            for span in self.spans_on(day):
                yield midnight + timedelta(minutes=span.start), midnight + timedelta(minutes=span.end)
            day += _ONE_DAY

    def _wall(self, at: datetime) -> datetime:
        # Hours are wall-clock times ("09:00" stays 09:00 across a DST change), so compare naive local times.
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("opening hours need an aware datetime (with a time zone)")
        return at.astimezone(self.time_zone).replace(tzinfo=None)


def _week(value: Mapping[Any, Any], where: str) -> tuple[tuple[Span, ...], ...]:
    for key in value:
        if key not in DAYS and key not in SHORTHANDS:
            raise HoursError(where, f"unknown day {key!r} (expected mon..sun, weekdays or everyday)")
    days = [_CLOSED] * 7
    # everyday, then weekdays, then named days, so {everyday: [...], sun: closed} means what it says.
    for key in sorted(value, key=lambda k: (k in DAYS, k == "weekdays")):
        spans = _day(value[key], f"{where}.{key}")
        for index in SHORTHANDS[key] if key in SHORTHANDS else (DAYS.index(key),):
            days[index] = spans
    return tuple(days)


def _day(value: Any, where: str) -> tuple[Span, ...]:
    if isinstance(value, str):
        word = _normalise(value).lower()
        if word in ("24h", "closed"):
            return _ALL_DAY if word == "24h" else _CLOSED
        return (_span(value, where),)
    if not isinstance(value, list | tuple):
        raise HoursError(where, "expected a list of spans like '09:00-17:00', or '24h' or 'closed'")
    return tuple(_span(item, f"{where}[{index}]") for index, item in enumerate(value))


def _span(text: Any, where: str) -> Span:
    match = _SPAN.fullmatch(_normalise(text)) if isinstance(text, str) else None
    if match is None:
        raise HoursError(where, f"{text!r} is not HH:MM-HH:MM")
    start_hour, start_minute, next_day, end_hour, end_minute = match.groups()
    start = int(start_hour) * 60 + int(start_minute)
    end = int(end_hour) * 60 + int(end_minute)
    if int(start_hour) > 23 or int(start_minute) > 59 or int(end_minute) > 59 or end > DAY_MINUTES:
        raise HoursError(where, f"{text!r} is not HH:MM-HH:MM")
    # An end at or before the start is the next morning: "22:00-06:00" is one night shift.
    if next_day or end <= start:
        end += DAY_MINUTES
    if end - start > DAY_MINUTES:
        raise HoursError(where, f"{text!r} is longer than 24 hours")
    return Span(start, end)


def _zone(name: str | ZoneInfo) -> ZoneInfo:
    if isinstance(name, ZoneInfo):
        return name
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise HoursError("time_zone", f"{name!r} is not a known time zone", "time_zone") from None


def _dates(values: Any) -> frozenset[date]:
    if isinstance(values, str | date) or not isinstance(values, Iterable):
        raise HoursError("closed_dates", "expected a list of dates (YYYY-MM-DD)", "closed_dates")
    dates = set()
    for index, value in enumerate(values):
        # A datetime is a date too, but "closed on 2026-12-31 10:00" does not name a closed day.
        day = value if isinstance(value, date) and not isinstance(value, datetime) else None
        try:
            dates.add(day or date.fromisoformat(_normalise(value)))
        except (TypeError, ValueError):
            problem = f"{value!r} is not a YYYY-MM-DD date"
            raise HoursError(f"closed_dates[{index}]", problem, "closed_dates") from None
    return frozenset(dates)


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


ALWAYS_OPEN = WeeklyHours.always()
