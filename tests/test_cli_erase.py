"""`skm hapus-data`: what the unit holds about one person is erased on request; the anonymous
answers stay and still count."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from skm_core.conversation.messages import Reply
from skm_core.ikm.responses import SurveyResponse
from skm_core.pseudonym import Pseudonymizer, load_or_create_key
from skm_core.storage import Database
from skm_core.storage.complaints import add_complaint
from skm_core.storage.conversations import save_state
from skm_core.storage.officials import add_official
from skm_core.storage.outbox import enqueue, record_inbound
from skm_core.storage.responses import insert_response, tally_responses

NOW = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
SITI = ("telegram", "501")
BUDI = ("whatsapp", "6281311112222")


def key_of(data: Path, channel: str, identity: str) -> str:
    return Pseudonymizer(load_or_create_key(data / "pseudonym.key")).user_key(channel, identity)


async def leave_traces(data: Path, channel: str, identity: str, official: bool = False) -> None:
    key = key_of(data, channel, identity)
    async with await Database.open(data / "skm.sqlite3") as db, db.transaction() as tx:
        await insert_response(
            tx,
            SurveyResponse(
                submitted_at=NOW,
                channel=channel,
                answers=(3,) * 9,
                respondent_key=key,
                suggestion=f"saya {identity}, loket lambat",
            ),
        )
        await save_state(tx, channel, key, '{"survey": null}', NOW)
        await record_inbound(tx, channel, key, NOW)
        await add_complaint(tx, channel, key, identity, "complaint", "antre lama", NOW)
        await enqueue(tx, channel, identity, [Reply("jawaban untuk Anda")], NOW)
        if official:
            await add_official(tx, channel, key, identity, "pejabat", NOW, name="Siti")


async def everything(data: Path) -> str:
    """Every row of every table, as text, to search for what identifies someone."""
    async with await Database.open(data / "skm.sqlite3") as db:
        tables = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
        rows = [await db.fetch_all(f"SELECT * FROM {name}") for (name,) in tables]
    return repr(rows)


def erase(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["hapus-data", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_person_is_erased_and_their_answers_stay_anonymous(skm_env, capsys):
    asyncio.run(leave_traces(skm_env, *SITI, official=True))
    asyncio.run(leave_traces(skm_env, *BUDI))
    siti, budi = key_of(skm_env, *SITI), key_of(skm_env, *BUDI)
    code, out, err = erase(capsys, "--telegram", "501")
    assert (code, err) == (0, "")
    assert out.startswith("Data telegram 501 telah dihapus: 1 jawaban survei dilepaskan")
    assert "1 peran pejabat/petugas" in out
    stored = asyncio.run(everything(skm_env))
    assert siti not in stored and "saya 501" not in stored and "'501'" not in stored
    # The other person's data is untouched, and both answers still count.
    assert budi in stored and "saya 6281311112222" in stored

    async def respondents() -> int:
        async with await Database.open(skm_env / "skm.sqlite3") as db:
            return (await tally_responses(db)).respondents

    assert asyncio.run(respondents()) == 2
    # Not left behind in the file's free pages either.
    raw = b"".join(p.read_bytes() for p in skm_env.iterdir() if p.name.startswith("skm.sqlite3"))
    assert b"saya 501" not in raw and siti.encode() not in raw


def test_a_whatsapp_number_may_be_given_with_a_plus(skm_env, capsys):
    asyncio.run(leave_traces(skm_env, *BUDI))
    code, out, _ = erase(capsys, "--whatsapp", "+6281311112222")
    assert code == 0 and "telah dihapus" in out
    assert "6281311112222" not in asyncio.run(everything(skm_env))


def test_erasing_someone_unknown_says_so(skm_env, capsys):
    code, out, _ = erase(capsys, "--telegram", "999")
    assert (code, out) == (0, "Tidak ada data tentang telegram 999 yang tersimpan.\n")


@pytest.mark.parametrize(
    "args",
    [[], ["--telegram", "abc"], ["--whatsapp", "0812345678"], ["--whatsapp", "62 812"],
     ["--telegram", "1", "--whatsapp", "6281311112222"]],
)  # fmt: skip
def test_a_wrong_person_is_an_input_error(skm_env, capsys, args):
    with pytest.raises(SystemExit) as exited:
        main(["hapus-data", *args])
    assert exited.value.code == 2
