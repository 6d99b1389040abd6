"""Dates and times as people in the unit read them: local time, Indonesian month names."""

from datetime import datetime
from zoneinfo import ZoneInfo

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
