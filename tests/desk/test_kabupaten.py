"""The kabupaten's desk: the units side by side, one unit's own summary, invitations into a
unit or the kabupaten, and the scheduled side-by-side once per period per official."""

from datetime import UTC, datetime

import pytest

from skm_core.content import shipped_kabupaten_dir
from skm_core.content.deployment import load_deployment
from skm_core.conversation.engine import Engine
from skm_core.delivery.scheduled import SCHEDULES
from skm_core.desk.kabupaten import KabupatenDesk, queue_kabupaten_reports
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage.officials import add_official, set_subscription
from skm_core.storage.outbox import due_messages
from skm_core.storage.responses import insert_responses
from skm_core.storage.units import KABUPATEN
from tests.conversation.chat import Chat, Clock
from tests.desk.units import REGION, UNITS, WITA, kabupaten_says, unit_contents

WEEKLY, MONTHLY, SEMESTER = SCHEDULES
NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
JOINED = datetime(2026, 10, 1, tzinfo=UTC)
# Every respondent of a unit answers every unsur alike: the units' IKM are 100, 75 and 50.
ANSWERS = {"sangasanga": 3, "anggana": 4, "muara-jawa": 2}


@pytest.fixture
async def desk(db, content):
    for unit, answer in ANSWERS.items():
        async with db.for_unit(unit).transaction() as tx:
            await insert_responses(
                tx,
                [
                    SurveyResponse(
                        submitted_at=datetime(2026, 11, day, 10, tzinfo=WITA),
                        channel="telegram",
                        answers=(answer,) * 9,
                        service_id="kk",
                    )
                    for day in range(1, 11)
                ],
            )
    async with db.for_unit(KABUPATEN).transaction() as tx:
        await add_official(tx, "telegram", "bupati-org", "chat-org", "pejabat", JOINED)
        await add_official(tx, "telegram", "kab-admin", "chat-kab-admin", "admin", JOINED)
    return KabupatenDesk(db, unit_contents(content), REGION, WITA)


async def test_the_units_side_by_side_ranked_by_ikm(db, desk):
    [reply] = await kabupaten_says(db, desk, "/ringkasan bulan lalu", NOW)
    lines = reply.text.splitlines()
    ranked = [line for line in lines if line[:2] in ("1.", "2.", "3.")]
    assert ranked == [
        "1. Kecamatan Anggana: IKM 100,00 — mutu A",
        "2. Kecamatan Sangasanga: IKM 75,00 — mutu C",
        "3. Kecamatan Muara Jawa: IKM 50,00 — mutu D",
    ]
    assert "November 2026" in reply.text
    assert all(len(line) <= 80 for line in lines)


async def test_one_units_summary_is_what_its_own_officials_read(db, desk, content, clock):
    engine = Engine(db.for_unit("anggana"), unit_contents(content)["anggana"], clock=Clock(NOW))
    async with db.for_unit("anggana").transaction() as tx:
        await add_official(tx, "telegram", "camat-anggana", "chat-camat", "pejabat", NOW)
    camat = Chat(engine, channel="telegram", user="camat-anggana")
    await camat.type("/ringkasan bulan lalu")
    theirs = await kabupaten_says(db, desk, "/ringkasan Anggana bulan lalu", NOW)
    assert [r.text for r in theirs] == [r.text for r in camat.last]
    assert "Ringkasan SKM Kecamatan Anggana" in theirs[0].text


async def test_a_unit_named_in_words_of_several(db, desk):
    replies = await kabupaten_says(db, desk, "/ringkasan muara jawa bulan lalu", NOW)
    assert "Ringkasan SKM Kecamatan Muara Jawa" in replies[0].text
    assert "IKM: 50,00" in replies[0].text


async def test_words_that_name_neither_unit_nor_period_are_answered_with_the_usage(db, desk):
    [reply] = await kabupaten_says(db, desk, "/ringkasan samarinda", NOW)
    assert "Gunakan: /ringkasan" in reply.text
    assert "sangasanga, anggana, muara-jawa" in reply.text


