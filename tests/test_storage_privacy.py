"""What the database keeps about people: hashed event ids and invitation codes, private files,
answers that can be unlinked from their respondent but never changed."""

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from skm_core.ikm.responses import SurveyResponse
from skm_core.pseudonym import load_or_create_key
from skm_core.storage import Database
from skm_core.storage import database as database_module
from skm_core.storage.conversations import claim_event, forget_events_before
from skm_core.storage.migrations import MIGRATIONS
from skm_core.storage.officials import create_invitation, redeem_invitation
from skm_core.storage.responses import insert_response
from tests.conftest import INTEGRITY_ERRORS

NOW = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
WAMID = "wamid.HBgNNjI4MTMxMTExMjIyMhUCABIYFjNFQjBCNkM3NTQ0MjM0NkUxQjNBAA=="


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_an_event_id_is_kept_hashed_and_still_recognised(db):
    async with db.transaction() as tx:
        assert (await claim_event(tx, "whatsapp", WAMID, "k", NOW))[0]
    async with db.transaction() as tx:
        assert not (await claim_event(tx, "whatsapp", WAMID, "k", NOW))[0]
    [(stored,)] = await db.fetch_all("SELECT event_id FROM processed_events")
    assert WAMID not in stored and "6281311112222" not in stored
    assert len(stored) == 64


async def test_the_same_id_on_another_channel_is_another_event(db):
    async with db.transaction() as tx:
        assert (await claim_event(tx, "whatsapp", "42", "k", NOW))[0]
        assert (await claim_event(tx, "telegram", "42", "k", NOW))[0]


async def test_old_event_ids_are_forgotten(db):
    async with db.transaction() as tx:
        await claim_event(tx, "telegram", "1", "k", NOW - timedelta(days=8))
        await claim_event(tx, "telegram", "2", "k", NOW)
        assert await forget_events_before(tx, NOW - timedelta(days=7)) == 1


async def test_an_upgrade_hashes_the_ids_and_codes_stored_before(tmp_path, monkeypatch):
    path = tmp_path / "skm.sqlite3"
    before = tuple(m for m in MIGRATIONS if m[0] < 9)
    monkeypatch.setattr(database_module, "MIGRATIONS", before)
    async with await Database.open(path) as old, old.transaction() as tx:
        await tx.execute(
            "INSERT INTO processed_events VALUES ('whatsapp', ?, '2025-03-03T01:00:00Z')",
            (WAMID,),
        )
        await tx.execute(
            "INSERT INTO invitations (code, role, created_at, expires_at, created_by)"
            " VALUES ('ABCDEFGH23', 'petugas', '2025-03-03T01:00:00Z', '2099-01-01T00:00:00Z',"
            " 'admin')"
        )
    monkeypatch.setattr(database_module, "MIGRATIONS", MIGRATIONS)
    async with await Database.open(path) as new, new.transaction() as tx:
        # A redelivery of a message processed before the upgrade is still recognised.
        assert not (await claim_event(tx, "whatsapp", WAMID, "k", NOW))[0]
        assert await redeem_invitation(tx, "ABCDEFGH23", NOW, "someone") == "petugas"
        raw = await tx.fetch_all(
            "SELECT event_id FROM processed_events UNION ALL SELECT code FROM invitations"
        )
    assert all(WAMID not in value and "ABCDEFGH23" not in value for (value,) in raw)


async def test_an_invitation_code_is_kept_hashed(db):
    async with db.transaction() as tx:
        await create_invitation(tx, "KODE234567", "pejabat", NOW, NOW + timedelta(days=3), "a")
    [(stored,)] = await db.fetch_all("SELECT code FROM invitations")
    assert "KODE234567" not in stored
    async with db.transaction() as tx:
        assert await redeem_invitation(tx, "KODE23456", NOW, "b") is None
        assert await redeem_invitation(tx, "KODE234567", NOW, "b") == "pejabat"
        assert await redeem_invitation(tx, "KODE234567", NOW, "c") is None


async def test_the_data_directory_and_database_files_are_the_owners_alone(tmp_path):
    data = tmp_path / "data"
    load_or_create_key(data / "pseudonym.key")
    async with await Database.open(data / "skm.sqlite3") as db, db.transaction() as tx:
        await claim_event(tx, "telegram", "1", "k", NOW)
        files = [data / "skm.sqlite3", data / "skm.sqlite3-wal", data / "skm.sqlite3-shm"]
        assert [mode(f) for f in files] == [0o600] * 3
    assert mode(data) == 0o700
    assert mode(data / "pseudonym.key") == 0o600


async def test_an_existing_database_file_is_tightened_its_chosen_folder_left_alone(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "skm.sqlite3").touch(mode=0o644)
    async with await Database.open(data / "skm.sqlite3"):
        pass
    assert (mode(data), mode(data / "skm.sqlite3")) == (0o755, 0o600)


async def test_the_data_directory_is_private_whatever_the_umask(tmp_path):
    previous = os.umask(0o002)
    try:
        async with await Database.open(tmp_path / "a" / "data" / "skm.sqlite3"):
            pass
    finally:
        os.umask(previous)
    assert mode(tmp_path / "a" / "data") == 0o700


async def insert_one(db: Database) -> int:
    async with db.transaction() as tx:
        await insert_response(
            tx,
            SurveyResponse(
                submitted_at=NOW,
                channel="telegram",
                answers=(4,) * 9,
                respondent_key="warga",
                suggestion="Pak Budi di loket 2 ramah",
            ),
        )
    row = await db.fetch_one("SELECT id FROM survey_responses")
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize(
    "change",
    ["u1 = 1", "submitted_at = '2020-01-01T00:00:00Z'", "service_id = 'kk'", "profile = '{}'",
     "respondent_key = 'orang-lain'", "suggestion = 'lain'", "channel = 'import'"],
)  # fmt: skip
async def test_a_stored_answer_is_never_changed(db, change):
    number = await insert_one(db)
    with pytest.raises(INTEGRITY_ERRORS):
        async with db.transaction() as tx:
            await tx.execute(f"UPDATE survey_responses SET {change} WHERE id = ?", (number,))


async def test_a_stored_answer_can_be_unlinked_from_its_respondent(db):
    number = await insert_one(db)
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE survey_responses SET respondent_key = NULL, suggestion = NULL WHERE id = ?",
            (number,),
        )
    assert await db.fetch_one("SELECT respondent_key, suggestion, u1 FROM survey_responses") == (
        None,
        None,
        4,
    )
