"""What Meta posts to the webhook: checking its signature and reading its messages.

Only the message kinds a person can send us are read (text, a reply button, a list row, a
template's quick reply); everything else a person sends (a photo, a voice note) is "other",
and delivery statuses are read for their errors.
"""

import hashlib
import hmac
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Inbound:
    wamid: str
    wa_id: str
    kind: str  # text | button_reply | list_reply | quick_reply | other
    value: str = ""


@dataclass(frozen=True)
class Status:
    wamid: str
    status: str
    recipient: str
    error_codes: tuple[int, ...] = field(default_factory=tuple)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _message(raw: dict[str, Any]) -> Inbound | None:
    wamid, sender, kind = raw.get("id"), raw.get("from"), raw.get("type")
    if not isinstance(wamid, str) or not isinstance(sender, str):
        return None
    if kind == "text":
        body = raw.get("text", {}).get("body", "") if isinstance(raw.get("text"), dict) else ""
        return Inbound(wamid, sender, "text", str(body))
    if kind == "interactive" and isinstance(raw.get("interactive"), dict):
        interactive = raw["interactive"]
        for reply_kind in ("button_reply", "list_reply"):
            chosen = interactive.get(reply_kind)
            if isinstance(chosen, dict) and isinstance(chosen.get("id"), str):
                return Inbound(wamid, sender, reply_kind, chosen["id"])
    if kind == "button" and isinstance(raw.get("button"), dict):
        return Inbound(wamid, sender, "quick_reply", str(raw["button"].get("payload", "")))
    return Inbound(wamid, sender, "other")


def _status(raw: dict[str, Any]) -> Status | None:
    if not isinstance(raw.get("id"), str):
        return None
    codes = tuple(
        int(e["code"]) for e in _dicts(raw.get("errors")) if isinstance(e.get("code"), int)
    )
    return Status(raw["id"], str(raw.get("status", "")), str(raw.get("recipient_id", "")), codes)


def read_update(body: Any) -> tuple[list[Inbound], list[Status]]:
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
            messages += [m for m in map(_message, _dicts(value.get("messages"))) if m]
            statuses += [s for s in map(_status, _dicts(value.get("statuses"))) if s]
    return messages, statuses
