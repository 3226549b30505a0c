"""Hours as operators write them in the directory, and as a person reads them on a card.

The mini-language (YAML `hours:` as text, and the CSV `hours` column) is clauses split by ";":

    24h                                    every hour of every day, holidays included
    closed                                 never (a trial line outside its periods)
    varies                                 depends on the local office: not known, never "open now"
    weekdays 09:00-17:00                   days (mon..sun, weekdays, everyday; "," between several)
    mon,thu,fri 24h; tue,wed 06:00-24:00     then spans ("," between several), 24h or closed
    everyday 13:00-16:00, 17:00-翌02:00     "翌" (or an end before the start) is the next morning
    holidays open                          on public holidays: closed (default) | open | sunday
    closed 2026-12-29..2027-01-03, 2027-05-03   closed dates and date ranges

YAML may also give the mapping form of routing/hours.py ({weekdays: ["09:00-17:00"]}). Times are
Asia/Tokyo. `format_hours` writes the text form back, so an export reads in as the same hours.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from routing.hours import DAY_MINUTES, DAYS, HoursError, Span, WeeklyHours

UNKNOWN = "varies"
_NEVER = WeeklyHours.parse({"everyday": "closed"})
_DAY_WORDS = {
    **{day: day for day in DAYS},
    "weekdays": "weekdays",
    "everyday": "everyday",
    "daily": "everyday",
}
_DAY_JA = "月火水木金土日"
_RANGE = re.compile(r"(\S+)\s*\.\.\s*(\S+)")


def parse_hours(value: Any, where: str = "hours") -> tuple[WeeklyHours, bool]:
    """Hours from the text or mapping form, and whether they are known (False for "varies")."""
    if isinstance(value, Mapping):
        spec = dict(value)
        holidays, closed = spec.pop("holidays", None), spec.pop("closed_dates", ())
        return WeeklyHours.parse(spec, where=where, holidays=holidays, closed_dates=closed), True
    if not isinstance(value, str) or not value.strip():
        raise HoursError(where, "expected text such as '24h' or 'weekdays 09:00-17:00'")
    clauses = [clause.strip() for clause in value.split(";") if clause.strip()]
    head = clauses[0].lower()
    if head == UNKNOWN and len(clauses) == 1:
        return _NEVER, False
    days: dict[str, Any] = {}
    holidays: str | None = None
    closed: list[date] = []
    for clause in clauses:
        word, _, rest = clause.partition(" ")
        word, rest = word.lower(), rest.strip()
        if word in ("24h", "closed") and not rest:
            days["everyday"] = word
        elif word == "holidays":
            holidays = rest
        elif word == "closed":
            closed.extend(_dates(rest, where))
        else:
            for key in _day_keys(word, where):
                if key in days:
                    raise HoursError(where, f"{key} is given twice")
                if not rest:
                    raise HoursError(where, f"{clause!r}: give spans, 24h or closed after the days")
                words = rest.lower()
                days[key] = (
                    words if words in ("24h", "closed") else [span.strip() for span in rest.split(",")]
                )
    if "everyday" in days and days["everyday"] == "24h" and len(days) == 1 and holidays is None:
        return WeeklyHours.parse("24h", where=where, closed_dates=closed), True
    return WeeklyHours.parse(
        days or {"everyday": "closed"}, where=where, holidays=holidays, closed_dates=closed
    ), True


def format_hours(hours: WeeklyHours, known: bool = True) -> str:
    """The text form of `hours` (parse_hours reads it back as equal hours)."""
    if not known:
        return UNKNOWN
    closed = _format_dates(hours.closed_dates)
    if all(day == (Span(0, DAY_MINUTES),) for day in hours.days) and hours.holidays == "open":
        return "; ".join(["24h", *closed])
    groups = [group for group in _groups(hours) if hours.days[group[0]]]
    clauses = [f"{_day_names(group, None)} {_format_spans(hours.days[group[0]])}" for group in groups]
    clauses = clauses or ["closed"]
    if hours.holidays != "closed":
        clauses.append(f"holidays {hours.holidays}")
    return "; ".join(clauses + closed)


def hours_text(hours: WeeklyHours, lang: str, known: bool = True) -> str:
    """Hours for a person: "24時間", "毎日 17:00–翌8:00", "weekdays 9:00–17:00", or a per-day list."""
    ja = lang == "ja"
    if not known:
        return "地域の窓口により異なる" if ja else "depends on the local office"
    if hours.always_open or (
        all(d == (Span(0, DAY_MINUTES),) for d in hours.days) and hours.holidays == "open"
    ):
        return "24時間" if ja else "24 hours"
    if not any(hours.days):
        return "現在は受付なし" if ja else "not currently open"
    groups = _groups(hours)
    if len(groups) == 1:
        text = f"{'毎日' if ja else 'daily'} {_spans_text(hours.days[0], ja)}"
        if hours.holidays == "closed":
            text += "（祝日休み）" if ja else " (closed on public holidays)"
        return text
    if groups[0] == tuple(range(5)) and not hours.days[5] and not hours.days[6]:
        return f"{'平日' if ja else 'weekdays'} {_spans_text(hours.days[0], ja)}"
    parts = []
    for group in groups:
        if hours.days[group[0]]:
            parts.append(f"{_day_names(group, ja)} {_spans_text(hours.days[group[0]], ja)}")
    return (" / " if ja else "; ").join(parts)


def _day_names(group: tuple[int, ...], ja: bool | None) -> str:
    """Days for the text form (ja None) or a card: "weekdays", "平日", "Sat, Sun", "土・日"."""
    shorthand = {
        tuple(range(7)): ("everyday", "毎日", "daily"),
        tuple(range(5)): ("weekdays", "平日", "weekdays"),
    }
    if group in shorthand:
        return shorthand[group][0 if ja is None else 1 if ja else 2]
    if ja is None:
        return ",".join(DAYS[i] for i in group)
    return "・".join(_DAY_JA[i] for i in group) if ja else ", ".join(DAYS[i].title() for i in group)


def _day_keys(word: str, where: str) -> tuple[str, ...]:
    keys = []
    for token in word.split(","):
        if token not in _DAY_WORDS:
            raise HoursError(where, f"unknown day {token!r} (expected mon..sun, weekdays or everyday)")
        keys.append(_DAY_WORDS[token])
    return tuple(keys)


def _dates(text: str, where: str) -> list[date]:
    days: list[date] = []
    for token in (t.strip() for t in text.split(",")):
        match = _RANGE.fullmatch(token)
        try:
            first, last = match.groups() if match else (token, token)
            start, end = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            raise HoursError(
                where, f"{token!r} is not a date or date range (2026-12-29..2027-01-03)"
            ) from None
        if end < start or (end - start).days > 366:
            raise HoursError(where, f"{token!r} is not a date range of up to a year")
        days.extend(start + timedelta(days=n) for n in range((end - start).days + 1))
    return days


def _groups(hours: WeeklyHours) -> list[tuple[int, ...]]:
    """Weekdays with the same spans, in order of their first day."""
    groups: dict[tuple[Span, ...], list[int]] = {}
    for index, spans in enumerate(hours.days):
        groups.setdefault(spans, []).append(index)
    return [tuple(days) for days in groups.values()]


def _format_spans(spans: tuple[Span, ...]) -> str:
    if spans == (Span(0, DAY_MINUTES),):
        return "24h"
    parts = []
    for span in spans:
        # "翌" marks an end the next morning, even "08:00-翌08:00" (a full day from 08:00).
        end = f"翌{_clock(span.end - DAY_MINUTES)}" if span.end > DAY_MINUTES else _clock(span.end)
        parts.append(f"{_clock(span.start)}-{end}")
    return ", ".join(parts)


def _spans_text(spans: tuple[Span, ...], ja: bool) -> str:
    if spans == (Span(0, DAY_MINUTES),):
        return "24時間" if ja else "24 hours"
    parts = []
    for span in spans:
        end = _clock(span.end - DAY_MINUTES if span.end > DAY_MINUTES else span.end, pad=False)
        if span.end > DAY_MINUTES:
            end = f"翌{end}" if ja else f"{end} next day"
        parts.append(f"{_clock(span.start, pad=False)}–{end}")
    return "・".join(parts) if ja else ", ".join(parts)


def _clock(minutes: int, pad: bool = True) -> str:
    hour, minute = divmod(minutes, 60)
    return f"{hour:02d}:{minute:02d}" if pad else f"{hour}:{minute:02d}"


def _format_dates(dates: frozenset[date]) -> list[str]:
    """Closed dates as one clause, consecutive days written as ranges."""
    if not dates:
        return []
    ranges: list[list[date]] = []
    for day in sorted(dates):
        if ranges and day - ranges[-1][1] == timedelta(days=1):
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    return ["closed " + ", ".join(str(a) if a == b else f"{a}..{b}" for a, b in ranges)]
