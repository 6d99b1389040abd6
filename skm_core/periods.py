"""Turning the unit's calendar (local dates) into UTC instants for storage queries."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def utc_bounds(
    first: date | None, last: date | None, tz: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    """The half-open UTC interval covering local days first..last inclusive (None: unbounded)."""
    start = local_day_start(first, tz) if first is not None else None
    end = local_day_start(last + timedelta(days=1), tz) if last is not None else None
    return start, end
