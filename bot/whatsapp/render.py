"""The engine's replies as Graph API messages: text, reply buttons, or a list, within limits.

Up to three short options become reply buttons; more, or longer labels, become a list (at
most ten rows, which the engine's paging for this channel guarantees). A label too long for a
row title is cut there and shown whole in the row's description.
"""

from typing import Any

from bot.whatsapp.graph import (
    MAX_BODY,
    MAX_BUTTON_TITLE,
    MAX_BUTTONS,
    MAX_INTERACTIVE_BODY,
    MAX_ROW_DESCRIPTION,
    MAX_ROW_TITLE,
    MAX_ROWS,
)
from skm_core.content.models import WhatsAppTexts
from skm_core.conversation.messages import Option, Reply


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _buttons(body: str, options: tuple[Option, ...]) -> dict[str, Any]:
    return {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": _cut(body, MAX_INTERACTIVE_BODY)},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": o.id, "title": o.label}} for o in options
                ]
            },
        },
    }


def _row(option: Option) -> dict[str, str]:
    row = {"id": option.id, "title": _cut(option.label, MAX_ROW_TITLE)}
    if len(option.label) > MAX_ROW_TITLE:
        row["description"] = _cut(option.label, MAX_ROW_DESCRIPTION)
    return row


def _list(body: str, options: tuple[Option, ...], words: WhatsAppTexts) -> dict[str, Any]:
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": _cut(body, MAX_BODY)},
            "action": {
                "button": words.list_button,
                "sections": [
                    {"title": words.list_section, "rows": [_row(o) for o in options[:MAX_ROWS]]}
                ],
            },
        },
    }


def message_content(reply: Reply, words: WhatsAppTexts) -> dict[str, Any]:
    """The Graph message for a reply's text and options (its attachment goes apart)."""
    options = reply.options
    if not options:
        return {"type": "text", "text": {"body": _cut(reply.text, MAX_BODY), "preview_url": False}}
    short = all(len(o.label) <= MAX_BUTTON_TITLE for o in options)
    if len(options) <= MAX_BUTTONS and short and len(reply.text) <= MAX_INTERACTIVE_BODY:
        return _buttons(reply.text, options)
    return _list(reply.text, options, words)
