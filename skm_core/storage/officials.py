"""Officials (admin, pejabat, petugas), their invitations and report subscriptions, and the
audit log of what they did.

An official belongs to one unit, or to the kabupaten (`'*'`); what is read and written here is
the unit's of the reader, except where a function says it looks across units (a message that
failed reaches whoever it was for, whatever their unit)."""

from dataclasses import dataclass
from datetime import datetime

from skm_core.storage.database import Reader, Transaction, digest, format_utc, parse_utc


def code_digest(code: str) -> str:
    """Invitation codes are kept hashed: whoever reads the database cannot redeem one."""
    return digest(f"invitation:{code}")


@dataclass(frozen=True)
class Official:
    id: int
    channel: str
    user_key: str
    address: str
    name: str | None
    role: str
    added_at: datetime
    unreachable_reason: str | None = None
    """Why messages to this official fail (a delivery failure kind), while they do."""
    unit: str = ""
    """The unit they belong to; `'*'` for the kabupaten."""


_COLUMNS = "id, channel, user_key, address, name, role, added_at, unreachable_reason, unit_id"


def _official(row: tuple[object, ...]) -> Official:
    return Official(
        id=int(str(row[0])),
        channel=str(row[1]),
        user_key=str(row[2]),
        address=str(row[3]),
        name=str(row[4]) if row[4] is not None else None,
        role=str(row[5]),
        added_at=parse_utc(str(row[6])),
        unreachable_reason=str(row[7]) if row[7] is not None else None,
        unit=str(row[8]),
    )


async def roles_of(db: Reader, channel: str, user_key: str) -> frozenset[str]:
    rows = await db.fetch_all(
        "SELECT role FROM officials WHERE unit_id = ? AND channel = ? AND user_key = ?",
        (db.unit, channel, user_key),
    )
    return frozenset(str(r[0]) for r in rows)


async def add_official(
    tx: Transaction,
    channel: str,
    user_key: str,
    address: str,
    role: str,
    now: datetime,
    name: str | None = None,
    added_by: str | None = None,
) -> bool:
    """Give a person a role in the transaction's unit; False when they already had it (their
    address is refreshed). A person holds roles in one unit only: a role they hold in another
    unit is not given here (and False is returned)."""
    changed = await tx.execute(
        "INSERT INTO officials (unit_id, channel, user_key, address, name, role, added_at,"
        " added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (tx.unit, channel, user_key, address, name, role, format_utc(now), added_by),
    )
    if not changed:
        await tx.execute(
            "UPDATE officials SET address = ? WHERE unit_id = ? AND channel = ? AND user_key = ?",
            (address, tx.unit, channel, user_key),
        )
    return changed == 1


async def list_officials(db: Reader) -> list[Official]:
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM officials WHERE unit_id = ? ORDER BY id", (db.unit,)
    )
    return [_official(r) for r in rows]


async def officials_with_role(
    db: Reader, roles: tuple[str, ...], unit: str | None = None
) -> list[Official]:
    """Officials of the reader's unit (or of `unit`) holding one of the roles."""
    marks = ", ".join("?" for _ in roles)
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM officials WHERE unit_id = ? AND role IN ({marks}) ORDER BY id",
        (db.unit if unit is None else unit, *roles),
    )
    return [_official(r) for r in rows]


async def get_official(db: Reader, official_id: int) -> Official | None:
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM officials WHERE unit_id = ? AND id = ?", (db.unit, official_id)
    )
    return _official(row) if row else None


async def count_with_role(db: Reader, role: str) -> int:
    row = await db.fetch_one(
        "SELECT COUNT(*) FROM officials WHERE unit_id = ? AND role = ?", (db.unit, role)
    )
    return int(row[0]) if row else 0


async def officials_by_key(db: Reader, channel: str | None, user_key: str) -> list[Official]:
    """A person's official records in any unit: for telling them what became of a message."""
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM officials"
        # (A typed NULL: PostgreSQL must know what a bare parameter is.)
        " WHERE user_key = ? AND (CAST(? AS TEXT) IS NULL OR channel = ?)"
        " ORDER BY id",
        (user_key, channel, channel),
    )
    return [_official(r) for r in rows]


