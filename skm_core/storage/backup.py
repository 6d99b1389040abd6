"""A consistent copy of a database that may be in use, checked before it is called a backup.

A running bot keeps its latest writes in the write-ahead log (`-wal`) until a checkpoint, so a
plain copy of `skm.sqlite3` alone can miss them or be torn mid-write. SQLite's online backup
reads one consistent snapshot through the database itself, WAL included, without stopping the
bot's writes (readers and the writer do not block each other in WAL mode).
"""

import sqlite3
from contextlib import closing
from pathlib import Path

from skm_core.private_files import FILE_MODE


class BackupFailed(Exception):
    pass


def backup_database(source: Path, target: Path) -> int:
    """Copy `source` to the new file `target`, as one self-contained file (no WAL), and check
    the copy's integrity; returns the number of survey responses in it."""
    if not source.exists():
        raise BackupFailed(f"no database at {source}")
    target.touch(mode=FILE_MODE, exist_ok=False)
    try:
        with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(target)) as copy:
            reader.execute("PRAGMA busy_timeout = 5000")
            reader.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise BackupFailed(f"the copy failed its integrity check: {verdict}")
            (responses,) = copy.execute("SELECT COUNT(*) FROM survey_responses").fetchone()
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise BackupFailed(f"{source}: {exc}") from exc
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return int(responses)
