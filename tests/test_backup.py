"""`skm backup DEST`: a copy taken while the bot writes restores to a whole, consistent
database that still recognises its people."""

import asyncio
import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.cli import main
from skm_core.ikm.responses import SurveyResponse
from skm_core.pseudonym import Pseudonymizer, load_or_create_key
from skm_core.storage import Database
from skm_core.storage.responses import insert_response

START = datetime(2025, 3, 3, 0, 0, tzinfo=UTC)


def response(number: int, key: str) -> SurveyResponse:
    return SurveyResponse(
        submitted_at=START + timedelta(minutes=number),
        channel="telegram",
        answers=(1 + number % 4,) * 9,
        respondent_key=key,
        service_id="kk",
    )


def count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("SELECT COUNT(*) FROM survey_responses").fetchone()[0])


async def test_a_backup_taken_under_load_restores(skm_env, tmp_path, capsys):
    key = Pseudonymizer(load_or_create_key(skm_env / "pseudonym.key")).user_key("telegram", "501")
    db = await Database.open(skm_env / "skm.sqlite3")
    busy, stop = asyncio.Event(), asyncio.Event()
    written = 0

    async def write_until_stopped() -> None:
        nonlocal written
        while not stop.is_set():
            async with db.transaction() as tx:
                await insert_response(tx, response(written, key))
            written += 1
            if written == 200:
                busy.set()

    writer = asyncio.create_task(write_until_stopped())
    try:
        await busy.wait()
        before = written
        code = await asyncio.to_thread(main, ["backup", str(tmp_path / "cadangan")])
        after = written
    finally:
        stop.set()
        await writer
        await db.close()
    out = capsys.readouterr().out
    assert code == 0, out
    assert "integrity ok" in out
    # Restore: the two files into a fresh data directory, as the README says.
    restored = tmp_path / "pulih"
    restored.mkdir()
    for name in ("skm.sqlite3", "pseudonym.key"):
        shutil.copyfile(tmp_path / "cadangan" / name, restored / name)
    assert not (tmp_path / "cadangan" / "skm.sqlite3-wal").exists()  # one self-contained file
    async with await Database.open(restored / "skm.sqlite3") as again:
        assert await again.fetch_one("PRAGMA integrity_check") == ("ok",)
        counted = await again.fetch_one("SELECT COUNT(*) FROM survey_responses")
        assert counted is not None
        (copied,) = counted
        assert before <= copied <= after + 1
        # The roll-ups were copied in the same snapshot as the responses they count.
        assert await again.fetch_one("SELECT SUM(respondents) FROM response_rollup") == (copied,)
        # Responses are numbered without gaps: a snapshot, not a torn copy.
        assert await again.fetch_one("SELECT MIN(id), MAX(id) FROM survey_responses") == (
            1,
            copied,
        )
        restored_key = load_or_create_key(restored / "pseudonym.key")
        assert await again.fetch_all("SELECT DISTINCT respondent_key FROM survey_responses") == [
            (Pseudonymizer(restored_key).user_key("telegram", "501"),)
        ]


async def test_a_plain_copy_of_the_running_database_misses_what_is_in_the_wal(skm_env, tmp_path):
    load_or_create_key(skm_env / "pseudonym.key")
    async with await Database.open(skm_env / "skm.sqlite3") as db:
        for number in range(20):
            async with db.transaction() as tx:
                await insert_response(tx, response(number, "k"))
        shutil.copyfile(skm_env / "skm.sqlite3", tmp_path / "salinan.sqlite3")
        assert main(["backup", str(tmp_path / "cadangan")]) == 0
    try:
        plain = count(tmp_path / "salinan.sqlite3")
    except sqlite3.OperationalError:
        plain = 0  # not even the tables made it
    assert plain < 20
    assert count(tmp_path / "cadangan" / "skm.sqlite3") == 20


def test_a_backup_is_private_and_never_overwrites_one(skm_env, tmp_path, capsys):
    asyncio.run(create_database(skm_env))
    target = tmp_path / "cadangan"
    assert main(["backup", str(target)]) == 0
    assert {p.name: p.stat().st_mode & 0o777 for p in target.iterdir()} == {
        "skm.sqlite3": 0o600,
        "pseudonym.key": 0o600,
    }
    assert target.stat().st_mode & 0o777 == 0o700
    capsys.readouterr()
    assert main(["backup", str(target)]) == 2
    assert "already holds a backup" in capsys.readouterr().err


async def create_database(data: Path) -> None:
    load_or_create_key(data / "pseudonym.key")
    async with await Database.open(data / "skm.sqlite3"):
        pass


def test_without_a_database_there_is_nothing_to_back_up(skm_env, tmp_path, capsys):
    assert main(["backup", str(tmp_path / "cadangan")]) == 1
    assert "backup failed: no " in capsys.readouterr().err


def test_a_database_without_its_key_is_not_called_a_backup(skm_env, tmp_path, capsys):
    asyncio.run(create_database(skm_env))
    (skm_env / "pseudonym.key").unlink()
    assert main(["backup", str(tmp_path / "cadangan")]) == 1
    assert "no pseudonym key at" in capsys.readouterr().err
    assert list((tmp_path / "cadangan").iterdir()) == []
