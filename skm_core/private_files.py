"""The data directory and its files are readable by their owner only: they hold people's
data and the pseudonym key."""

import os
from pathlib import Path

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


def private_directory(directory: Path) -> None:
    """Create the directory for its owner only. One that exists is left as it is: it may be
    a folder the operator chose and shares (the README says to make it 0700)."""
    if not directory.exists():
        directory.mkdir(mode=DIRECTORY_MODE, parents=True)
        # mkdir's mode passes through the umask; this is the mode whatever the umask.
        directory.chmod(DIRECTORY_MODE)


def private_file(path: Path) -> None:
    """A file of ours readable by its owner only (not one someone else owns)."""
    if path.exists() and path.stat().st_uid == os.getuid():
        path.chmod(FILE_MODE)
