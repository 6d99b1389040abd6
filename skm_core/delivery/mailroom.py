"""What a channel keeps between receiving and answering: messages stored before they are
acknowledged, the chat app's ids of what was sent, held messages and messaging windows.

Channel adapters reach this through the engine (`engine.mail`), never the storage itself,
so that a channel is translation only and a second storage backend changes no adapter.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from skm_core.content.loader import Content
from skm_core.delivery.outbox import QueuedMessage
from skm_core.delivery.sending import FailureKind, confirm_delivery, give_up
from skm_core.storage.database import Database
from skm_core.storage.inbound import (
    StoredInbound,
    due_inbound,
    forget_inbound,
    retry_inbound,
    store_inbound,
)
from skm_core.storage.outbox import hold, last_inbound, record_sent, release, reopen, sent_message

__all__ = ["Incoming", "Mailroom", "StoredInbound"]


@dataclass(frozen=True)
class Incoming:
    """One item to keep before the post that carried it is acknowledged."""

    message_id: str
    sender: str
    """A pseudonym, or any key that groups what must be processed in order."""
    payload: dict[str, Any]


class Mailroom:
    def __init__(
        self, db: Database, clock: Callable[[], datetime], content: Callable[[], Content]
    ) -> None:
        self._db = db
        self._clock = clock
        self._content = content

    async def keep(self, channel: str, items: Sequence[Incoming]) -> int:
        """Store a post's items in one transaction; how many were new (not redeliveries)."""
        now = self._clock()
        stored = 0
        async with self._db.transaction() as tx:
            for item in items:
                stored += await store_inbound(
                    tx, channel, item.message_id, item.sender, item.payload, now
                )
        return stored

    async def due(self, channel: str, limit: int) -> list[StoredInbound]:
        return await due_inbound(self._db, channel, self._clock(), limit=limit)

    async def retry(self, channel: str, message_id: str, error: str) -> int:
        """Processing failed: try again later; returns the attempts so far."""
        return await retry_inbound(self._db, channel, message_id, self._clock(), error)

    async def forget(self, channel: str, message_id: str) -> None:
        await forget_inbound(self._db, channel, message_id)

    async def record_sent(self, channel: str, provider_ids: Sequence[str]) -> None:
        """Direct replies' ids, so that a later status about them is recognised."""
        now = self._clock()
        async with self._db.transaction() as tx:
            for provider_id in provider_ids:
                await record_sent(tx, channel, provider_id, None, 0, now)

    async def delivered(self, channel: str, provider_id: str) -> None:
        await confirm_delivery(self._db, self._content(), channel, provider_id, self._clock())

    async def sent_message(
        self, channel: str, provider_id: str
    ) -> tuple[QueuedMessage, int] | None:
        """The queued message (and its part) a sent message's id belongs to."""
        return await sent_message(self._db, channel, provider_id)

    async def reopen(self, message_id: int, part: int) -> bool:
        return await reopen(self._db, message_id, part)

    async def hold(self, message_id: int) -> None:
        await hold(self._db, message_id, self._clock())

    async def release(self, message_id: int, channel: str, address: str) -> bool:
        return await release(self._db, message_id, channel, address)

    async def give_up(self, message: QueuedMessage, kind: FailureKind, detail: str) -> None:
        await give_up(self._db, self._content(), message, kind, detail, self._clock())

    async def last_inbound(self, channel: str, user_key: str) -> datetime | None:
        return await last_inbound(self._db, channel, user_key)
