"""Single-use sign-in links and browser sessions of the officials' desk, kept as token hashes."""

from dataclasses import dataclass
from datetime import datetime

from skm_core.storage.database import Reader, Transaction, format_utc


@dataclass(frozen=True)
class DeskPerson:
    channel: str
    user_key: str


@dataclass(frozen=True)
class DeskSession:
    person: DeskPerson
    csrf: str


async def add_link(
    tx: Transaction, token_hash: str, person: DeskPerson, now: datetime, expires: datetime
) -> None:
    await tx.execute(
        "INSERT INTO desk_links (token_hash, channel, user_key, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (token_hash, person.channel, person.user_key, format_utc(now), format_utc(expires)),
    )


async def use_link(tx: Transaction, token_hash: str, now: datetime) -> DeskPerson | None:
    """Mark the link used; None when it is unknown, used already, or expired."""
    changed = await tx.execute(
        "UPDATE desk_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
        " AND expires_at > ?",
        (format_utc(now), token_hash, format_utc(now)),
    )
    if changed != 1:
        return None
    row = await tx.fetch_one(
        "SELECT channel, user_key FROM desk_links WHERE token_hash = ?", (token_hash,)
    )
    assert row is not None
    return DeskPerson(str(row[0]), str(row[1]))


async def add_session(
    tx: Transaction,
    token_hash: str,
    person: DeskPerson,
    csrf: str,
    now: datetime,
    expires: datetime,
) -> None:
    await tx.execute(
        "INSERT INTO desk_sessions (token_hash, channel, user_key, csrf, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (token_hash, person.channel, person.user_key, csrf, format_utc(now), format_utc(expires)),
    )


async def find_session(db: Reader, token_hash: str, now: datetime) -> DeskSession | None:
    row = await db.fetch_one(
        "SELECT channel, user_key, csrf FROM desk_sessions WHERE token_hash = ?"
        " AND ended_at IS NULL AND expires_at > ?",
        (token_hash, format_utc(now)),
    )
    if row is None:
        return None
    return DeskSession(DeskPerson(str(row[0]), str(row[1])), str(row[2]))


async def end_session(tx: Transaction, token_hash: str, now: datetime) -> None:
    await tx.execute(
        "UPDATE desk_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL",
        (format_utc(now), token_hash),
    )


async def forget_expired(tx: Transaction, now: datetime) -> None:
    moment = format_utc(now)
    await tx.execute("DELETE FROM desk_links WHERE expires_at <= ?", (moment,))
    await tx.execute(
        "DELETE FROM desk_sessions WHERE expires_at <= ? OR ended_at IS NOT NULL", (moment,)
    )
