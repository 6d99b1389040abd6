"""Report periods in the unit's calendar, as officials name them."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from skm_core.dates import period_label, period_words
from skm_core.periods import (
    PeriodKind,
    month_of,
    parse_period,
    period_between,
    quarter_of,
    semester_of,
    week_of,
    year_of,
)

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
