"""Complaints and questions to a person: stored, answered by an official, delivered back."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from skm_core.storage.database import Reader, Transaction, format_utc, parse_utc


@dataclass(frozen=True)
class Complaint:
    id: int
    channel: str
    user_key: str
    address: str | None
    kind: str
    text: str
    created_at: datetime
    answer: str | None
    answered_at: datetime | None
    answer_outbox_id: int | None = None
    """The answer being delivered (or that failed to be)."""
    delivery_error: str | None = None
    """Why the answer did not reach the person (a delivery failure kind), if it did not."""

    @property
    def sending(self) -> bool:
        return self.answer_outbox_id is not None and self.delivery_error is None


@dataclass(frozen=True)
class ComplaintCounts:
    open: int
    oldest_open_at: datetime | None
    answered_last_30_days: int


@dataclass(frozen=True)
class PeriodComplaints:
    """Complaints received in one period, as the report's analysis counts them."""

    received: int
    answered: int
    still_open: int
    median_answer_time: timedelta | None
    """Median time from receipt to answer of those answered; None when none was answered."""


_COLUMNS = (
    "id, channel, user_key, address, kind, text, created_at, answer, answered_at,"
    " answer_outbox_id, delivery_error"
)


def _complaint(row: tuple[object, ...]) -> Complaint:
    return Complaint(
        id=int(str(row[0])),
        channel=str(row[1]),
        user_key=str(row[2]),
        address=str(row[3]) if row[3] is not None else None,
        kind=str(row[4]),
        text=str(row[5]),
        created_at=parse_utc(str(row[6])),
        answer=str(row[7]) if row[7] is not None else None,
        answered_at=parse_utc(str(row[8])) if row[8] else None,
        answer_outbox_id=int(str(row[9])) if row[9] is not None else None,
        delivery_error=str(row[10]) if row[10] is not None else None,
    )


async def add_complaint(
    tx: Transaction, channel: str, user_key: str, address: str, kind: str, text: str, now: datetime
) -> int:
    return await tx.insert(
        "INSERT INTO complaints (unit_id, channel, user_key, address, kind, text, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (tx.unit, channel, user_key, address, kind, text, format_utc(now)),
    )


async def get_complaint(tx: Transaction, complaint_id: int) -> Complaint | None:
    row = await tx.fetch_one(
        f"SELECT {_COLUMNS} FROM complaints WHERE unit_id = ? AND id = ?", (tx.unit, complaint_id)
    )
    return _complaint(row) if row else None


async def answer_complaint(
    tx: Transaction, complaint_id: int, answer: str, by: str, outbox_id: int
) -> bool:
    """Record the answer on its way; the complaint stays open until it is delivered."""
    changed = await tx.execute(
        "UPDATE complaints SET answer = ?, answered_by = ?, answer_outbox_id = ?,"
        " delivery_error = NULL WHERE unit_id = ? AND id = ? AND answered_at IS NULL",
        (answer, by, outbox_id, tx.unit, complaint_id),
    )
    return changed == 1


async def answer_delivered(tx: Transaction, outbox_id: int, now: datetime) -> list[tuple[int, str]]:
    """The answer reached the person: the complaint is answered, and the citizen's address,
    kept only for this, is forgotten. (id, who answered) of each such complaint."""
    rows = await tx.fetch_all(
        "UPDATE complaints SET answered_at = ?, delivery_error = NULL, address = NULL"
        " WHERE answer_outbox_id = ? AND answered_at IS NULL RETURNING id, answered_by",
        (format_utc(now), outbox_id),
    )
    return [(int(r[0]), str(r[1])) for r in rows]


async def unconfirmed_answers(tx: Transaction, sent_before: datetime) -> list[int]:
    """Outbox ids of answers sent before then whose delivery was neither confirmed nor
    reported failed (a channel that reports delivery later, whose report never came)."""
    rows = await tx.fetch_all(
        "SELECT c.answer_outbox_id FROM complaints AS c JOIN outbox AS o"
        " ON o.id = c.answer_outbox_id WHERE c.answered_at IS NULL"
        " AND c.delivery_error IS NULL AND o.sent_at IS NOT NULL AND o.sent_at < ?",
        (format_utc(sent_before),),
    )
    return [int(r[0]) for r in rows]


async def answer_undelivered(tx: Transaction, outbox_id: int, kind: str) -> list[tuple[int, str]]:
    """The answer did not reach the person: the complaint stays open, saying why."""
    rows = await tx.fetch_all(
        "UPDATE complaints SET answered_at = NULL, delivery_error = ?"
        " WHERE answer_outbox_id = ? AND address IS NOT NULL RETURNING id, answered_by",
        (kind, outbox_id),
    )
    return [(int(r[0]), str(r[1])) for r in rows]


async def open_complaints(tx: Transaction, limit: int = 20) -> list[Complaint]:
    rows = await tx.fetch_all(
        f"SELECT {_COLUMNS} FROM complaints WHERE unit_id = ? AND answered_at IS NULL"
        " ORDER BY created_at LIMIT ?",
        (tx.unit, limit),
    )
    return [_complaint(r) for r in rows]


async def complaint_counts(db: Reader, now: datetime) -> ComplaintCounts:
    row = await db.fetch_one(
        "SELECT COUNT(*), MIN(created_at) FROM complaints"
        " WHERE unit_id = ? AND answered_at IS NULL",
        (db.unit,),
    )
    answered = await db.fetch_one(
        "SELECT COUNT(*) FROM complaints WHERE unit_id = ? AND answered_at >= ?",
        (db.unit, format_utc(now - timedelta(days=30))),
    )
    return ComplaintCounts(
        open=int(row[0]) if row else 0,
        oldest_open_at=parse_utc(row[1]) if row and row[1] else None,
        answered_last_30_days=int(answered[0]) if answered else 0,
    )


async def complaints_of_period(db: Reader, start: datetime, end: datetime) -> PeriodComplaints:
    """Complaints received in [start, end), whenever they were answered."""
    rows = await db.fetch_all(
        "SELECT created_at, answered_at FROM complaints"
        " WHERE unit_id = ? AND created_at >= ? AND created_at < ?",
        (db.unit, format_utc(start), format_utc(end)),
    )
    waits = [parse_utc(answered) - parse_utc(created) for created, answered in rows if answered]
    return PeriodComplaints(
        received=len(rows),
        answered=len(waits),
        still_open=len(rows) - len(waits),
        median_answer_time=timedelta(seconds=median(w.total_seconds() for w in waits))
        if waits
        else None,
    )
