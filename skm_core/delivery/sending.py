"""Sending what the outbox holds for one channel, with the channel's sender.

A sender raises `RetryLater` for a passing failure (rate limit, server error, time-out) and
`Undeliverable` when no retry can help (the person blocked the bot); anything else is a bug,
retried a few times and then given up where officials see it, instead of every hour forever.
A message's address and text are kept for its delivery only: they are erased once it is
delivered or given up.
"""

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from skm_core.content.loader import Content
from skm_core.conversation.messages import Reply
from skm_core.delivery.outbox import QueuedMessage
from skm_core.delivery.outcomes import confirmed_later, delivered, undelivered
from skm_core.storage.database import Database
from skm_core.storage.outbox import (
    claim_due_messages,
    hold,
    mark_part_sent,
    mark_retry,
    record_sent,
    sent_outbox_id,
)

log = logging.getLogger(__name__)

Sender = Callable[[str, list[Reply]], Awaitable[Sequence[str] | None]]
"""Sends one part; may return the chat app's ids of the messages it sent."""

MAX_UNEXPECTED_ATTEMPTS = 5


class FailureKind(StrEnum):
    BLOCKED = "blocked"
    """The person blocked the bot, or never opened a chat with it."""
    UNDELIVERABLE = "undeliverable"
    """The address cannot receive messages (an unknown or unreachable number, a bad request)."""
    GAVE_UP = "gave_up"
    """An unexpected error, repeated until the outbox stopped trying."""


class RetryLater(Exception):
    def __init__(self, reason: str, after_seconds: float | None = None) -> None:
        super().__init__(reason)
        self.after_seconds = after_seconds


class Undeliverable(Exception):
    def __init__(self, reason: str, kind: FailureKind = FailureKind.UNDELIVERABLE) -> None:
        super().__init__(reason)
        self.kind = kind


class OutsideWindow(Exception):
    """The channel only lets a person be written to after they wrote (WhatsApp's 24 hours)."""


class Window(Protocol):
    """A channel whose messages to people need an open messaging window."""

    async def is_open(self, address: str) -> bool: ...

    async def invite(self, message: QueuedMessage) -> None:
        """Ask the person to open the window (an approved template); the message waits."""


async def _send_parts(db: Database, message: QueuedMessage, send: Sender, now: datetime) -> None:
    for number in range(message.parts_sent, len(message.replies)):
        ids = await send(message.address, [message.replies[number]])
        async with db.transaction() as tx:
            await mark_part_sent(tx, message.id, number + 1)
            for provider_id in ids or ():
                await record_sent(tx, message.channel, provider_id, message.id, number, now)


async def give_up(
    db: Database,
    content: Content | None,
    message: QueuedMessage,
    kind: FailureKind,
    detail: str,
    now: datetime,
) -> None:
    log.warning("outbox %s to %s given up (%s)", message.id, message.channel, kind.value)
    async with db.transaction() as tx:
        await undelivered(tx, content, message, kind.value, detail, now)


async def flush_outbox(
    db: Database,
    channel: str,
    send: Sender,
    now: datetime,
    window: Window | None = None,
    content: Content | None = None,
    erase_on_send: bool = True,
) -> int:
    """Send every message that is due; returns how many were sent.

    `erase_on_send` is False for a channel that reports delivery later (WhatsApp's statuses):
    there the text is kept until the status says delivered, for a fallback if it failed.
    """
    sent = 0
    for message in await claim_due_messages(db, channel, now):
        try:
            if window is not None and not await window.is_open(message.address):
                await window.invite(message)
                await hold(db, message.id, now)
                continue
            await _send_parts(db, message, send, now)
        except OutsideWindow:
            if window is None:
                await give_up(
                    db, content, message, FailureKind.UNDELIVERABLE, "outside the window", now
                )
                continue
            try:
                await window.invite(message)
            except RetryLater as exc:
                await mark_retry(db, message.id, now, str(exc), exc.after_seconds)
                continue
            await hold(db, message.id, now)
        except Undeliverable as exc:
            await give_up(db, content, message, exc.kind, str(exc), now)
        except RetryLater as exc:
            log.info("outbox %s to %s retried later", message.id, channel)
            await mark_retry(db, message.id, now, str(exc), exc.after_seconds)
        except Exception as exc:
            log.exception("outbox %s to %s failed unexpectedly", message.id, channel)
            if message.attempts + 1 >= MAX_UNEXPECTED_ATTEMPTS:
                await give_up(db, content, message, FailureKind.GAVE_UP, repr(exc), now)
            else:
                await mark_retry(db, message.id, now, repr(exc))
        else:
            async with db.transaction() as tx:
                await delivered(tx, content, message, now, confirmed=erase_on_send)
            sent += 1
    return sent


async def confirm_delivery(
    db: Database, content: Content | None, channel: str, provider_id: str, now: datetime
) -> None:
    """A channel's later report that a sent message arrived (WhatsApp's delivered or read)."""
    outbox_id = await sent_outbox_id(db, channel, provider_id)
    if outbox_id is None:
        return  # a direct reply, or a part of a message whose rest is still to be sent
    async with db.transaction() as tx:
        await confirmed_later(tx, content, outbox_id, now)
