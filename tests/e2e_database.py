"""Where an end-to-end test's `skm run` keeps its data: SQLite in the data directory, or a
PostgreSQL database of the test session's server passed as `SKM_DATABASE_URL`.

The tests read the process's rows afterwards through `rows`, the same SQL on either backend.
"""

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg


@dataclass(frozen=True)
class E2eDatabase:
    backend: str
    url: str | None = None
    """The PostgreSQL database's URL; None on SQLite."""

    @property
    def env(self) -> dict[str, str]:
        """What to add to the process's environment."""
        return {} if self.url is None else {"SKM_DATABASE_URL": self.url}

    def target(self, data_dir: Path) -> str:
        """What `Database.open` takes to reach the process's database."""
        return str(data_dir / "skm.sqlite3") if self.url is None else self.url

    def rows(self, data_dir: Path, sql: str) -> list[tuple[Any, ...]]:
        if self.url is None:
            with closing(sqlite3.connect(data_dir / "skm.sqlite3")) as db:
                return [tuple(r) for r in db.execute(sql).fetchall()]
        with psycopg.connect(self.url) as db:
            return [tuple(r) for r in db.execute(sql).fetchall()]
