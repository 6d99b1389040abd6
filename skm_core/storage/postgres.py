"""The PostgreSQL backend: psycopg 3, asynchronous, with a pool of connections.

Several processes may share one database, so nothing here assumes it is alone: a unit of work
is a transaction on one pooled connection, and what must happen once (an event, a scheduled
report) is guarded by a unique key that both processes meet, not by a lock in one process.
Migrations run under an advisory lock, so processes starting together migrate once.
"""

import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from skm_core.storage.database import Database, Params, Row, Transaction, utc_now_text
from skm_core.storage.pg_migrations import PG_MIGRATIONS

#: pg_advisory_xact_lock key held while migrating ('skm' + 'migr' as bytes, any fixed number)
MIGRATION_LOCK = 0x736B6D6D69677200

_TOKEN = re.compile(r"'(?:[^']|'')*'|\?|%")


@lru_cache(maxsize=1024)
def to_postgres(sql: str) -> str:
    """The shared SQL with psycopg's placeholders: `?` becomes `%s` and a literal `%` is
    doubled, except inside quoted strings, where both mean themselves."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        return token.replace("%", "%%")

    return _TOKEN.sub(replace, sql)


def _params(params: Params) -> Sequence[Any]:
    if isinstance(params, dict):
        raise TypeError("named parameters are not used by the storage package")
    return [_value(p) for p in params]


def _value(value: Any) -> Any:
    # SQLite stores a Python bool as 0/1 in its INTEGER columns; PostgreSQL would refuse it.
    if isinstance(value, bool):
        return int(value)
    # PostgreSQL's text cannot hold NUL, which SQLite keeps. A NUL carries nothing a person
    # wrote (every reader drops it, see clean_text), so the text is stored without it rather
    # than refused with the rest of the person's words.
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")
    return value


def redacted(url: str) -> str:
    """The URL to show or log: without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresTransaction(Transaction):
    backend = "postgresql"

    def __init__(self, conn: AsyncConnection[Any], unit: str = "") -> None:
        self._conn = conn
        self.unit = unit

    async def execute(self, sql: str, params: Params = ()) -> int:
        cursor = await self._conn.execute(to_postgres(sql), _params(params))
        return max(cursor.rowcount, 0)

    async def insert(self, sql: str, params: Params = ()) -> int:
        cursor = await self._conn.execute(to_postgres(sql) + " RETURNING id", _params(params))
        row = await cursor.fetchone()
        if row is None:
            raise RuntimeError("INSERT returned no row id")
        return int(row[0])

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._conn.cursor() as cursor:
            await cursor.executemany(to_postgres(sql), [_params(r) for r in rows])

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        cursor = await self._conn.execute(to_postgres(sql), _params(params))
        if cursor.description is None:
            return []
        return [tuple(r) for r in await cursor.fetchall()]


class PostgresDatabase(Database):
    backend = "postgresql"

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[Any]], url: str) -> None:
        self._pool = pool
        self.url = url
        self.path = redacted(url)

    @classmethod
    async def open(cls, url: str, max_connections: int = 10) -> "PostgresDatabase":  # type: ignore[override]
        pool: AsyncConnectionPool[AsyncConnection[Any]] = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            open=False,
            check=AsyncConnectionPool.check_connection,
            name="skm",
        )
        await pool.open(wait=True, timeout=30)
        db = cls(pool, url)
        try:
            await db._migrate()
        except BaseException:
            await pool.close()
            raise
        return db

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def transaction(self, begin_now: bool = False) -> AsyncIterator[Transaction]:
        # PostgreSQL begins a transaction at once and serialises conflicting writes on rows
        # and unique keys, so `begin_now` asks for nothing more here.
        async with self._pool.connection() as conn, conn.transaction():
            yield PostgresTransaction(conn, self.unit)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._pool.connection() as conn:
            return await PostgresTransaction(conn).fetch_all(sql, params)

    async def _migrate(self) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            cursor = await conn.execute("SELECT version FROM schema_migrations")
            done = {int(r[0]) for r in await cursor.fetchall()}
            for version, name, script in PG_MIGRATIONS:
                if version in done:
                    continue
                await conn.execute(script.encode())
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, %s)",
                    (version, name, utc_now_text()),
                )
