"""The data directory and its files are readable by their owner only: they hold people's
data and the pseudonym key."""

import os
from pathlib import Path

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


def private_directory(directory: Path) -> None:
    """Create the directory for its owner only; one of ours that exists is made so too."""
    directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    if directory.stat().st_uid == os.getuid():
        directory.chmod(DIRECTORY_MODE)
