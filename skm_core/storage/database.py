"""The storage interface, and its SQLite implementation: pragmas, explicit transactions and
migrations. `Database.open` picks the backend: a `postgresql://` URL opens PostgreSQL
(`skm_core.storage.postgres`), anything else is the path of a SQLite file.

aiosqlite runs every statement of a connection on one thread, so the connection is a natural
single writer; but coroutines sharing it would also share its transaction. An asyncio lock
therefore serialises whole units of work (a transaction, or a read). A transaction opens with
``BEGIN IMMEDIATE``, so that a second process waits on ``busy_timeout`` instead of failing;
sqlite3 issues it itself just before the first write, in the same trip to aiosqlite's thread,
and a unit of work that writes nothing costs no COMMIT. Each trip costs far more than a small
statement, so this halves what a conversation step spends waiting.
"""

import asyncio
import copy
import hashlib
import os
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from skm_core.private_files import FILE_MODE, private_directory, private_file
from skm_core.storage.migrations import MIGRATIONS

Params = Sequence[Any] | dict[str, Any]
Row = tuple[Any, ...]

BUSY_TIMEOUT_MS = 5000


def digest(text: str) -> str:
    """SHA-256 of a value that is kept only to be recognised again (event ids, invitation
    codes): a copy of the database does not give the value itself. Also the SQL function
    `sha256_hex`, for migrations that convert stored values."""
    return hashlib.sha256(text.encode()).hexdigest()


def utc_now_text() -> str:
    return format_utc(datetime.now(UTC))


def format_utc(moment: datetime) -> str:
    """Timestamps are stored as fixed-width UTC text, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("refusing a naive datetime: the zone of stored times must be known")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class Reader(Protocol):
    """What a query needs: the database itself, or a transaction already open on it.

    `unit` is the unit whose rows a query on a unit-owned table reads and writes."""

    unit: str

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None: ...


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(target: Path | str) -> bool:
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


class Transaction(ABC):
    """Statements inside one open transaction; only valid within ``Database.transaction()``.

    SQL is written once, in the dialect both backends share, with `?` placeholders."""

    #: "sqlite" or "postgresql", for the few statements that differ
    backend: str
    #: the unit whose rows unit-owned tables show; the engine may set it once it knows the
    #: unit of an event, before it touches such a table
    unit: str = ""

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; returns the number of rows it changed."""

    @abstractmethod
    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT into a table with an `id` column; returns the new row's id."""

    @abstractmethod
    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None: ...

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None


class Database(ABC):
    """One database, whichever the backend; `open` chooses it from the target."""

    #: "sqlite" or "postgresql"
    backend: str
    #: the SQLite file, or the PostgreSQL URL without its password
    path: str
    #: the unit this handle is scoped to (see `for_unit`); '' until scoped
    unit: str = ""

    def for_unit(self, unit_id: str) -> "Database":
        """The same database seen as one unit's: every unit-owned table shows and takes only
        that unit's rows. A view shares the connection or pool: close the database, not it."""
        view = copy.copy(self)
        view.unit = unit_id
        return view

    @classmethod
    async def open(cls, target: Path | str) -> "Database":
        """Open the database (creating a SQLite file if needed) and bring its schema up to date."""
        if is_postgres_url(target):
            from skm_core.storage.postgres import PostgresDatabase

            return await PostgresDatabase.open(str(target))
        return await SqliteDatabase.open(target)

    @abstractmethod
    async def close(self) -> None: ...

    async def __aenter__(self) -> "Database":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @abstractmethod
    def transaction(self, begin_now: bool = False) -> AbstractAsyncContextManager[Transaction]:
        """One atomic unit of work: committed when the block ends, rolled back on any error."""

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def schema_version(self) -> int:
        row = await self.fetch_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(row[0]) if row else 0


class SqliteTransaction(Transaction):
    backend = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, unit: str = "") -> None:
        self._conn = conn
        self.unit = unit

    # Every call below is one trip to aiosqlite's thread, the dominant cost of a small
    # statement; counting changes reads the connection's counter, which costs no trip.

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        before = self._conn.total_changes
        await self._conn.execute_fetchall(sql, params)
        return self._conn.total_changes - before

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT; returns the new row id."""
        row = await self._conn.execute_insert(sql, params)
        if row is None:
            raise RuntimeError("INSERT returned no row id")
        return int(row[0])

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        cursor = await self._conn.executemany(sql, rows)
        await cursor.close()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return [tuple(r) for r in await self._conn.execute_fetchall(sql, params)]


class SqliteDatabase(Database):
    """The one SQLite connection of a process."""

    backend = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path | str) -> "SqliteDatabase":
        """Open (creating if needed) the database and bring its schema up to date."""
        target = str(path)
        if target != ":memory:":
            _private_file(Path(target))
        conn = await aiosqlite.connect(target, isolation_level="IMMEDIATE")
        try:
            await conn.create_function("sha256_hex", 1, digest, deterministic=True)
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            # What is deleted or erased (a person's data) is overwritten, not left in free pages.
            await conn.execute("PRAGMA secure_delete = ON")
            db = cls(conn, target)
            await db._migrate()
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self, begin_now: bool = False) -> AsyncIterator[Transaction]:
        """The transaction begins at the first write; `begin_now` begins it at once, for work
        whose first statements change the schema (which does not begin one by itself).
        """
        async with self._lock:
            if begin_now:
                await self._conn.execute_fetchall("BEGIN IMMEDIATE")
            try:
                yield SqliteTransaction(self._conn, self.unit)
            except BaseException:
                if self._conn.in_transaction:
                    await self._conn.rollback()
                raise
            if self._conn.in_transaction:
                await self._conn.commit()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._lock:
            return [tuple(r) for r in await self._conn.execute_fetchall(sql, params)]

    async def _migrate(self) -> None:
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        for version, name, script in MIGRATIONS:
            async with self.transaction(begin_now=True) as tx:
                done = await tx.fetch_one(
                    "SELECT 1 FROM schema_migrations WHERE version = ?", (version,)
                )
                if done:
                    continue
                for statement in _statements(script):
                    await tx.execute(statement)
                await tx.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, utc_now_text()),
                )


def _private_file(path: Path) -> None:
    """The database file is the owner's alone, and so, since SQLite gives its WAL and
    shared-memory files the database file's mode, are they."""
    private_directory(path.parent)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    os.close(descriptor)
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        private_file(file)


def _statements(script: str) -> list[str]:
    """Split a script into statements; a semicolon inside a comment or literal does not split."""
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \n;"):
                statements.append(buffer.strip())
            buffer = ""
    return statements
