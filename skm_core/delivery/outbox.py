"""Messages to people other than the one who wrote: queued in the database, sent by a channel.

Writing a message to the outbox happens in the same transaction as whatever caused it (a
complaint, an answer, a scheduled report), so it is neither lost nor queued twice; a channel's
dispatcher sends it and marks it sent, retrying with backoff on passing errors.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from skm_core.conversation.messages import Attachment, Option, Reply

MAX_BACKOFF = timedelta(hours=1)
FIRST_BACKOFF = timedelta(seconds=15)


def encode_replies(replies: list[Reply]) -> str:
    return json.dumps([_encode(r) for r in as_parts(replies)], ensure_ascii=False)


def as_parts(replies: list[Reply]) -> list[Reply]:
    """One reply per message a channel sends: an attachment goes apart from the text after it,
    so that a failure between the two resends neither."""
    parts: list[Reply] = []
    for reply in replies:
        if reply.attachment is not None and reply.text:
            parts.append(Reply("", (), reply.attachment))
            parts.append(Reply(reply.text, reply.options))
        else:
            parts.append(reply)
    return parts


def _encode(reply: Reply) -> dict[str, Any]:
    data: dict[str, Any] = {"text": reply.text}
    if reply.options:
        data["options"] = [[o.id, o.label] for o in reply.options]
    if reply.attachment is not None:
        a = reply.attachment
        data["attachment"] = {
            "kind": a.kind,
            "filename": a.filename,
            "caption": a.caption,
            "data": base64.b64encode(a.data).decode("ascii"),
        }
    return data


def decode_replies(payload: str) -> list[Reply]:
    replies = []
    for item in json.loads(payload):
        attachment = None
        if "attachment" in item:
            a = item["attachment"]
            attachment = Attachment(
                a["kind"], a["filename"], base64.b64decode(a["data"]), a["caption"]
            )
        options = tuple(Option(i, label) for i, label in item.get("options", []))
        replies.append(Reply(item["text"], options, attachment))
    return replies


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 15 s, 30 s, 1 min, ... at most an hour."""
    factor: int = 2 ** max(attempts - 1, 0)
    return min(FIRST_BACKOFF * factor, MAX_BACKOFF)


@dataclass(frozen=True)
class QueuedMessage:
    id: int
    channel: str
    address: str
    replies: list[Reply]
    parts_sent: int
    attempts: int
    created_at: datetime
