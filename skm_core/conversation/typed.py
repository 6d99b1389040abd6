"""Making sense of typed text: normalising it and matching it to the options on screen."""

import re
import unicodedata

from skm_core.conversation.messages import Option

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Typed text for matching: NFKC, no control characters, single spaces, case folded."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return _SPACES.sub(" ", text).strip().casefold()


def typed_number(text: str) -> int | None:
    bare = text.strip(" .)")
    return int(bare) if bare.isdigit() and len(bare) <= 6 else None


def typed_option(options: tuple[Option, ...], text: str) -> Option | None:
    """The option whose number (1-based) or words were typed; `text` is already normalised."""
    number = typed_number(text)
    if number is not None:
        return options[number - 1] if 1 <= number <= len(options) else None
    for option in options:
        if normalise(option.label) == text:
            return option
    return None
