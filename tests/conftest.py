from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from skm_core.content import Content, load_content, shipped_content_dir
from skm_core.conversation.engine import Engine
from skm_core.storage import Database
from tests.conversation.chat import Clock


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(shipped_content_dir())


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "skm.sqlite3")
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
