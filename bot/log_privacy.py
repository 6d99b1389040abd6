"""What a log line may say about a person or an error: a pseudonym, an exception's type and
where it was raised, never a chat id, a number, a name or the message itself.

An exception's message can quote what a person wrote (a failed conversion of their text, an
API's complaint about a message), so a logged error names its type and its stack only.
"""

import traceback

from telegram import Update

TAG_CHARS = 12


def person_tag(user_key: str) -> str:
    """A short, stable form of the keyed pseudonym: enough to follow one person in the log."""
    return f"p:{user_key[:TAG_CHARS]}"


def error_outline(error: BaseException | None) -> str:
    """The exception's type and where it happened, chained causes included; no messages."""
    lines: list[str] = []
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        lines.append(f"{type(error).__module__}.{type(error).__qualname__}")
        lines += [line.rstrip() for line in traceback.format_tb(error.__traceback__)]
        error = error.__cause__ or error.__context__
    return "\n".join(lines)


def update_kind(update: object) -> str:
    """Which kind of update this is (message, callback_query, ...), for the log."""
    if not isinstance(update, Update):
        return type(update).__name__
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return str(kind)
    return "unknown"
