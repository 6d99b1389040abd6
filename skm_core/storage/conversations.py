"""Conversation state and the ledger of processed events, written in one transaction."""

from datetime import datetime

from skm_core.storage.database import Transaction, format_utc


async def claim_event(tx: Transaction, channel: str, event_id: str, now: datetime) -> bool:
    """Record an event as processed; False when it already was (a redelivery)."""
    changed = await tx.execute(
        "INSERT INTO processed_events (channel, event_id, processed_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (channel, event_id, format_utc(now)),
    )
    return changed == 1


async def load_state(tx: Transaction, channel: str, user_key: str) -> str | None:
    row = await tx.fetch_one(
        "SELECT state FROM conversations WHERE channel = ? AND user_key = ?", (channel, user_key)
    )
    return str(row[0]) if row else None


async def save_state(
    tx: Transaction, channel: str, user_key: str, state: str, now: datetime
) -> None:
    await tx.execute(
        "INSERT INTO conversations (channel, user_key, state, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (channel, user_key) DO UPDATE"
        " SET state = excluded.state, updated_at = excluded.updated_at",
        (channel, user_key, state, format_utc(now)),
    )


async def forget_events_before(tx: Transaction, moment: datetime) -> int:
    """Drop ledger entries older than any redelivery can be (platforms retry for hours)."""
    return await tx.execute(
        "DELETE FROM processed_events WHERE processed_at < ?", (format_utc(moment),)
    )
