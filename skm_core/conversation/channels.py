"""What each channel can show, so the conversation pages lists and splits texts to fit, and
what a channel tells the engine about itself when it registers."""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ChannelProfile:
    max_options: int | None
    """How many options one message can carry (None: as many as needed)."""
    max_text: int
    """The longest text one message can carry, in characters."""
    numbered: bool = False
    """The channel shows options as numbered lines, so labels must not carry numbers too."""
    formatting_marks: str = ""
    """Characters the app turns into formatting (WhatsApp: *bold*, _italic_, ~strike~, `code`)."""


class ChannelTraits(Protocol):
    """A channel as the engine knows it; each adapter registers itself with these."""

    @property
    def name(self) -> str: ...

    @property
    def profile(self) -> ChannelProfile: ...

    @property
    def windowed(self) -> bool:
        """The channel may write to a person only for a while after they wrote (WhatsApp)."""
        ...

    @property
    def start_link(self) -> str | None:
        """The link that opens a chat with a ticket, with {token} in it; None if none."""
        ...


# Until a channel registers, its texts are split as for the narrowest chat app (ten options,
# a thousand characters, WhatsApp's formatting marks), so nothing is ever too long for it.
# Telegram and the terminal are known here too, so that the conversation can be driven from a
# plain test with their limits; their adapters register the same profiles.
DEFAULT_PROFILE = ChannelProfile(max_options=10, max_text=1000, formatting_marks="*_~`")
PROFILES: dict[str, ChannelProfile] = {
    "telegram": ChannelProfile(max_options=None, max_text=4000),
    "terminal": ChannelProfile(max_options=None, max_text=4000, numbered=True),
}
# Look-alikes that the apps show as they are, never as formatting.
_LOOKALIKES = {"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"}
QUOTE_PREFIX = "> "


def profile_for(channel: str) -> ChannelProfile:
    return PROFILES.get(channel, DEFAULT_PROFILE)


def quoted(text: str, profile: ChannelProfile) -> str:
    """Someone else's words inside the bot's own message: every line marked as quoted and no
    formatting, so that they cannot pass for lines the bot wrote (a fake "reply with ...")."""
    marks = str.maketrans({m: _LOOKALIKES[m] for m in profile.formatting_marks})
    return "\n".join(QUOTE_PREFIX + line.translate(marks) for line in text.split("\n"))
