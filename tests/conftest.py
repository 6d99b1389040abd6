import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest

from skm_core.content import Content, load_content, shipped_content_dir
from skm_core.conversation.engine import Engine
from skm_core.storage import Database
from tests.conversation.chat import Clock
from tests.e2e_database import E2eDatabase
from tests.postgres_server import PostgresServer, Unavailable, postgres_server

BACKENDS = ("sqlite", "postgresql")
#: what a refused write raises, on either backend
INTEGRITY_ERRORS = (sqlite3.IntegrityError, psycopg.IntegrityError)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(shipped_content_dir())


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | str]:
    """One real PostgreSQL for the session, or why there is none."""
    try:
        with postgres_server() as server:
            yield server
    except Unavailable as reason:
        yield str(reason)


@pytest.fixture(params=BACKENDS)
def database_target(
    request: pytest.FixtureRequest, tmp_path: Path, postgres: PostgresServer | str
) -> str:
    """Where a test's database lives: a fresh SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "skm.sqlite3")
    if isinstance(postgres, str):
        pytest.skip(f"no PostgreSQL: {postgres}")
    return postgres.new_database()


@pytest.fixture(params=BACKENDS)
def e2e_database(request: pytest.FixtureRequest, postgres: PostgresServer | str) -> E2eDatabase:
    """Where an end-to-end test's `skm run` keeps its data: its data directory's SQLite file,
    or a fresh database of the session's PostgreSQL given to it as `SKM_DATABASE_URL`."""
    if request.param == "sqlite":
        return E2eDatabase("sqlite")
    if isinstance(postgres, str):
        pytest.skip(f"no PostgreSQL: {postgres}")
    return E2eDatabase("postgresql", postgres.new_database())


@pytest.fixture
async def db(database_target: str) -> AsyncIterator[Database]:
    database = await Database.open(database_target)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(db: Database, content: Content, clock: Clock) -> Engine:
    """An engine on a fresh database, at a clock the test moves."""
    return Engine(db, content, clock=clock)


@pytest.fixture
def skm_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data directory for commands that read settings from the environment."""
    data = tmp_path / "data"
    monkeypatch.setenv("SKM_DATA_DIR", str(data))
    monkeypatch.delenv("SKM_CONTENT_DIR", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return data
