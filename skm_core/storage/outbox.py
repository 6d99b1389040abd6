"""The outbox table: queued messages, their sending and their failures."""

from datetime import datetime, timedelta

from skm_core.conversation.messages import Reply
from skm_core.delivery.outbox import QueuedMessage, backoff, decode_replies, encode_replies
from skm_core.storage.database import (
    Database,
    Reader,
    Row,
    Transaction,
    format_utc,
    parse_utc,
)


async def enqueue(
    tx: Transaction, channel: str, address: str, replies: list[Reply], now: datetime
) -> int:
    moment = format_utc(now)
    return await tx.insert(
        "INSERT INTO outbox (channel, address, payload, created_at, not_before)"
        " VALUES (?, ?, ?, ?, ?)",
        (channel, address, encode_replies(replies), moment, moment),
    )


_DUE = (
    " WHERE channel = ? AND sent_at IS NULL AND failed_at IS NULL AND held_at IS NULL"
    " AND not_before <= ?"
)
_MESSAGE_COLUMNS = "id, channel, address, payload, parts_sent, attempts, created_at"

#: How long a process that took messages to send keeps them from the others; if it dies
#: meanwhile, another sends them once this has passed.
CLAIM = timedelta(minutes=5)


async def due_messages(
    db: Database, channel: str, now: datetime, limit: int = 20
) -> list[QueuedMessage]:
    """The messages due now, as they are (nothing is claimed)."""
    rows = await db.fetch_all(
        f"SELECT {_MESSAGE_COLUMNS} FROM outbox{_DUE} ORDER BY id LIMIT ?",
        (channel, format_utc(now), limit),
    )
    return [_queued(r) for r in rows]


async def claim_due_messages(
    db: Database, channel: str, now: datetime, limit: int = 20
) -> list[QueuedMessage]:
    """The messages to send now, taken for this process. On PostgreSQL, where processes share
    the outbox, rows another process is claiming are skipped and the ones taken are put off
    by `CLAIM`, so each message is sent by one process. On SQLite one process owns the
    database (the data directory's lock): the due messages are simply read."""
    if db.backend != "postgresql":
        return await due_messages(db, channel, now, limit)
    async with db.transaction() as tx:
        rows = await tx.fetch_all(
            "UPDATE outbox SET not_before = ? WHERE id IN ("
            f"SELECT id FROM outbox{_DUE} ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED"
            f") RETURNING {_MESSAGE_COLUMNS}",
            (format_utc(now + CLAIM), channel, format_utc(now), limit),
        )
    return sorted((_queued(r) for r in rows), key=lambda m: m.id)


def _queued(r: Row) -> QueuedMessage:
    return QueuedMessage(
        id=int(r[0]),
        channel=str(r[1]),
        address=str(r[2]),
        replies=decode_replies(str(r[3])),
        parts_sent=int(r[4]),
        attempts=int(r[5]),
        created_at=parse_utc(str(r[6])),
    )


async def mark_part_sent(tx: Transaction, message_id: int, parts_sent: int) -> None:
    await tx.execute("UPDATE outbox SET parts_sent = ? WHERE id = ?", (parts_sent, message_id))


async def record_sent(
    tx: Transaction,
    channel: str,
    provider_id: str,
    outbox_id: int | None,
    part: int,
    now: datetime,
) -> None:
    """The chat app's id of a message sent, so that a later status finds what it was."""
    await tx.execute(
        "INSERT INTO sent_messages (channel, provider_id, outbox_id, part, sent_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (channel, provider_id, outbox_id, part, format_utc(now)),
    )


async def sent_message(
    db: Reader, channel: str, provider_id: str
) -> tuple[QueuedMessage, int] | None:
    """The outbox message (and its part) that a sent message's id belongs to."""
    row = await db.fetch_one(
        "SELECT outbox_id, part FROM sent_messages WHERE channel = ? AND provider_id = ?",
        (channel, provider_id),
    )
    if row is None or row[0] is None:
        return None
    message = await outbox_message(db, int(row[0]))
    return (message, int(row[1])) if message is not None else None


