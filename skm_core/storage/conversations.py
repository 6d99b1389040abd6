"""Conversation state and the ledger of processed events, written in one transaction."""

from datetime import datetime

from skm_core.storage.database import Transaction, digest, format_utc


def event_digest(channel: str, event_id: str) -> str:
    """How an event id is kept: hashed, since a WhatsApp message id can encode the number."""
    return digest(f"{channel}:{event_id}")


async def claim_event(
    tx: Transaction, channel: str, event_id: str, user_key: str, now: datetime
) -> tuple[bool, str | None]:
    """Record an event as processed and read the person's stored state, in one statement.

    Returns (False, None) when the event already was processed (a redelivery); otherwise
    (True, the state's JSON or None when the person has none yet).
    """
    if tx.backend == "postgresql":
        # Processes sharing PostgreSQL take one person's events one at a time: two steps
        # read and rewrite the same state, and the later must see what the earlier wrote.
        await tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (f"{channel}:{user_key}",)
        )
    rows = await tx.fetch_all(
        "INSERT INTO processed_events (channel, event_id, processed_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING"
        " RETURNING (SELECT state FROM conversations WHERE channel = ? AND user_key = ?)",
        (channel, event_digest(channel, event_id), format_utc(now), channel, user_key),
    )
    if not rows:
        return False, None
    state = rows[0][0]
    return True, str(state) if state is not None else None


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
