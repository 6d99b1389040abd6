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


def whole_number(text: str, max_digits: int = 9, signed: bool = False) -> int | None:
    """The number written in ASCII digits, or None: str.isdigit() also accepts digits that
    int() refuses (superscripts, other scripts) and numbers longer than int() reads."""
    sign = "-?" if signed else ""
    bare = text.strip()
    if re.fullmatch(rf"{sign}[0-9]{{1,{max_digits}}}", bare):
        return int(bare)
    return None


def typed_number(text: str) -> int | None:
    return whole_number(text.strip(" .)"), max_digits=6)


def typed_option(options: tuple[Option, ...], text: str) -> Option | None:
    """The option whose number (1-based) or words were typed; `text` is already normalised.

    Numbers count only the options that answer (navigation has none), as they are shown."""
    number = typed_number(text)
    if number is not None:
        numbered = [o for o in options if not o.navigation]
        return numbered[number - 1] if 1 <= number <= len(numbered) else None
    # A full stop or an exclamation mark after the word changes nothing ("Kirim.").
    bare = text.strip(" .!?")
    for option in options:
        if normalise(option.label).strip(" .!?") == bare:
            return option
    return None


_DIGITS = re.compile(r"[0-9]+")
_LETTERS = re.compile(r"[^\W\d_]+")
MAX_AGE_WORDS = 3


def typed_age(text: str) -> int | None:
    """An age as people type it: "41", "41 tahun", "umur 41thn". One number, a few words
    around it and nothing else; "3 atau 4" or a sentence is not an age."""
    numbers = _DIGITS.findall(text)
    if len(numbers) != 1 or len(numbers[0]) > 3:
        return None
    rest = _DIGITS.sub(" ", text)
    if re.search(r"[^\w\s.,]", rest) or len(_LETTERS.findall(rest)) > MAX_AGE_WORDS:
        return None
    return int(numbers[0])
