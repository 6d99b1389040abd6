"""A consistent copy of a database that may be in use, checked before it is called a backup.

A running bot keeps its latest writes in the write-ahead log (`-wal`) until a checkpoint, so a
plain copy of `skm.sqlite3` alone can miss them or be torn mid-write. SQLite's online backup
reads one consistent snapshot through the database itself, WAL included, without stopping the
bot's writes (readers and the writer do not block each other in WAL mode). On PostgreSQL,
`pg_dump` gives the same: one consistent snapshot, taken while the bot keeps writing.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from urllib.parse import unquote, urlsplit

from skm_core.private_files import FILE_MODE
from skm_core.storage.postgres import redacted


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


PG_DUMP_FILE = "skm.pgdump"


def dump_postgres(url: str, target: Path) -> int:
    """`pg_dump` of the PostgreSQL database into the new file `target` (custom format, one
    consistent snapshot while the bot runs), checked by `pg_restore --list`; returns the
    number of tables in it. Restore with `pg_restore --dbname URL --no-owner FILE` into an
    empty database."""
    dbname, environment = _libpq(url)
    target.touch(mode=FILE_MODE, exist_ok=False)
    try:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", dbname], environment)
        listing = _run(["pg_restore", "--list", str(target)], environment)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return sum(1 for line in listing.splitlines() if " TABLE DATA " in line)


def restore_postgres(source: Path, url: str) -> None:
    """Load a dump made by `dump_postgres` into an empty database, all or nothing."""
    dbname, environment = _libpq(url)
    _run(
        ["pg_restore", "--no-owner", "--single-transaction", "--exit-on-error",
         f"--dbname={dbname}", str(source)],
        environment,
    )  # fmt: skip


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and the password in the environment, where other users'
    process listings do not show it."""
    parts = urlsplit(url)
    environment = dict(os.environ)
    if parts.password is not None:
        environment["PGPASSWORD"] = unquote(parts.password)
    return redacted(url), environment


def _run(command: list[str], environment: dict[str, str]) -> str:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupFailed(f"{command[0]} is not installed (Debian: postgresql-client)")
    try:
        done = subprocess.run(
            [tool, *command[1:]], env=environment, capture_output=True, text=True, timeout=3600
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise BackupFailed(f"{command[0]}: {exc}") from exc
    if done.returncode != 0:
        raise BackupFailed(f"{command[0]}: {done.stderr.strip() or done.returncode}")
    return done.stdout