async def forget_sent_before(tx: Transaction, before: datetime) -> int:
    """Statuses come within hours; old ids are no longer needed."""
    return await tx.execute("DELETE FROM sent_messages WHERE sent_at < ?", (format_utc(before),))


async def mark_sent(tx: Transaction, message_id: int, now: datetime, erase: bool) -> None:
    await tx.execute(
        "UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?",
        (format_utc(now), message_id),
    )
    if erase:
        await erase_message(tx, message_id, now)


async def erase_message(tx: Transaction, message_id: int, now: datetime) -> None:
    """The address and the text were kept for delivery only (an answer to a complaint, a
    forward, a phone number): once delivered or given up, nothing of them stays."""
    await tx.execute(
        "UPDATE outbox SET address = '', payload = '[]', erased_at = ?"
        " WHERE id = ? AND erased_at IS NULL",
        (format_utc(now), message_id),
    )


async def erase_delivered_before(tx: Transaction, before: datetime, now: datetime) -> int:
    """Messages sent long ago whose delivery was never confirmed are erased all the same."""
    return await tx.execute(
        "UPDATE outbox SET address = '', payload = '[]', erased_at = ?"
        " WHERE erased_at IS NULL AND (sent_at < ? OR failed_at < ?)",
        (format_utc(now), format_utc(before), format_utc(before)),
    )


async def reopen_part(tx: Transaction, message_id: int, part: int) -> bool:
    """A part reported failed after it was sent: send again from that part (not yet erased)."""
    changed = await tx.execute(
        "UPDATE outbox SET sent_at = NULL, parts_sent = MIN(parts_sent, ?)"
        " WHERE id = ? AND erased_at IS NULL AND failed_at IS NULL",
        (part, message_id),
    )
    return changed == 1


async def outbox_message(db: Reader, message_id: int) -> QueuedMessage | None:
    row = await db.fetch_one(
        "SELECT id, channel, address, payload, parts_sent, attempts, created_at FROM outbox"
        " WHERE id = ?",
        (message_id,),
    )
    return _queued(row) if row is not None else None


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


async def mark_failed(tx: Transaction, message_id: int, now: datetime, error: str) -> None:
    """A failure that no retry mends (the person blocked the bot, the chat is gone)."""
    await tx.execute(
        "UPDATE outbox SET failed_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
        (format_utc(now), error[:500], message_id),
    )
    await erase_message(tx, message_id, now)


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
        # A message processed late (after a retry) never moves the window back.
        " ON CONFLICT (channel, user_key) DO UPDATE"
        # (CASE, not a two-argument MAX: the same SQL serves SQLite and PostgreSQL.)
        " SET last_inbound_at = CASE"
        " WHEN excluded.last_inbound_at > contact_windows.last_inbound_at"
        " THEN excluded.last_inbound_at ELSE contact_windows.last_inbound_at END",
        (channel, user_key, format_utc(now)),
    )


async def last_inbound(db: Reader, channel: str, user_key: str) -> datetime | None:
    row = await db.fetch_one(
        "SELECT last_inbound_at FROM contact_windows WHERE channel = ? AND user_key = ?",
        (channel, user_key),
    )
    return parse_utc(str(row[0])) if row else None


async def sent_outbox_id(db: Reader, channel: str, provider_id: str) -> int | None:
    """The outbox message a sent message belongs to, once all of it is sent; else None."""
    row = await db.fetch_one(
        "SELECT s.outbox_id FROM sent_messages AS s JOIN outbox AS o ON o.id = s.outbox_id"
        " WHERE s.channel = ? AND s.provider_id = ? AND o.sent_at IS NOT NULL",
        (channel, provider_id),
    )
    return int(row[0]) if row is not None else None


async def reopen(db: Database, message_id: int, part: int) -> bool:
    async with db.transaction() as tx:
        return await reopen_part(tx, message_id, part)
