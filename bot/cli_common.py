"""What every `skm` subcommand shares: its exit statuses and loading the content."""

import sys

from bot.settings import Settings
from skm_core.content import Content, ContentError, load_content

EXIT_OK = 0
EXIT_CONFIG = 1
EXIT_INPUT = 2


def load(settings: Settings) -> Content | None:
    """The content, or None after printing each of its problems."""
    try:
        return load_content(settings.content_dir)
    except ContentError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        return None
