"""Weekly opening hours: spans past midnight, 24h, holidays, closed dates, searches, parsing errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from routing.hours import ALWAYS_OPEN, HoursError, Span, WeeklyHours

JST = ZoneInfo("Asia/Tokyo")
OFFICE = {"weekdays": ["09:00-17:00"]}


def jst(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JST)


# -- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["17:00-08:00", "17:00-翌08:00", "１７：００－翌０８：００", "17:00〜翌8:00", "17:00 ~ 08:00"]
)
def test_overnight_span_ends_the_next_day_in_every_spelling(text: str) -> None:
    assert WeeklyHours.parse({"mon": [text]}).days[0] == (Span(17 * 60, 24 * 60 + 8 * 60),)


def test_full_width_day_span_is_normalised() -> None:
    assert WeeklyHours.parse({"tue": ["０９：００ー１７：００"]}).days[1] == (Span(540, 1020),)


def test_shorthands_apply_first_and_named_days_override_them() -> None:
    hours = WeeklyHours.parse({"sun": "closed", "everyday": ["10:00-12:00"], "weekdays": ["09:00-17:00"]})
    assert hours.days[:5] == ((Span(540, 1020),),) * 5
    assert hours.days[5] == (Span(600, 720),)  # Saturday: everyday only
    assert hours.days[6] == ()


def test_days_not_mentioned_are_closed_and_spans_are_sorted() -> None:
    hours = WeeklyHours.parse({"wed": ["13:00-17:00", "09:00-12:00"]})
    assert hours.days[2] == (Span(540, 720), Span(780, 1020))
    assert all(day == () for index, day in enumerate(hours.days) if index != 2)
    assert not hours.is_open(jst(1, 7, 12, 30))  # Wednesday lunch break
    assert hours.is_open(jst(1, 7, 13, 0))


@pytest.mark.parametrize(
    ("value", "kwargs", "message", "argument"),
    [
        ({"mon": ["25:00-26:00"]}, {}, "hours.mon[0]: '25:00-26:00' is not HH:MM-HH:MM", "hours"),
        ({"tue": ["09:00-17:00", "9-17"]}, {"where": "services[3].hours"},
         "services[3].hours.tue[1]: '9-17' is not HH:MM-HH:MM", "hours"),
        ({"mon": ["09:60-17:00"]}, {}, "hours.mon[0]: '09:60-17:00' is not HH:MM-HH:MM", "hours"),
        ({"mon": ["09:00-24:01"]}, {}, "hours.mon[0]: '09:00-24:01' is not HH:MM-HH:MM", "hours"),
        ({"mon": ["24:00-06:00"]}, {}, "hours.mon[0]: '24:00-06:00' is not HH:MM-HH:MM", "hours"),
        ({"fri": ["17:00-翌18:00"]}, {}, "hours.fri[0]: '17:00-翌18:00' is longer than 24 hours", "hours"),
        ({"fri": [900]}, {}, "hours.fri[0]: 900 is not HH:MM-HH:MM", "hours"),
        ({"mom": ["09:00-17:00"]}, {}, "hours: unknown day 'mom'", "hours"),
        ({"sat": 5}, {}, "hours.sat: expected a list of spans", "hours"),
        ("always", {}, "hours: expected '24h' or a mapping", "hours"),
        (OFFICE, {"holidays": "sometimes"}, "holidays: 'sometimes' is not one of closed, open, sunday",
         "holidays"),
        (OFFICE, {"time_zone": "Mars/Olympus"}, "time_zone: 'Mars/Olympus' is not a known time zone",
         "time_zone"),
        (OFFICE, {"closed_dates": ["2026-02-30"]}, "closed_dates[0]: '2026-02-30' is not a YYYY-MM-DD date",
         "closed_dates"),
        (OFFICE, {"closed_dates": [date(2026, 1, 2), "soon"]}, "closed_dates[1]: 'soon' is not",
         "closed_dates"),
        (OFFICE, {"closed_dates": "2026-12-31"}, "closed_dates: expected a list", "closed_dates"),
    ],
)  # fmt: skip
def test_invalid_hours_name_the_field(value: object, kwargs: dict, message: str, argument: str) -> None:
    with pytest.raises(HoursError) as caught:
        WeeklyHours.parse(value, **kwargs)
    assert str(caught.value).startswith(message)
    assert caught.value.argument == argument


def test_hours_need_an_aware_datetime() -> None:
    with pytest.raises(ValueError, match="aware"):
        WeeklyHours.parse(OFFICE).is_open(datetime(2026, 1, 5, 10))


# -- open or closed --------------------------------------------------------------------------


def test_office_hours_start_inclusive_end_exclusive_weekdays_only() -> None:
    hours = WeeklyHours.parse(OFFICE)
    assert hours.is_open(jst(1, 5, 9, 0))  # Monday
    assert hours.is_open(jst(1, 5, 16, 59))
    assert not hours.is_open(jst(1, 5, 8, 59))
    assert not hours.is_open(jst(1, 5, 17, 0))
    assert not hours.is_open(jst(1, 10, 10, 0))  # Saturday


def test_overnight_span_belongs_to_the_day_it_starts() -> None:
    hours = WeeklyHours.parse({"fri": ["22:00-06:00"]})
    assert not hours.is_open(jst(1, 9, 21, 59))  # Friday
    assert hours.is_open(jst(1, 9, 22, 0))
    assert hours.is_open(jst(1, 10, 3, 0))  # Saturday morning, although Saturday has no hours
    assert not hours.is_open(jst(1, 10, 6, 0))
    assert not hours.is_open(jst(1, 10, 9, 0))
    assert not hours.is_open(jst(1, 9, 3, 0))  # Friday morning: Thursday had no night span


def test_overnight_span_crosses_a_month_and_a_year_boundary() -> None:
    hours = WeeklyHours.parse({"sat": ["22:00-翌06:00"], "thu": ["22:00-06:00"]})
    assert hours.is_open(jst(2, 1, 2, 0))  # span started Saturday 2026-01-31
    assert not hours.is_open(jst(2, 1, 7, 0))
    # 2026-12-31 is a Thursday; its night runs into 2027-01-01, a holiday that has no say over it.
    assert hours.is_open(jst(1, 1, 3, 0, year=2027))


def test_24h_is_open_every_minute_holidays_included() -> None:
    hours = WeeklyHours.parse("24h")
    assert hours == ALWAYS_OPEN == WeeklyHours.always()
    assert hours.always_open
    for at in (jst(1, 1, 0, 0), jst(1, 1, 23, 59), jst(5, 5, 12, 0), jst(1, 10, 3, 0)):
        assert hours.is_open(at)
    assert hours.closes_at(jst(1, 1, 3)) is None


def test_24h_with_holidays_closed_is_not_always_open() -> None:
    hours = WeeklyHours.parse("24h", holidays="closed")
    assert not hours.always_open
    assert not hours.is_open(jst(1, 1, 12, 0))
    assert hours.is_open(jst(1, 2, 12, 0))


def test_24_00_end_closes_at_midnight() -> None:
    hours = WeeklyHours.parse({"mon": ["18:00-24:00"]})
    assert hours.days[0] == (Span(18 * 60, 24 * 60),)
    assert hours.is_open(jst(1, 5, 23, 59))
    assert not hours.is_open(jst(1, 6, 0, 0))
    assert hours.closes_at(jst(1, 5, 20, 0)) == jst(1, 6, 0, 0)


def test_a_time_in_another_zone_is_converted_to_the_hours_zone() -> None:
    hours = WeeklyHours.parse(OFFICE, time_zone="UTC")
    assert hours.is_open(jst(1, 5, 18, 30))  # 09:30 UTC
    assert not hours.is_open(jst(1, 5, 10, 0))  # 01:00 UTC
    assert WeeklyHours.parse(OFFICE).is_open(datetime(2026, 1, 5, 1, 0, tzinfo=UTC))  # 10:00 JST


# -- public holidays and closed dates ---------------------------------------------------------

HOLIDAY_HOURS = {"weekdays": ["09:00-17:00"], "sun": ["10:00-12:00"]}


@pytest.mark.parametrize(
    ("policy", "at_11", "at_13"),
    [("closed", False, False), ("open", True, True), ("sunday", True, False)],
)
def test_new_years_day_follows_the_holiday_policy(policy: str, at_11: bool, at_13: bool) -> None:
    hours = WeeklyHours.parse(HOLIDAY_HOURS, holidays=policy)
    # 2026-01-01 is a Thursday: 09:00-17:00 on its own, 10:00-12:00 with Sunday's hours.
    assert hours.is_open(jst(1, 1, 11, 0)) is at_11
    assert hours.is_open(jst(1, 1, 13, 0)) is at_13
    assert hours.is_open(jst(1, 2, 13, 0))  # an ordinary Friday is open under every policy


def test_golden_week_and_its_substitute_holiday_are_closed_by_default() -> None:
    hours = WeeklyHours.parse(OFFICE)
    # 5/4 Mon and 5/5 Tue are holidays; 5/6 Wed is the substitute for Constitution Day on Sunday 5/3.
    for day in (4, 5, 6):
        assert not hours.is_open(jst(5, day, 10, 0)), day
    assert hours.is_open(jst(5, 7, 10, 0))
    assert not hours.is_open(jst(9, 22, 10, 0))  # 国民の休日, a Tuesday between two holidays
    assert WeeklyHours.parse(OFFICE, holidays="open").is_open(jst(5, 6, 10, 0))


def test_holiday_policy_applies_to_the_day_a_span_starts() -> None:
    hours = WeeklyHours.parse({"everyday": ["22:00-06:00"]}, holidays="closed")
    assert hours.is_open(jst(1, 1, 3, 0))  # the night of Wednesday 12/31 runs into New Year's Day
    assert not hours.is_open(jst(1, 1, 23, 0))  # no night starts on the holiday itself
    assert not hours.is_open(jst(1, 2, 3, 0))
    assert hours.is_open(jst(1, 2, 23, 0))


def test_closed_dates_close_the_spans_starting_on_them() -> None:
    hours = WeeklyHours.parse(
        {"everyday": ["09:00-17:00", "22:00-06:00"]}, closed_dates=["2026-12-30", date(2026, 12, 31)]
    )
    assert hours.is_open(jst(12, 29, 10, 0))
    assert hours.is_open(jst(12, 30, 3, 0))  # the night of 12/29 still runs
    assert not hours.is_open(jst(12, 30, 10, 0))
    assert not hours.is_open(jst(12, 31, 10, 0))
    assert not hours.is_open(jst(1, 1, 3, 0, year=2027))
    assert hours.closed_dates == frozenset({date(2026, 12, 30), date(2026, 12, 31)})


# -- next_open and closes_at -------------------------------------------------------------------


def test_next_open_is_at_itself_when_open() -> None:
    at = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)  # Monday 10:00 JST
    assert WeeklyHours.parse(OFFICE).next_open(at, timedelta(0)) is at


def test_next_open_skips_weekend_and_holiday_within_the_horizon() -> None:
    hours = WeeklyHours.parse(OFFICE)
    friday_evening = jst(1, 9, 18, 0)
    # Monday 2026-01-12 is Coming of Age Day, so the desk opens again on Tuesday.
    assert hours.next_open(friday_evening, timedelta(days=4)) == jst(1, 13, 9, 0)
    assert hours.next_open(friday_evening, timedelta(days=3, hours=15)) == jst(1, 13, 9, 0)  # exactly
    assert hours.next_open(friday_evening, timedelta(days=3, hours=14, minutes=59)) is None
    assert hours.next_open(friday_evening, timedelta(days=3)) is None
    assert WeeklyHours.parse(OFFICE, holidays="open").next_open(friday_evening, timedelta(days=3)) == jst(
        1, 12, 9, 0
    )


def test_next_open_finds_the_later_span_the_same_day_and_never_opens_when_always_closed() -> None:
    hours = WeeklyHours.parse({"mon": ["09:00-12:00", "13:00-17:00"]})
    assert hours.next_open(jst(1, 5, 12, 15), timedelta(hours=1)) == jst(1, 5, 13, 0)
    assert hours.next_open(jst(1, 5, 8, 0), timedelta(hours=2)) == jst(1, 5, 9, 0)
    assert WeeklyHours.parse({}).next_open(jst(1, 5), timedelta(days=30)) is None


def test_closes_at_the_end_of_the_current_span() -> None:
    hours = WeeklyHours.parse({"weekdays": ["09:00-17:00"], "fri": ["22:00-06:00"]})
    assert hours.closes_at(jst(1, 5, 10, 0)) == jst(1, 5, 17, 0)
    assert hours.closes_at(jst(1, 10, 3, 0)) == jst(1, 10, 6, 0)  # Friday's night, on Saturday
    assert hours.closes_at(jst(1, 5, 18, 0)) is None  # closed now
    assert hours.closes_at(jst(1, 10, 6, 0)) is None


def test_closes_at_joins_touching_spans_until_the_next_gap() -> None:
    lunch_shift = WeeklyHours.parse({"mon": ["09:00-12:00", "12:00-17:00"]})
    assert lunch_shift.closes_at(jst(1, 5, 10, 0)) == jst(1, 5, 17, 0)
    # Open around the clock except on holidays: it closes at midnight before Coming of Age Day.
    every_day = WeeklyHours.parse({"everyday": "24h"})
    assert every_day.closes_at(jst(1, 9, 10, 0)) == jst(1, 12, 0, 0)
    relay = WeeklyHours.parse({"everyday": ["20:00-翌20:00"]}, holidays="open", closed_dates=["2026-02-10"])
    assert relay.closes_at(jst(2, 8, 12, 0)) == jst(2, 10, 20, 0)
