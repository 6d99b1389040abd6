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
    formatting_marks: str = ""
    """Characters the app turns into formatting (WhatsApp: *bold*, _italic_, ~strike~, `code`)."""


# Telegram allows 4096 characters a message; a WhatsApp list holds at most 10 rows and an
# interactive body at most 1024 characters, so texts there are split shorter.
PROFILES: dict[str, ChannelProfile] = {
    "telegram": ChannelProfile(max_options=None, max_text=4000),
    "whatsapp": ChannelProfile(max_options=10, max_text=1000, formatting_marks="*_~`"),
    "terminal": ChannelProfile(max_options=None, max_text=4000, numbered=True),
}
DEFAULT_PROFILE = ChannelProfile(max_options=10, max_text=1000, formatting_marks="*_~`")
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
