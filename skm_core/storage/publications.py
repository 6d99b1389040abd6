"""Published results: snapshots of a period's numbers, and their withdrawal."""

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from skm_core.storage.database import Reader, Transaction, format_utc, parse_utc


@dataclass(frozen=True)
class Publication:
    id: int
    period_key: str
    first_day: date
    last_day: date
    snapshot: dict[str, Any]
    published_at: datetime
    published_by: str
    withdrawn_at: datetime | None
    withdraw_reason: str | None

    @property
    def current(self) -> bool:
        return self.withdrawn_at is None


_COLUMNS = (
    "id, period_key, first_day, last_day, snapshot, published_at, published_by,"
    " withdrawn_at, withdraw_reason"
)


def _publication(row: tuple[object, ...]) -> Publication:
    return Publication(
        id=int(str(row[0])),
        period_key=str(row[1]),
        first_day=date.fromisoformat(str(row[2])),
        last_day=date.fromisoformat(str(row[3])),
        snapshot=json.loads(str(row[4])),
        published_at=parse_utc(str(row[5])),
        published_by=str(row[6]),
        withdrawn_at=parse_utc(str(row[7])) if row[7] else None,
        withdraw_reason=str(row[8]) if row[8] is not None else None,
    )


async def add_publication(
    tx: Transaction,
    period_key: str,
    first: date,
    last: date,
    snapshot: dict[str, Any],
    now: datetime,
    by: str,
) -> int | None:
    """Store a snapshot; None when the period already has a current publication."""
    existing = await tx.fetch_one(
        "SELECT 1 FROM publications WHERE unit_id = ? AND period_key = ? AND withdrawn_at IS NULL",
        (tx.unit, period_key),
    )
    if existing:
        return None
    return await tx.insert(
        "INSERT INTO publications (unit_id, period_key, first_day, last_day, snapshot,"
        " published_at, published_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            tx.unit,
            period_key,
            first.isoformat(),
            last.isoformat(),
            json.dumps(snapshot, ensure_ascii=False, sort_keys=True),
            format_utc(now),
            by,
        ),
    )


async def withdraw_publication(
    tx: Transaction, period_key: str, reason: str, now: datetime, by: str
) -> bool:
    changed = await tx.execute(
        "UPDATE publications SET withdrawn_at = ?, withdrawn_by = ?, withdraw_reason = ?"
        " WHERE unit_id = ? AND period_key = ? AND withdrawn_at IS NULL",
        (format_utc(now), by, reason, tx.unit, period_key),
    )
    return changed == 1


async def publications(db: Reader) -> list[Publication]:
    """Every publication, the latest period first; a withdrawn one stays, with its reason."""
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM publications WHERE unit_id = ?"
        " ORDER BY last_day DESC, first_day DESC, id DESC",
        (db.unit,),
    )
    return [_publication(r) for r in rows]


async def current_publication(db: Reader, period_key: str) -> Publication | None:
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM publications"
        " WHERE unit_id = ? AND period_key = ? AND withdrawn_at IS NULL",
        (db.unit, period_key),
    )
    return _publication(row) if row else None


async def latest_publication(db: Reader) -> Publication | None:
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM publications WHERE unit_id = ? AND withdrawn_at IS NULL"
        " ORDER BY last_day DESC, first_day DESC LIMIT 1",
        (db.unit,),
    )
    return _publication(row) if row else None


async def publication_by_id(db: Reader, publication_id: int) -> Publication | None:
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM publications WHERE unit_id = ? AND id = ?",
        (db.unit, publication_id),
    )
    return _publication(row) if row else None
