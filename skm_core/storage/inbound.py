"""Inbound messages kept from the moment a webhook post is accepted until they are processed.

A webhook is answered only once its messages are stored here, so an acknowledged message
survives a stop or a crash; a processed message is deleted, so neither its text nor its
sender's number stays behind.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from skm_core.delivery.outbox import backoff
from skm_core.storage.database import Database, Transaction, format_utc, parse_utc


@dataclass(frozen=True)
class StoredInbound:
    channel: str
    message_id: str
    sender: str
    payload: dict[str, Any]
    received_at: datetime
    attempts: int


async def store_inbound(
    tx: Transaction,
    channel: str,
    message_id: str,
    sender: str,
    payload: dict[str, Any],
    now: datetime,
) -> bool:
    """Keep one message; False when it is already kept (a redelivery). `sender` is a
    pseudonym, or any key that groups what must be processed in order."""
    moment = format_utc(now)
    changed = await tx.execute(
        "INSERT INTO inbound_messages"
        " (channel, message_id, sender, payload, received_at, not_before)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (channel, message_id, sender, json.dumps(payload, ensure_ascii=False), moment, moment),
    )
    return changed == 1


async def due_inbound(
    db: Database, channel: str, now: datetime, limit: int = 100
) -> list[StoredInbound]:
    """What is due, in order of arrival; a message of someone whose earlier message waits for
    a retry waits with it, so that one person's messages are processed in order."""
    moment = format_utc(now)
    rows = await db.fetch_all(
        "SELECT m.channel, m.message_id, m.sender, m.payload, m.received_at, m.attempts"
        " FROM inbound_messages AS m WHERE m.channel = ? AND m.not_before <= ?"
        " AND NOT EXISTS (SELECT 1 FROM inbound_messages AS e WHERE e.channel = m.channel"
        " AND e.sender = m.sender AND e.id < m.id AND e.not_before > ?)"
        " ORDER BY m.id LIMIT ?",
        (channel, moment, moment, limit),
    )
    return [
        StoredInbound(
            channel=str(r[0]),
            message_id=str(r[1]),
            sender=str(r[2]),
            payload=json.loads(str(r[3])),
            received_at=parse_utc(str(r[4])),
            attempts=int(r[5]),
        )
        for r in rows
    ]


async def forget_inbound(db: Database, channel: str, message_id: str) -> None:
    """Processed (or given up): nothing of it is kept."""
    async with db.transaction() as tx:
        await tx.execute(
            "DELETE FROM inbound_messages WHERE channel = ? AND message_id = ?",
            (channel, message_id),
        )


async def retry_inbound(
    db: Database, channel: str, message_id: str, now: datetime, error: str
) -> int:
    """A failure while processing: try again after a backoff; returns the attempts so far."""
    async with db.transaction() as tx:
        row = await tx.fetch_one(
            "SELECT attempts FROM inbound_messages WHERE channel = ? AND message_id = ?",
            (channel, message_id),
        )
        attempts = (int(row[0]) if row else 0) + 1
        wait: timedelta = backoff(attempts)
        await tx.execute(
            "UPDATE inbound_messages SET attempts = ?, not_before = ?, last_error = ?"
            " WHERE channel = ? AND message_id = ?",
            (attempts, format_utc(now + wait), error[:200], channel, message_id),
        )
    return attempts
