"""Dates and times as people in the unit read them: local time, Indonesian month names."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from skm_core.calendar.periods import Period, PeriodKind
from skm_core.content.models import Texts

_ZONE_NAMES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_abbreviation(tz: ZoneInfo) -> str:
    return _ZONE_NAMES.get(tz.key, tz.key)


def local_datetime_text(moment: datetime, tz: ZoneInfo, texts: Texts) -> str:
    """A moment in the unit's words, e.g. '5 Desember 2026 pukul 18.03 WITA'."""
    local = moment.astimezone(tz)
    return texts.datetime_format.format(
        day=local.day,
        month=texts.months[local.month - 1],
        year=local.year,
        time=f"{local:%H.%M}",
        zone=zone_abbreviation(tz),
    )


def date_text(day: date, texts: Texts) -> str:
    """'5 Desember 2026'."""
    return texts.periods.date.format(day=day.day, month=texts.months[day.month - 1], year=day.year)


_ROMAN = ("I", "II", "III", "IV")


def roman(number: int) -> str:
    """The number of a quarter or semester (1..4) as official documents write it."""
    return _ROMAN[number - 1]


def period_label(period: Period, texts: Texts) -> str:
    """A period in official style: 'Desember 2026', 'Triwulan III Tahun 2026',
    'Semester II Tahun 2024'; quarters and semesters are numbered in Roman numerals."""
    words = texts.periods
    first, last = period.first, period.last
    if period.kind is PeriodKind.MONTH:
        return words.month.format(month=texts.months[first.month - 1], year=first.year)
    if period.kind is PeriodKind.QUARTER:
        return words.quarter.format(number=roman((first.month - 1) // 3 + 1), year=first.year)
    if period.kind is PeriodKind.SEMESTER:
        return words.semester.format(number=roman(1 if first.month <= 6 else 2), year=first.year)
    if period.kind is PeriodKind.YEAR:
        return words.year.format(year=first.year)
    template = words.week if period.kind is PeriodKind.WEEK else words.range
    return template.format(first=date_text(first, texts), last=date_text(last, texts))


def period_words(texts: Texts) -> dict[str, list[str]]:
    """The phrases officials use for periods, with the month names, for parse_period."""
    words: dict[str, list[str]] = {
        key: [w.casefold() for w in value] for key, value in texts.periods.words.items()
    }
    words["months"] = [m.casefold() for m in texts.months]
    return words
