"""What goes into the conversation and what comes out of it."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class EventKind(StrEnum):
    TEXT = "text"
    """Something the person typed."""
    OPTION = "option"
    """An option the person chose (a button, a list row); the value is the option id."""
    START = "start"
    """The conversation was opened, optionally with a payload (a deep link's ticket token)."""
    COMMAND = "command"
    """A slash command; the value is its name without the slash, then its arguments."""
    UNREADABLE = "unreadable"
    """A message the bot cannot read: a photo, a sticker, a voice note, a location."""


@dataclass(frozen=True)
class Event:
    channel: str
    user_key: str
    """The person's keyed pseudonym on that channel, never the raw chat id or phone number."""
    event_id: str
    """Unique per channel (Telegram update id, WhatsApp wamid): a redelivery has the same id."""
    kind: EventKind
    value: str = ""
    address: str = ""
    """Where the channel delivers to this person (chat id, phone number). Stored only where a
    later message must reach them: an official's reports, the answer to their complaint."""
    sent_at: datetime | None = None
    """When the person sent it, where the channel tells (WhatsApp's messaging window counts
    from it, not from when the bot got round to processing it)."""


@dataclass(frozen=True)
class Option:
    id: str
    """Short and stable, at most 64 bytes (it travels as Telegram callback data)."""
    label: str
    navigation: bool = False
    """Leaves the question instead of answering it ("Kembali", "Batal", a page): never chosen
    by a typed number, and shown without one where options are numbered."""


@dataclass(frozen=True)
class Attachment:
    kind: str  # "image" | "document"
    filename: str
    data: bytes
    caption: str = ""


@dataclass(frozen=True)
class Reply:
    text: str
    options: tuple[Option, ...] = ()
    attachment: Attachment | None = None


def slash_command(text: str) -> tuple[str, str] | None:
    """(name, arguments) of "/name@bot arguments", the way every chat app writes a command;
    None when the text is no command. The name keeps its case; the bot's name is dropped."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return None
    name, _, rest = stripped[1:].partition(" ")
    return name.split("@", 1)[0], rest.strip()
