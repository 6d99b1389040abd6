"""Kiosks at the counter: pairing codes a petugas asks for, paired tablets, and the ticket a
petugas leaves on a kiosk for the next person's survey."""

import json
from dataclasses import dataclass
from datetime import datetime

from skm_core.storage.database import Reader, Transaction, digest, format_utc


@dataclass(frozen=True)
class Kiosk:
    id: int
    paired_by: str
    ticket: str | None
    unit: str = ""


async def add_pairing_code(
    tx: Transaction, code: str, created_by: str, now: datetime, expires: datetime
) -> None:
    await tx.execute(
        "INSERT INTO kiosk_codes (unit_id, code_hash, created_by, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (tx.unit, digest(code), created_by, format_utc(now), format_utc(expires)),
    )


async def pair_kiosk(tx: Transaction, code: str, secret: str, now: datetime) -> bool:
    """Use a code once, within its time, to pair the tablet that holds `secret`: the kiosk
    belongs to the unit of whoever asked for the code, whichever unit `tx` is scoped to."""
    rows = await tx.fetch_all(
        "UPDATE kiosk_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL"
        " AND expires_at > ? RETURNING created_by, unit_id",
        (format_utc(now), digest(code), format_utc(now)),
    )
    if not rows:
        return False
    await tx.execute(
        "INSERT INTO kiosks (unit_id, secret_hash, paired_by, paired_at) VALUES (?, ?, ?, ?)",
        (str(rows[0][1]), digest(secret), str(rows[0][0]), format_utc(now)),
    )
    return True


async def kiosk_of(db: Reader, secret: str) -> Kiosk | None:
    """The kiosk holding `secret`, of whichever unit: a tablet's secret is its identity."""
    row = await db.fetch_one(
        "SELECT id, paired_by, ticket, unit_id FROM kiosks WHERE secret_hash = ?",
        (digest(secret),),
    )
    return Kiosk(int(row[0]), str(row[1]), row[2], str(row[3])) if row else None


async def leave_ticket(tx: Transaction, paired_by: str, token: str, now: datetime) -> int:
    """Put a ticket on the kiosks this person paired; how many there are."""
    return await tx.execute(
        "UPDATE kiosks SET ticket = ?, ticket_set_at = ? WHERE unit_id = ? AND paired_by = ?",
        (token, format_utc(now), tx.unit, paired_by),
    )


async def take_ticket(tx: Transaction, kiosk_id: int) -> str | None:
    """The ticket waiting on a kiosk, taken off it (the next survey is the only one to use it)."""
    row = await tx.fetch_one("SELECT ticket FROM kiosks WHERE id = ?", (kiosk_id,))
    if row is None or row[0] is None:
        return None
    await tx.execute("UPDATE kiosks SET ticket = NULL WHERE id = ?", (kiosk_id,))
    return str(row[0])


async def survey_in_progress(db: Reader, channel: str, user_key: str) -> bool:
    # Read as JSON here rather than in SQL, which both backends write differently.
    row = await db.fetch_one(
        "SELECT state FROM conversations WHERE channel = ? AND user_key = ?",
        (channel, user_key),
    )
    return row is not None and json.loads(str(row[0])).get("survey") is not None


async def discard_conversation(tx: Transaction, channel: str, user_key: str) -> None:
    """Forget a conversation left half-way (a kiosk's abandoned survey): nothing of it stays."""
    await tx.execute(
        "DELETE FROM conversations WHERE channel = ? AND user_key = ?", (channel, user_key)
    )
