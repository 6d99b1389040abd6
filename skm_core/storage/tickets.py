"""Visit tickets: single-use, expiring survey invitations that name the service."""

from dataclasses import dataclass
from datetime import datetime

from skm_core.storage.database import Transaction, format_utc, parse_utc


@dataclass(frozen=True)
class StoredTicket:
    id: int
    token: str
    service_id: str | None
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None


async def insert_ticket(
    tx: Transaction,
    token: str,
    service_id: str | None,
    issued_at: datetime,
    expires_at: datetime,
    issued_by: str | None,
) -> int:
    return await tx.insert(
        "INSERT INTO tickets (unit_id, token, service_id, issued_at, expires_at, issued_by)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (tx.unit, token, service_id, format_utc(issued_at), format_utc(expires_at), issued_by),
    )


async def find_ticket(tx: Transaction, token: str) -> StoredTicket | None:
    row = await tx.fetch_one(
        "SELECT id, token, service_id, issued_at, expires_at, used_at FROM tickets"
        " WHERE unit_id = ? AND token = ?",
        (tx.unit, token),
    )
    if row is None:
        return None
    return StoredTicket(
        id=int(row[0]),
        token=str(row[1]),
        service_id=row[2],
        issued_at=parse_utc(row[3]),
        expires_at=parse_utc(row[4]),
        used_at=parse_utc(row[5]) if row[5] else None,
    )


async def use_ticket(tx: Transaction, ticket_id: int, now: datetime) -> bool:
    """Mark a ticket used; False when it already was (one finished survey per ticket)."""
    changed = await tx.execute(
        "UPDATE tickets SET used_at = ? WHERE unit_id = ? AND id = ? AND used_at IS NULL",
        (format_utc(now), tx.unit, ticket_id),
    )
    return changed == 1
