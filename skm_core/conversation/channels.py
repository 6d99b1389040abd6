"""What each channel can show, so the conversation pages lists and splits texts to fit."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelProfile:
    max_options: int | None
    """How many options one message can carry (None: as many as needed)."""
    max_text: int
    """The longest text one message can carry, in characters."""
    numbered: bool = False
    """The channel shows options as numbered lines, so labels must not carry numbers too."""


# Telegram allows 4096 characters a message; a WhatsApp list holds at most 10 rows and an
# interactive body at most 1024 characters, so texts there are split shorter.
PROFILES: dict[str, ChannelProfile] = {
    "telegram": ChannelProfile(max_options=None, max_text=4000),
    "whatsapp": ChannelProfile(max_options=10, max_text=1000),
    "terminal": ChannelProfile(max_options=None, max_text=4000, numbered=True),
}
DEFAULT_PROFILE = ChannelProfile(max_options=10, max_text=1000)


def profile_for(channel: str) -> ChannelProfile:
    return PROFILES.get(channel, DEFAULT_PROFILE)
