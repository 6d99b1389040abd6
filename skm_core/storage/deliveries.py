"""The ledger of scheduled reports: one row per (report, period, official), ever."""

from datetime import datetime

from skm_core.storage.database import Reader, Transaction, format_utc


async def claim_delivery(
    tx: Transaction, report: str, period_key: str, official_id: int, now: datetime
) -> bool:
    """Reserve this delivery; False when it was already queued (by another firing)."""
    changed = await tx.execute(
        "INSERT INTO report_deliveries (report, period_key, official_id, queued_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (report, period_key, official_id, format_utc(now)),
    )
    return changed == 1


async def attach_message(
    tx: Transaction, report: str, period_key: str, official_id: int, outbox_id: int
) -> None:
    await tx.execute(
        "UPDATE report_deliveries SET outbox_id = ?"
        " WHERE report = ? AND period_key = ? AND official_id = ?",
        (outbox_id, report, period_key, official_id),
    )


async def delivered(db: Reader, report: str, period_key: str, official_id: int) -> bool:
    row = await db.fetch_one(
        "SELECT 1 FROM report_deliveries WHERE report = ? AND period_key = ? AND official_id = ?",
        (report, period_key, official_id),
    )
    return row is not None
