"""Officials (admin, pejabat, petugas) and the audit log of what they did."""

from datetime import datetime

from skm_core.storage.database import Transaction, format_utc


async def roles_of(tx: Transaction, channel: str, user_key: str) -> frozenset[str]:
    rows = await tx.fetch_all(
        "SELECT role FROM officials WHERE channel = ? AND user_key = ?", (channel, user_key)
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
    """Give a person a role; False when they already had it."""
    changed = await tx.execute(
        "INSERT INTO officials (channel, user_key, address, name, role, added_at, added_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (channel, user_key, address, name, role, format_utc(now), added_by),
    )
    return changed == 1


async def audit(tx: Transaction, now: datetime, actor: str, action: str, detail: str = "") -> None:
    await tx.execute(
        "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
        (format_utc(now), actor, action, detail),
    )
