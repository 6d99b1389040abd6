"""The one shape of a channel, and the work every channel shares.

A channel is its name, its limits (a ChannelProfile), its start link, and how it sends one
reply. Everything else a chat app needs from the bot is written here once: answering an
event (reply, and queue what a passing failure stops), and sending an attachment before the
text. A channel that answers over HTTP implements `send` by collecting replies for the
response body; one that cannot fail never raises.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from skm_core.conversation import Reply
from skm_core.conversation.channels import ChannelTraits
from skm_core.conversation.engine import Engine
from skm_core.conversation.messages import Attachment
from skm_core.delivery.outbox import as_parts
from skm_core.delivery.sending import OutsideWindow, RetryLater

log = logging.getLogger(__name__)

SendOne = Callable[[str, Reply], Awaitable[list[str]]]
"""Send one reply to an address; the chat app's ids of the messages sent (may be none)."""


class Channel(ChannelTraits, Protocol):
    async def send(self, address: str, reply: Reply) -> list[str]:
        """Send one reply. Raises RetryLater for a passing failure, OutsideWindow when the
        messaging window is shut, Undeliverable when the person cannot receive it."""
        ...


async def respond(
    engine: Engine,
    channel: Channel,
    address: str,
    replies: list[Reply],
    send: SendOne | None = None,
) -> list[str]:
    """Answer now, one part at a time; the parts a passing failure stops go to the outbox,
    which sends them later with backoff. An image and the text after it are two parts, so a
    failure of the text never repeats the image. `send` stands in for the channel's own for
    this answer (Telegram edits the pressed message). Returns the ids of what was sent."""
    parts = as_parts(replies)
    sender = send or channel.send
    sent: list[str] = []
    for number, part in enumerate(parts):
        try:
            sent += await sender(address, part)
        except (RetryLater, OutsideWindow) as exc:
            # The answer is decided and stored; the window may have shut while it waited.
            log.info("replying on %s deferred: %s", channel.name, type(exc).__name__)
            await engine.queue_messages(channel.name, address, parts[number:])
            break
    return sent


SendAttachment = Callable[[Attachment], Awaitable[str | None]]
SendText = Callable[[Reply], Awaitable[str | None]]


async def dispatch(
    reply: Reply, image: SendAttachment, document: SendAttachment, text: SendText
) -> list[str]:
    """A reply's attachment (as an image or a document), then its text with its options."""
    ids: list[str | None] = []
    if reply.attachment is not None:
        sender = image if reply.attachment.kind == "image" else document
        ids.append(await sender(reply.attachment))
    if reply.text:
        ids.append(await text(reply))
    return [i for i in ids if i]


async def send_all(channel: Channel, address: str, replies: list[Reply]) -> list[str]:
    """Send replies in order (what the outbox hands a channel); the ids of what was sent."""
    sent: list[str] = []
    for reply in replies:
        sent += await channel.send(address, reply)
    return sent
