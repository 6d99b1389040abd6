"""How many people a period served: the base of the minimum sample."""

from datetime import datetime

from skm_core.storage.database import Reader, Transaction, format_utc


async def set_population_figure(
    tx: Transaction, period_key: str, served: int, now: datetime, by: str
) -> None:
    await tx.execute(
        "INSERT INTO population_figures (unit_id, period_key, served, entered_at, entered_by)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (unit_id, period_key) DO UPDATE SET"
        " served = excluded.served, entered_at = excluded.entered_at,"
        " entered_by = excluded.entered_by",
        (tx.unit, period_key, served, format_utc(now), by),
    )


async def population_figure(db: Reader, period_key: str) -> int | None:
    row = await db.fetch_one(
        "SELECT served FROM population_figures WHERE unit_id = ? AND period_key = ?",
        (db.unit, period_key),
    )
    return int(row[0]) if row else None


async def tickets_issued(db: Reader, start: datetime, end: datetime) -> int:
    row = await db.fetch_one(
        "SELECT COUNT(*) FROM tickets WHERE unit_id = ? AND issued_at >= ? AND issued_at < ?",
        (db.unit, format_utc(start), format_utc(end)),
    )
    return int(row[0]) if row else 0
