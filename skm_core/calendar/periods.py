"""Report periods in the unit's calendar, and turning local dates into UTC instants.

A period is a run of whole local days. Officials name periods in Indonesian ("minggu ini",
"bulan lalu", "triwulan 2 2026", "semester 1", "2026", "2026-01-01..2026-03-31"); the words
themselves live in content/texts.yaml.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    SEMESTER = "semester"
    YEAR = "year"
    RANGE = "range"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    first: date
    last: date
    """Inclusive."""

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def key(self) -> str:
        """A stable name for ledgers: 'month:2026-11-01..2026-11-30'."""
        return f"{self.kind.value}:{self.first.isoformat()}..{self.last.isoformat()}"

    def previous(self) -> "Period":
        """The period of the same kind (or the same length) just before this one."""
        if self.kind is PeriodKind.WEEK:
            return week_of(self.first - timedelta(days=7))
        if self.kind is PeriodKind.MONTH:
            return month_of(self.first - timedelta(days=1))
        if self.kind is PeriodKind.QUARTER:
            return quarter_of(self.first - timedelta(days=1))
        if self.kind is PeriodKind.SEMESTER:
            return semester_of(self.first - timedelta(days=1))
        if self.kind is PeriodKind.YEAR:
            return year_of(self.first - timedelta(days=1))
        return Period(
            PeriodKind.RANGE,
            self.first - timedelta(days=self.days),
            self.first - timedelta(days=1),
        )

    def utc_bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        return local_day_start(self.first, tz), local_day_start(self.last + timedelta(days=1), tz)


def week_of(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period(PeriodKind.WEEK, monday, monday + timedelta(days=6))


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(PeriodKind.MONTH, first, following - timedelta(days=1))


def quarter_of(day: date) -> Period:
    start_month = 3 * ((day.month - 1) // 3) + 1
    first = date(day.year, start_month, 1)
    last = month_of(date(day.year, start_month + 2, 1)).last
    return Period(PeriodKind.QUARTER, first, last)


def semester_of(day: date) -> Period:
    if day.month <= 6:
        return Period(PeriodKind.SEMESTER, date(day.year, 1, 1), date(day.year, 6, 30))
    return Period(PeriodKind.SEMESTER, date(day.year, 7, 1), date(day.year, 12, 31))


def year_of(day: date) -> Period:
    return Period(PeriodKind.YEAR, date(day.year, 1, 1), date(day.year, 12, 31))


def period_between(first: date, last: date) -> Period:
    """first..last as the calendar period it is (a month, a quarter, ...), else a range; so
    that its "previous period" is the previous month rather than the previous 30 days."""
    for named in (
        week_of(first),
        month_of(first),
        quarter_of(first),
        semester_of(first),
        year_of(first),
    ):
        if (named.first, named.last) == (first, last):
            return named
    return Period(PeriodKind.RANGE, first, last)


EARLIEST_DAY = date(2000, 1, 1)
"""No answer, period or report of this bot lies before it."""


def latest_answer_day(today: date) -> date:
    """Answers are dated up to tomorrow: the unit's today may be tomorrow somewhere else."""
    return today + timedelta(days=1)


def answer_day_in_range(day: date, today: date) -> bool:
    return EARLIEST_DAY <= day <= latest_answer_day(today)


def period_in_range(period: Period, today: date) -> bool:
    """A period of answers begins between 2000 and tomorrow; it may end later (this year),
    but not beyond next year."""
    return (
        EARLIEST_DAY <= period.first <= latest_answer_day(today)
        and period.last.year <= today.year + 1
    )


def local_day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def utc_bounds(
    first: date | None, last: date | None, tz: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    """The half-open UTC interval covering local days first..last inclusive (None: unbounded)."""
    start = local_day_start(first, tz) if first is not None else None
    end = local_day_start(last + timedelta(days=1), tz) if last is not None else None
    return start, end


_NUMBER = r"(\d{1,2})"
_YEAR = r"(\d{4})"


def parse_period(text: str, today: date, words: dict[str, list[str]]) -> Period | None:
    """A period named by an official, or None when the words are not understood.

    `words` maps 'this_week', 'last_week', 'this_month', 'last_month', 'quarter', 'semester',
    'year' to the phrases people use for them (from content). Whether the period is a
    sensible one is for the caller to ask (period_in_range).
    """
    try:
        return _parse_period(text, today, words)
    except (ValueError, OverflowError):
        # Year 0 and the like: no calendar date at all.
        return None


def _parse_period(text: str, today: date, words: dict[str, list[str]]) -> Period | None:
    said = " ".join(text.casefold().split())
    if not said:
        return None
    for parse in (_relative, _range, _numbered, _year, _month):
        found = parse(said, today, words)
        if found is not None:
            # A form that matched but names no real period ends the search.
            return None if found is False else found
    return None


# Each reader returns None when the text is not its form, False when it is its form but names
# no real period (a 13th month, a range backwards), else the period.
_Read = Period | None | Literal[False]


def _relative(said: str, today: date, words: dict[str, list[str]]) -> _Read:
    """ "this week", "last month", "last year", ... in the unit's words."""
    relative: dict[str, Callable[[], Period]] = {
        "this_week": lambda: week_of(today),
        "last_week": lambda: week_of(today - timedelta(days=7)),
        "this_month": lambda: month_of(today),
        "last_month": lambda: month_of(month_of(today).first - timedelta(days=1)),
        "this_year": lambda: year_of(today),
        "last_year": lambda: year_of(date(today.year - 1, 1, 1)),
    }
    for key, period in relative.items():
        if said in words.get(key, []):
            return period()
    return None


def _range(said: str, today: date, words: dict[str, list[str]]) -> _Read:
    ranged = re.fullmatch(
        r"(\d{4}-\d{2}-\d{2})\s*(?:\.\.|s\.?d\.?|-|sampai)\s*(\d{4}-\d{2}-\d{2})", said
    )
    if not ranged:
        return None
    try:
        first, last = date.fromisoformat(ranged[1]), date.fromisoformat(ranged[2])
    except ValueError:
        return False
    return period_between(first, last) if first <= last else False


def _numbered(said: str, today: date, words: dict[str, list[str]]) -> _Read:
    """ "triwulan 2 2024", "semester 1" (this year)."""
    for kind, size in (("quarter", 3), ("semester", 6)):
        for phrase in words.get(kind, []):
            match = re.fullmatch(rf"{re.escape(phrase)}\s*{_NUMBER}(?:\s+{_YEAR})?", said)
            if match:
                number, year = int(match[1]), int(match[2] or today.year)
                if not 1 <= number <= 12 // size:
                    return False
                first = date(year, (number - 1) * size + 1, 1)
                return quarter_of(first) if size == 3 else semester_of(first)
    return None


def _year(said: str, today: date, words: dict[str, list[str]]) -> _Read:
    for phrase in words.get("year", []):
        match = re.fullmatch(rf"(?:{re.escape(phrase)}\s*)?{_YEAR}", said)
        if match:
            return year_of(date(int(match[1]), 1, 1))
    return None


def _month(said: str, today: date, words: dict[str, list[str]]) -> _Read:
    month_match = re.fullmatch(rf"([a-z]+)\s+{_YEAR}", said)
    if month_match:
        for number, names in enumerate(words.get("months", []), start=1):
            if month_match[1] == names:
                return month_of(date(int(month_match[2]), number, 1))
    return None
