"""Sending what the outbox holds for one channel, with the channel's sender.

A sender raises `RetryLater` for a passing failure (rate limit, server error, time-out) and
`Undeliverable` when no retry can help (the person blocked the bot); anything else is a bug
and is retried like a passing failure, so nothing queued is ever silently dropped.
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from skm_core.conversation.messages import Reply
from skm_core.outbox import QueuedMessage
from skm_core.storage.database import Database
from skm_core.storage.outbox import (
    due_messages,
    hold,
    mark_failed,
    mark_part_sent,
    mark_retry,
    mark_sent,
)

log = logging.getLogger(__name__)

Sender = Callable[[str, list[Reply]], Awaitable[None]]


class RetryLater(Exception):
    def __init__(self, reason: str, after_seconds: float | None = None) -> None:
        super().__init__(reason)
        self.after_seconds = after_seconds


class Undeliverable(Exception):
    pass


class OutsideWindow(Exception):
    """The channel only lets a person be written to after they wrote (WhatsApp's 24 hours)."""


class Window(Protocol):
    """A channel whose messages to people need an open messaging window."""

    async def is_open(self, address: str) -> bool: ...

    async def invite(self, message: QueuedMessage) -> None:
        """Ask the person to open the window (an approved template); the message waits."""


async def flush_outbox(
    db: Database, channel: str, send: Sender, now: datetime, window: Window | None = None
) -> int:
    """Send every message that is due; returns how many were sent."""
    sent = 0
    for message in await due_messages(db, channel, now):
        try:
            if window is not None and not await window.is_open(message.address):
                await window.invite(message)
                await hold(db, message.id, now)
                continue
            for number in range(message.parts_sent, len(message.replies)):
                await send(message.address, [message.replies[number]])
                await mark_part_sent(db, message.id, number + 1)
        except OutsideWindow:
            if window is None:
                await mark_failed(db, message.id, now, "outside the messaging window")
                continue
            try:
                await window.invite(message)
            except RetryLater as exc:
                await mark_retry(db, message.id, now, str(exc), exc.after_seconds)
                continue
            await hold(db, message.id, now)
        except Undeliverable as exc:
            log.warning("outbox %s to %s given up: %s", message.id, channel, exc)
            await mark_failed(db, message.id, now, str(exc))
        except RetryLater as exc:
            log.info("outbox %s to %s retried later: %s", message.id, channel, exc)
            await mark_retry(db, message.id, now, str(exc), exc.after_seconds)
        except Exception as exc:
            log.exception("outbox %s to %s failed unexpectedly", message.id, channel)
            await mark_retry(db, message.id, now, repr(exc))
        else:
            await mark_sent(db, message.id, now)
            sent += 1
    return sent
