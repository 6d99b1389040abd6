"""`skm backup` on PostgreSQL: a pg_dump beside the pseudonym key, and a restore that gives
back every response and the same IKM."""

import asyncio
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage import Database
from skm_core.storage.backup import BackupFailed, dump_postgres, restore_postgres
from skm_core.storage.responses import insert_responses, tally_responses
from tests.postgres_server import PostgresServer

START = datetime(2025, 1, 6, 1, tzinfo=UTC)


@pytest.fixture
def server(postgres: PostgresServer | str) -> PostgresServer:
    if isinstance(postgres, str):
        pytest.skip(f"no PostgreSQL: {postgres}")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore are not installed (Debian: postgresql-client)")
    return postgres


async def seed(url: str) -> None:
    async with await Database.open(url) as db, db.transaction() as tx:
        await insert_responses(
            tx,
            [
                SurveyResponse(
                    submitted_at=START + timedelta(hours=n),
                    channel="telegram",
                    answers=(1 + n % 4,) * 9,
                    profile={"jenis_kelamin": "P"},
                )
                for n in range(25)
            ],
        )


async def tally(url: str):
    async with await Database.open(url) as db:
        return await tally_responses(db)


def test_a_postgresql_backup_restores_to_the_same_ikm(
    server, skm_env, monkeypatch, tmp_path, capsys
):
    url = server.new_database()
    asyncio.run(seed(url))
    monkeypatch.setenv("SKM_DATABASE_URL", url)
    (skm_env / "pseudonym.key").parent.mkdir(parents=True, exist_ok=True)
    assert main(["hapus-data", "--terminal", "nobody"]) == 0  # creates the pseudonym key
    capsys.readouterr()
    assert main(["backup", str(tmp_path / "cadangan")]) == 0
    out = capsys.readouterr().out
    assert "skm.pgdump" in out and "pg_restore can read it" in out
    assert (tmp_path / "cadangan" / "pseudonym.key").exists()
    assert (tmp_path / "cadangan" / "skm.pgdump").stat().st_mode & 0o077 == 0

    restored = server.new_database()
    restore_postgres(tmp_path / "cadangan" / "skm.pgdump", restored)
    before, after = asyncio.run(tally(url)), asyncio.run(tally(restored))
    assert after.respondents == 25
    assert after == before


def test_a_restore_into_a_database_in_use_fails_and_says_why(server, tmp_path):
    url = server.new_database()
    asyncio.run(seed(url))
    dump_postgres(url, tmp_path / "skm.pgdump")
    with pytest.raises(BackupFailed, match="pg_restore"):
        restore_postgres(tmp_path / "skm.pgdump", url)
    assert asyncio.run(tally(url)).respondents == 25
