"""Report periods in the unit's calendar, as officials name them."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skm_core.calendar.dates import period_label, period_words
from skm_core.calendar.periods import (
    PeriodKind,
    answer_day_in_range,
    month_of,
    parse_period,
    period_between,
    period_in_range,
    quarter_of,
    semester_of,
    week_of,
    year_of,
)
from skm_core.content import Content

TODAY = date(2026, 11, 28)  # a Saturday
WITA = ZoneInfo("Asia/Makassar")


@pytest.mark.parametrize(
    ("said", "kind", "first", "last"),
    [
        ("minggu ini", PeriodKind.WEEK, "2026-11-23", "2026-11-29"),
        ("Minggu  lalu", PeriodKind.WEEK, "2026-11-16", "2026-11-22"),
        ("bulan ini", PeriodKind.MONTH, "2026-11-01", "2026-11-30"),
        ("bulan lalu", PeriodKind.MONTH, "2026-10-01", "2026-10-31"),
        ("triwulan 4", PeriodKind.QUARTER, "2026-10-01", "2026-12-31"),
        ("q1 2025", PeriodKind.QUARTER, "2025-01-01", "2025-03-31"),
        ("semester 1 2025", PeriodKind.SEMESTER, "2025-01-01", "2025-06-30"),
        ("2024", PeriodKind.YEAR, "2024-01-01", "2024-12-31"),
        ("tahun lalu", PeriodKind.YEAR, "2025-01-01", "2025-12-31"),
        ("februari 2024", PeriodKind.MONTH, "2024-02-01", "2024-02-29"),
        ("2026-01-01..2026-03-31", PeriodKind.QUARTER, "2026-01-01", "2026-03-31"),
        ("2026-01-05 s.d. 2026-01-20", PeriodKind.RANGE, "2026-01-05", "2026-01-20"),
    ],
)
def test_periods_as_officials_say_them(content, said, kind, first, last):
    period = parse_period(said, TODAY, period_words(content.texts))
    assert period is not None
    assert (period.kind, period.first.isoformat(), period.last.isoformat()) == (kind, first, last)


@pytest.mark.parametrize(
    "said",
    ["kemarin", "triwulan 5", "semester 3", "2026-02-30..2026-03-01", "2026-03-01..2026-02-01", ""],
)
def test_what_is_not_a_period(content, said):
    assert parse_period(said, TODAY, period_words(content.texts)) is None


def test_the_previous_period_is_of_the_same_kind():
    assert month_of(date(2026, 3, 15)).previous() == month_of(date(2026, 2, 1))
    assert week_of(date(2026, 1, 1)).previous() == week_of(date(2025, 12, 25))
    ranged = period_between(date(2026, 1, 5), date(2026, 1, 20))
    assert (ranged.previous().first, ranged.previous().last) == (
        date(2025, 12, 20),
        date(2026, 1, 4),
    )


def test_a_calendar_month_given_as_dates_is_a_month():
    assert period_between(date(2026, 11, 1), date(2026, 11, 30)) == month_of(date(2026, 11, 1))


def test_local_days_in_utc():
    start, end = month_of(date(2026, 11, 1)).utc_bounds(WITA)
    assert start == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)


def test_labels(content):
    texts = content.texts
    assert period_label(month_of(date(2026, 11, 1)), texts) == "November 2026"
    assert period_label(week_of(TODAY), texts) == "Minggu 23 November 2026 s.d. 29 November 2026"


def words(content: Content) -> dict[str, list[str]]:
    return period_words(content.texts)


@pytest.mark.parametrize(
    "said", ["0000", "tahun 0000", "triwulan 1 0000", "semester 2 0000", "desember 9999",
             "januari 0000", "0000-01-01..0000-02-01", "9999-12-31..9999-12-31"],
)  # fmt: skip
def test_a_period_without_calendar_dates_is_not_understood_not_a_crash(content, said):
    parsed = parse_period(said, TODAY, words(content))
    assert parsed is None or not period_in_range(parsed, TODAY)


@given(st.text(max_size=40))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_words_give_a_period_or_none(content, said):
    parse_period(said, TODAY, words(content))


@given(st.integers(min_value=1, max_value=9999))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_year_gives_a_period_that_can_be_checked(content, year):
    parsed = parse_period(f"{year:04d}", TODAY, words(content))
    assert parsed is not None
    assert period_in_range(parsed, TODAY) == (2000 <= year <= TODAY.year)


@pytest.mark.parametrize(
    ("first", "last", "sensible"),
    [
        ("2000-01-01", "2000-01-31", True),
        ("1999-12-31", "2000-01-31", False),
        ("0999-01-01", "0999-12-31", False),
        ("2026-11-29", "2026-11-29", True),  # tomorrow
        ("2026-11-30", "2026-11-30", False),  # the day after
        ("2026-01-01", "2026-12-31", True),  # this year, still running
        ("2026-11-01", "2027-12-31", True),
        ("2026-11-01", "2028-01-01", False),
    ],
)
def test_periods_of_answers_lie_between_2000_and_tomorrow(first, last, sensible):
    period = period_between(date.fromisoformat(first), date.fromisoformat(last))
    assert period_in_range(period, TODAY) is sensible


def test_answer_days_lie_between_2000_and_tomorrow():
    assert answer_day_in_range(date(2000, 1, 1), TODAY)
    assert answer_day_in_range(date(2026, 11, 29), TODAY)
    assert not answer_day_in_range(date(2026, 11, 30), TODAY)
    assert not answer_day_in_range(date(1999, 12, 31), TODAY)
    assert not answer_day_in_range(date(999, 1, 1), TODAY)


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (semester_of(date(2024, 9, 1)), "Semester II Tahun 2024"),
        (semester_of(date(2024, 2, 1)), "Semester I Tahun 2024"),
        (quarter_of(date(2026, 8, 1)), "Triwulan III Tahun 2026"),
        (quarter_of(date(2026, 12, 1)), "Triwulan IV Tahun 2026"),
        (month_of(date(2026, 12, 1)), "Desember 2026"),
        (year_of(date(2023, 5, 1)), "Tahun 2023"),
    ],
)
def test_periods_read_in_official_style(content, period, label):
    assert period_label(period, content.texts) == label
