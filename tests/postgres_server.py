"""A real, throw-away PostgreSQL 15 for the tests, started from Debian's packages.

The cluster lives in a temporary folder, listens on 127.0.0.1 on a free port and is owned by
the `postgres` user when the tests run as root (the server refuses to run as root). Each test
gets a database of its own, so tests cannot see each other's rows.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN = Path(os.environ.get("SKM_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


class Unavailable(Exception):
    """Why no PostgreSQL can be had here: the tests that need one skip, saying this."""


class PostgresServer:
    def __init__(self, folder: Path, port: int, run_as: list[str]) -> None:
        self.folder = folder
        self.port = port
        self._run_as = run_as

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """Create an empty database; returns its URL."""
        name = f"skm_{uuid.uuid4().hex[:12]}"
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self._run_as, str(PG_BIN / tool), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise Unavailable("running as root without runuser: cannot start PostgreSQL as postgres")
    return [runuser, "-u", "postgres", "--"]


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    if not (PG_BIN / "initdb").exists():
        raise Unavailable(f"PostgreSQL 15 is not installed ({PG_BIN}/initdb is missing)")
    run_as = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="skm-pg-"))
    try:
        if run_as:
            shutil.chown(folder, user="postgres", group="postgres")
        server = PostgresServer(folder, _free_port(), run_as)
        data = folder / "data"
        try:
            server._run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
            server._run(
                "pg_ctl",
                "-D",
                str(data),
                "-l",
                str(folder / "server.log"),
                "-o",
                f"-h 127.0.0.1 -p {server.port} -k {folder} -F",
                "-w",
                "start",
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise Unavailable(f"PostgreSQL could not be started: {exc}") from exc
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
