"""The outbox table: queued messages, their sending and their failures."""

from datetime import datetime, timedelta

from skm_core.conversation.messages import Reply
from skm_core.outbox import QueuedMessage, backoff, decode_replies, encode_replies
from skm_core.storage.database import Database, Reader, Transaction, format_utc, parse_utc


async def enqueue(
    tx: Transaction, channel: str, address: str, replies: list[Reply], now: datetime
) -> int:
    moment = format_utc(now)
    return await tx.insert(
        "INSERT INTO outbox (channel, address, payload, created_at, not_before)"
        " VALUES (?, ?, ?, ?, ?)",
        (channel, address, encode_replies(replies), moment, moment),
    )


async def due_messages(
    db: Database, channel: str, now: datetime, limit: int = 20
) -> list[QueuedMessage]:
    rows = await db.fetch_all(
        "SELECT id, channel, address, payload, parts_sent, attempts, created_at FROM outbox"
        " WHERE channel = ? AND sent_at IS NULL AND failed_at IS NULL AND held_at IS NULL"
        " AND not_before <= ?"
        " ORDER BY id LIMIT ?",
        (channel, format_utc(now), limit),
    )
    return [
        QueuedMessage(
            id=int(r[0]),
            channel=str(r[1]),
            address=str(r[2]),
            replies=decode_replies(str(r[3])),
            parts_sent=int(r[4]),
            attempts=int(r[5]),
            created_at=parse_utc(str(r[6])),
        )
        for r in rows
    ]


async def mark_part_sent(db: Database, message_id: int, parts_sent: int) -> None:
    async with db.transaction() as tx:
        await tx.execute("UPDATE outbox SET parts_sent = ? WHERE id = ?", (parts_sent, message_id))


async def mark_sent(db: Database, message_id: int, now: datetime) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?",
            (format_utc(now), message_id),
        )


async def mark_retry(
    db: Database, message_id: int, now: datetime, error: str, wait_seconds: float | None = None
) -> None:
    """A passing failure: try again later (after `wait_seconds` when the channel said so)."""
    async with db.transaction() as tx:
        row = await tx.fetch_one("SELECT attempts FROM outbox WHERE id = ?", (message_id,))
        attempts = (int(row[0]) if row else 0) + 1
        delay = backoff(attempts).total_seconds() if wait_seconds is None else wait_seconds
        not_before = format_utc(now + timedelta(seconds=delay))
        await tx.execute(
            "UPDATE outbox SET attempts = ?, not_before = ?, last_error = ? WHERE id = ?",
            (attempts, not_before, error[:500], message_id),
        )


async def mark_failed(db: Database, message_id: int, now: datetime, error: str) -> None:
    """A failure that no retry mends (the person blocked the bot, the chat is gone)."""
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE outbox SET failed_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
            (format_utc(now), error[:500], message_id),
        )


async def hold(db: Database, message_id: int, now: datetime) -> None:
    """Keep a message until the person opens a messaging window (see `release`)."""
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE outbox SET held_at = ?, attempts = attempts + 1 WHERE id = ?",
            (format_utc(now), message_id),
        )


async def release(db: Database, message_id: int, channel: str, address: str) -> bool:
    """Make a held message due again, if it is this person's; False otherwise."""
    async with db.transaction() as tx:
        changed = await tx.execute(
            "UPDATE outbox SET held_at = NULL, not_before = created_at"
            " WHERE id = ? AND channel = ? AND address = ? AND held_at IS NOT NULL"
            " AND sent_at IS NULL",
            (message_id, channel, address),
        )
    return changed == 1


async def record_inbound(tx: Transaction, channel: str, user_key: str, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO contact_windows (channel, user_key, last_inbound_at) VALUES (?, ?, ?)"
        " ON CONFLICT (channel, user_key) DO UPDATE SET last_inbound_at = excluded.last_inbound_at",
        (channel, user_key, format_utc(now)),
    )


async def last_inbound(db: Reader, channel: str, user_key: str) -> datetime | None:
    row = await db.fetch_one(
        "SELECT last_inbound_at FROM contact_windows WHERE channel = ? AND user_key = ?",
        (channel, user_key),
    )
    return parse_utc(str(row[0])) if row else None