async def test_the_export_holds_the_side_by_side_as_workbook_and_csv(db, desk):
    replies = await kabupaten_says(db, desk, "/ekspor bulan lalu", NOW)
    files = [r.attachment for r in replies if r.attachment is not None]
    names = [file.filename for file in files]
    assert names == ["skm-kabupaten-2026-11-01.xlsx", "skm-kabupaten-2026-11-01.csv"]
    csv_text = files[1].data.decode("utf-8-sig")
    rows = [line.split(";") for line in csv_text.splitlines()]
    assert rows[0][:4] == ["Peringkat", "Unit pelayanan", "Responden", "IKM"]
    assert [row[:4] for row in rows[1:]] == [
        ["1", "Kecamatan Anggana", "10", "100,0"],
        ["2", "Kecamatan Sangasanga", "10", "75,0"],
        ["3", "Kecamatan Muara Jawa", "10", "50,0"],
    ]


async def test_a_kabupaten_admin_invites_into_a_unit_or_the_kabupaten(db, desk):
    admin = frozenset({"admin"})
    [into_unit] = await kabupaten_says(db, desk, "/undang pejabat anggana", NOW, "kab-admin", admin)
    assert "pejabat penerima laporan di Kecamatan Anggana" in into_unit.text
    [into_kabupaten] = await kabupaten_says(
        db, desk, "/undang pejabat kabupaten", NOW, "kab-admin", admin
    )
    assert f"{REGION} (seluruh kecamatan)" in into_kabupaten.text
    rows = await db.fetch_all("SELECT unit_id, role FROM invitations ORDER BY created_at, unit_id")
    assert sorted(rows) == sorted([("anggana", "pejabat"), (KABUPATEN, "pejabat")])


@pytest.mark.parametrize("words", ["/undang pejabat", "/undang pejabat samarinda", "/undang raja"])
async def test_an_invitation_must_name_a_role_and_a_unit(db, desk, words):
    [reply] = await kabupaten_says(db, desk, words, NOW, "kab-admin", frozenset({"admin"}))
    assert "Gunakan: /undang PERAN KECAMATAN" in reply.text
    assert await db.fetch_all("SELECT 1 FROM invitations") == []


async def test_a_kabupaten_official_receives_the_three_units_roll_up_once_per_period(db, desk):
    fired = datetime(2026, 12, 1, 9, 0, tzinfo=WITA)
    assert await queue_kabupaten_reports(db, desk, MONTHLY, fired) == 1
    # Fired again (a second process, a restart's catch-up): nothing more.
    assert await queue_kabupaten_reports(db, desk, MONTHLY, fired) == 0
    [message] = await due_messages(db, "telegram", fired)
    assert message.address == "chat-org"
    text = "\n".join(r.text for r in message.replies)
    assert "Laporan Bulanan" in text
    for name in UNITS.values():
        assert name in text
    # The next period is another report.
    assert await queue_kabupaten_reports(db, desk, MONTHLY, datetime(2027, 1, 1, 9, tzinfo=WITA))


async def test_a_kabupaten_official_who_turned_a_report_off_does_not_receive_it(db, desk):
    [org] = await db.for_unit(KABUPATEN).fetch_all(
        "SELECT id FROM officials WHERE user_key = 'bupati-org'"
    )
    async with db.transaction() as tx:
        await set_subscription(tx, int(org[0]), "monthly", False)
    fired = datetime(2026, 12, 1, 9, 0, tzinfo=WITA)
    assert await queue_kabupaten_reports(db, desk, MONTHLY, fired) == 0


async def test_the_scheduled_roll_up_goes_to_the_kabupaten_not_to_a_units_official(db, desk):
    async with db.for_unit("anggana").transaction() as tx:
        await add_official(tx, "telegram", "camat-anggana", "chat-camat", "pejabat", JOINED)
    fired = datetime(2026, 12, 1, 9, 0, tzinfo=WITA)
    await queue_kabupaten_reports(db, desk, MONTHLY, fired)
    addresses = [m.address for m in await due_messages(db, "telegram", fired)]
    assert addresses == ["chat-org"]


async def test_the_desk_of_the_shipped_kabupaten_lists_its_units_in_order(db, desk):
    desk = KabupatenDesk.for_deployment(db, load_deployment(shipped_kabupaten_dir()))
    assert list(desk.units) == ["sangasanga", "anggana", "muara-jawa"]
    assert desk.region == "Kabupaten Kutai Kartanegara"
    [reply] = await kabupaten_says(db, desk, "/ringkasan bulan lalu", NOW)
    assert "1. Kecamatan Anggana: IKM 100,00" in reply.text


async def test_only_a_kabupaten_admin_invites(db, desk):
    assert await kabupaten_says(db, desk, "/undang pejabat anggana", NOW) == []
    assert await db.fetch_all("SELECT 1 FROM invitations") == []