async def flag_unreachable(
    tx: Transaction, channel: str, address: str, reason: str, now: datetime
) -> list[Official]:
    """Officials at this address, in any unit, whom messages no longer reach; returns those
    newly flagged."""
    rows = await tx.fetch_all(
        "UPDATE officials SET unreachable_at = ?, unreachable_reason = ?"
        f" WHERE channel = ? AND address = ? AND unreachable_at IS NULL RETURNING {_COLUMNS}",
        (format_utc(now), reason, channel, address),
    )
    return sorted((_official(r) for r in rows), key=lambda o: o.id)


async def clear_unreachable(tx: Transaction, channel: str, address: str) -> None:
    """A message reached them again (in any unit they are an official of)."""
    await tx.execute(
        "UPDATE officials SET unreachable_at = NULL, unreachable_reason = NULL"
        " WHERE channel = ? AND address = ? AND unreachable_at IS NOT NULL",
        (channel, address),
    )


async def remove_official(tx: Transaction, official_id: int) -> bool:
    changed = await tx.execute(
        "DELETE FROM officials WHERE unit_id = ? AND id = ?", (tx.unit, official_id)
    )
    return changed == 1


async def create_invitation(
    tx: Transaction,
    code: str,
    role: str,
    now: datetime,
    expires: datetime,
    by: str,
    unit: str | None = None,
) -> None:
    """An invitation into the transaction's unit, or into `unit` (a kabupaten admin's)."""
    await tx.execute(
        "INSERT INTO invitations (unit_id, code, role, created_at, expires_at, created_by)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            tx.unit if unit is None else unit,
            code_digest(code),
            role,
            format_utc(now),
            format_utc(expires),
            by,
        ),
    )


async def redeem_invitation(tx: Transaction, code: str, now: datetime, by: str) -> str | None:
    """The role an unused, unexpired invitation into the transaction's unit grants, marking
    it used; None otherwise (`storage.units.invitation_unit` finds a code's unit)."""
    code = code_digest(code)
    row = await tx.fetch_one(
        "SELECT role FROM invitations"
        " WHERE unit_id = ? AND code = ? AND used_at IS NULL AND expires_at > ?",
        (tx.unit, code, format_utc(now)),
    )
    if row is None:
        return None
    await tx.execute(
        "UPDATE invitations SET used_at = ?, used_by = ? WHERE code = ?",
        (format_utc(now), by, code),
    )
    return str(row[0])


async def subscriptions(db: Reader, official_id: int) -> dict[str, bool]:
    rows = await db.fetch_all(
        "SELECT report, enabled FROM report_subscriptions WHERE official_id = ?", (official_id,)
    )
    return {str(r[0]): bool(r[1]) for r in rows}


async def set_subscription(tx: Transaction, official_id: int, report: str, enabled: bool) -> None:
    await tx.execute(
        "INSERT INTO report_subscriptions (official_id, report, enabled) VALUES (?, ?, ?)"
        " ON CONFLICT (official_id, report) DO UPDATE SET enabled = excluded.enabled",
        (official_id, report, 1 if enabled else 0),
    )


async def recent_actions(db: Reader, actor: str, action: str, since: datetime) -> list[datetime]:
    """When this actor did this since then, in any unit, the latest first (from the audit
    log): a person guessing invitation codes is counted once, not per unit."""
    rows = await db.fetch_all(
        "SELECT at FROM audit_log WHERE actor = ? AND action = ? AND at >= ? ORDER BY at DESC",
        (actor, action, format_utc(since)),
    )
    return [parse_utc(str(r[0])) for r in rows]


async def audit(tx: Transaction, now: datetime, actor: str, action: str, detail: str = "") -> None:
    await tx.execute(
        "INSERT INTO audit_log (unit_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
        (tx.unit, format_utc(now), actor, action, detail),
    )
