"""Published results of earlier periods (e.g. from a unit's printed report), kept as aggregates.

They are what the unit published: the respondents, the NRR of each unsur and the IKM exactly as
printed, so a trend can start before the first answer the bot stored.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from skm_core.storage.database import Reader, Row, Transaction, format_utc

_COLUMNS = "id, period_first, period_last, respondents, nrr, ikm, source"


@dataclass(frozen=True)
class PublishedResult:
    id: int
    first: date
    last: date
    respondents: int
    nrr: dict[str, Decimal]
    ikm: Decimal
    source: str


def _result(row: Row) -> PublishedResult:
    return PublishedResult(
        id=int(row[0]),
        first=date.fromisoformat(str(row[1])),
        last=date.fromisoformat(str(row[2])),
        respondents=int(row[3]),
        nrr={code: Decimal(value) for code, value in json.loads(str(row[4])).items()},
        ikm=Decimal(str(row[5])),
        source=str(row[6]),
    )


async def add_published_result(
    tx: Transaction,
    first: date,
    last: date,
    respondents: int,
    nrr: dict[str, Decimal],
    ikm: Decimal,
    source: str,
    now: datetime,
) -> int | None:
    """Store a period's published result; None when that period already has one."""
    existing = await tx.fetch_one(
        "SELECT id FROM published_results"
        " WHERE unit_id = ? AND period_first = ? AND period_last = ?",
        (tx.unit, first.isoformat(), last.isoformat()),
    )
    if existing:
        return None
    return await tx.insert(
        "INSERT INTO published_results (unit_id, period_first, period_last, respondents,"
        " nrr, ikm, source, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            tx.unit,
            first.isoformat(),
            last.isoformat(),
            respondents,
            json.dumps({code: str(value) for code, value in nrr.items()}, sort_keys=True),
            str(ikm),
            source,
            format_utc(now),
        ),
    )


async def remove_published_result(tx: Transaction, result_id: int) -> bool:
    changed = await tx.execute(
        "DELETE FROM published_results WHERE unit_id = ? AND id = ?", (tx.unit, result_id)
    )
    return changed == 1


async def published_results(db: Reader) -> list[PublishedResult]:
    """Every stored published result, oldest period first."""
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM published_results WHERE unit_id = ?"
        " ORDER BY period_first, period_last, id",
        (db.unit,),
    )
    return [_result(r) for r in rows]


async def published_within(db: Reader, first: date, last: date) -> PublishedResult | None:
    """The latest published result whose period lies inside first..last, if any."""
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM published_results"
        " WHERE unit_id = ? AND period_first >= ? AND period_last <= ?"
        " ORDER BY period_last DESC, id DESC LIMIT 1",
        (db.unit, first.isoformat(), last.isoformat()),
    )
    return _result(row) if row else None
