"""What Meta posts to the webhook: checking its signature and reading its messages.

Only the message kinds a person can send us are read (text, a reply button, a list row, a
template's quick reply, the opening of a chat); what is not a message to answer (reactions,
deleted or edited messages, system notices, group messages, messages to another number of the
same app) is left out; anything else a person sends (a photo, a voice note) is "other", and
delivery statuses are read for their errors.
"""

import hashlib
import hmac
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SIGNATURE_HEADER = "X-Hub-Signature-256"


def signature_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """HMAC-SHA256 of the raw body with the app secret, compared in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def sign(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


class Kind(StrEnum):
    """What a person sent, as far as the conversation cares."""

    TEXT = "text"
    BUTTON_REPLY = "button_reply"
    LIST_REPLY = "list_reply"
    QUICK_REPLY = "quick_reply"
    """A template's quick-reply button (a held report's invitation)."""
    WELCOME = "welcome"
    """The person opened the chat for the first time (request_welcome)."""
    OTHER = "other"
    """Something the bot cannot read: a photo, a voice note, a location."""


# Not messages to answer: a reaction or a deleted message (which arrives as 'unsupported'
# with error 131051), an edit of an earlier message, a notice from WhatsApp itself.
IGNORED_TYPES = frozenset({"reaction", "unsupported", "unknown", "revoke", "edit", "system"})


@dataclass(frozen=True)
class Inbound:
    wamid: str
    wa_id: str
    kind: Kind
    value: str = ""
    timestamp: int | None = None
    """When the person sent it (Unix seconds), as WhatsApp tells it."""

    def to_json(self) -> dict[str, Any]:
        return {"wamid": self.wamid, "wa_id": self.wa_id, "kind": self.kind.value,
                "value": self.value, "timestamp": self.timestamp}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Inbound":
        stamp = data.get("timestamp")
        return cls(
            str(data["wamid"]),
            str(data["wa_id"]),
            Kind(data["kind"]),
            str(data.get("value", "")),
            stamp if isinstance(stamp, int) else None,
        )


@dataclass(frozen=True)
class Status:
    wamid: str
    status: str
    recipient: str
    error_codes: tuple[int, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {"wamid": self.wamid, "status": self.status, "recipient": self.recipient,
                "error_codes": list(self.error_codes)}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Status":
        codes = tuple(int(c) for c in data.get("error_codes", []) if isinstance(c, int))
        return cls(str(data["wamid"]), str(data["status"]), str(data["recipient"]), codes)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _timestamp(raw: dict[str, Any]) -> int | None:
    value = raw.get("timestamp")
    text = str(value) if isinstance(value, str | int) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def _message(raw: dict[str, Any]) -> Inbound | None:
    """The message as the conversation sees it; None for what is not a message to answer."""
    wamid, sender, kind = raw.get("id"), raw.get("from"), raw.get("type")
    if not isinstance(wamid, str) or not isinstance(sender, str):
        return None
    if kind in IGNORED_TYPES or "group_id" in raw:
        # Group messages: the bot speaks with one person at a time, never into a group.
        return None
    stamp = _timestamp(raw)
    if kind == "text":
        body = raw.get("text", {}).get("body", "") if isinstance(raw.get("text"), dict) else ""
        return Inbound(wamid, sender, Kind.TEXT, str(body), stamp)
    if kind == "request_welcome":
        return Inbound(wamid, sender, Kind.WELCOME, "", stamp)
    if kind == "interactive" and isinstance(raw.get("interactive"), dict):
        interactive = raw["interactive"]
        for reply_kind in (Kind.BUTTON_REPLY, Kind.LIST_REPLY):
            chosen = interactive.get(reply_kind.value)
            if isinstance(chosen, dict) and isinstance(chosen.get("id"), str):
                return Inbound(wamid, sender, reply_kind, chosen["id"], stamp)
    if kind == "button" and isinstance(raw.get("button"), dict):
        payload = str(raw["button"].get("payload", ""))
        return Inbound(wamid, sender, Kind.QUICK_REPLY, payload, stamp)
    return Inbound(wamid, sender, Kind.OTHER, "", stamp)


def _status(raw: dict[str, Any]) -> Status | None:
    if not isinstance(raw.get("id"), str):
        return None
    codes = tuple(
        int(e["code"]) for e in _dicts(raw.get("errors")) if isinstance(e.get("code"), int)
    )
    return Status(raw["id"], str(raw.get("status", "")), str(raw.get("recipient_id", "")), codes)


def _for_us(value: dict[str, Any], phone_number_id: str | None) -> bool:
    """An app may serve several numbers: answer only what was sent to the configured one."""
    if phone_number_id is None:
        return True
    metadata = value.get("metadata")
    return isinstance(metadata, dict) and str(metadata.get("phone_number_id")) == phone_number_id


def read_update(
    body: Any, phone_number_id: str | None = None
) -> tuple[list[Inbound], list[Status]]:
    """The messages and statuses of one webhook post; anything unexpected is skipped."""
    messages: list[Inbound] = []
    statuses: list[Status] = []
    if not isinstance(body, dict):
        return messages, statuses
    for entry in _dicts(body.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            if not _for_us(value, phone_number_id):
                continue
            messages += [m for m in map(_message, _dicts(value.get("messages"))) if m]
            statuses += [s for s in map(_status, _dicts(value.get("statuses"))) if s]
    return messages, statuses
