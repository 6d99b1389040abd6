"""Officials in a deployment of several units: each works in their own unit, and what reaches
them (complaints, scheduled reports) is their unit's."""

from datetime import UTC, datetime, timedelta

import pytest

from skm_core.content import Content
from skm_core.conversation.engine import Engine
from skm_core.delivery.scheduled import SCHEDULES
from skm_core.storage import Database
from skm_core.storage.complaints import Complaint, open_complaints
from skm_core.storage.officials import add_official, create_invitation
from skm_core.storage.units import official_unit
from skm_core.tickets import unit_payload
from tests.conversation.chat import Chat, Clock
from tests.conversation.test_units import units_engine


@pytest.fixture
def engine(db: Database, content: Content, clock: Clock) -> Engine:
    return units_engine(db, content, clock)


async def appoint(db: Database, unit: str, user: str, role: str, clock: Clock) -> None:
    async with db.for_unit(unit).transaction() as tx:
        await add_official(tx, "telegram", user, f"chat-{user}", role, clock.now, added_by="test")


async def complaints_in(db: Database, unit: str) -> list[Complaint]:
    async with db.for_unit(unit).transaction() as tx:
        return await open_complaints(tx)


async def queued_to(db: Database) -> list[str]:
    rows = await db.fetch_all("SELECT address FROM outbox ORDER BY id")
    return [str(address) for (address,) in rows]


async def test_a_complaint_in_a_unit_reaches_that_units_pejabat_only(
    engine: Engine, db: Database, clock: Clock
) -> None:
    await appoint(db, "sangasanga", "camat-ss", "pejabat", clock)
    await appoint(db, "anggana", "camat-ag", "pejabat", clock)
    citizen = Chat(engine, channel="telegram", user="warga-9")
    await citizen.start(unit_payload("anggana"))
    await citizen.choose("Kontak & pengaduan")
    await citizen.choose("Kirim pengaduan")
    await citizen.type("Petugas loket tidak ada di tempat pukul 10 pagi")
    await citizen.choose("Kirim")
    assert "telah kami terima" in citizen.text
    assert await queued_to(db) == ["chat-camat-ag"]
    assert len(await complaints_in(db, "anggana")) == 1
    assert await complaints_in(db, "sangasanga") == []


async def test_an_officials_ticket_is_issued_in_their_unit_and_opens_its_survey(
    engine: Engine, db: Database, clock: Clock
) -> None:
    await appoint(db, "muara-jawa", "loket-mj", "petugas", clock)
    counter = Chat(engine, channel="telegram", user="loket-mj")
    await counter.type("/tiket sktm")
    token = counter.text.split("start=", 1)[1].split()[0] if "start=" in counter.text else None
    [(unit, stored)] = await db.fetch_all("SELECT unit_id, token FROM tickets")
    assert unit == "muara-jawa"
    assert token in (None, stored)
    citizen = Chat(engine, channel="telegram", user="warga-3")
    await citizen.start(str(stored))
    assert "Survei Kepuasan Masyarakat Kecamatan Muara Jawa" in citizen.text


async def test_an_official_of_one_unit_is_a_citizen_elsewhere(
    engine: Engine, db: Database, clock: Clock
) -> None:
    await appoint(db, "anggana", "camat-ag", "pejabat", clock)
    official = Chat(engine, channel="telegram", user="camat-ag")
    await official.type("/ringkasan")
    assert "Kecamatan Anggana" in official.text
    assert "Kecamatan Sangasanga" not in official.text
    stranger = Chat(engine, channel="telegram", user="camat-palsu")
    await stranger.type("/ringkasan")
    assert "pilih kecamatan" in stranger.text


async def test_scheduled_reports_go_to_each_units_officials_with_its_summary(
    engine: Engine, db: Database, clock: Clock
) -> None:
    await appoint(db, "sangasanga", "camat-ss", "pejabat", clock)
    await appoint(db, "anggana", "camat-ag", "pejabat", clock)
    weekly = next(s for s in SCHEDULES if s.kind == "weekly")
    now = datetime(2024, 6, 10, 2, 0, tzinfo=UTC)
    assert await engine.queue_reports(weekly, now) == 2
    rows = await db.fetch_all("SELECT address, payload FROM outbox ORDER BY address")
    by_address = {str(address): str(payload) for address, payload in rows}
    assert "Kecamatan Anggana" in by_address["chat-camat-ag"]
    assert "Kecamatan Sangasanga" in by_address["chat-camat-ss"]
    assert "Kecamatan Anggana" not in by_address["chat-camat-ss"]


async def test_an_invited_official_registers_into_the_unit_the_invitation_names(
    engine: Engine, db: Database, clock: Clock
) -> None:
    async with db.for_unit("anggana").transaction() as tx:
        await create_invitation(
            tx, "AB12CD34", "pejabat", clock.now, clock.now + timedelta(days=1), "admin"
        )
    official = Chat(engine, channel="telegram", user="sekcam-ag")
    await official.type("/daftar AB12CD34")
    assert "terdaftar sebagai" in official.text
    assert await official_unit(db, "telegram", "sekcam-ag") == "anggana"
    await official.type("/ringkasan")
    assert "Kecamatan Anggana" in official.text
