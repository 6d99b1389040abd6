"""One bot process per data directory: a second one would send every queued message and
scheduled report a second time."""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from skm_core.private_files import FILE_MODE, private_directory

LOCK_FILE = "skm.lock"


class AlreadyRunning(Exception):
    def __init__(self, directory: Path, holder: str) -> None:
        who = f" (process {holder})" if holder else ""
        super().__init__(
            f"another `skm run` is using the data directory {directory}{who}; stop it first"
        )


@contextmanager
def data_dir_lock(directory: Path) -> Iterator[None]:
    """Held for as long as the block runs; the system releases it if the process dies."""
    private_directory(directory)
    path = directory / LOCK_FILE
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
            raise AlreadyRunning(directory, holder) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)
