"""Officials belong to a unit: invitations name it, redeeming one registers the person in it
wherever they redeem it, the welcome names it, and a person is an official of one unit only."""

from datetime import UTC, datetime, timedelta

import pytest

from skm_core.content import Content
from skm_core.desk import OfficialDesk
from skm_core.desk.kabupaten import KabupatenDesk
from skm_core.search import ServiceSearch
from skm_core.storage import Database
from skm_core.storage.officials import add_official
from skm_core.storage.units import KABUPATEN, official_unit
from tests.desk.units import REGION, UNITS, WITA, desk_says, kabupaten_says, unit_contents

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
ADMIN = frozenset({"admin"})
NAMES = {**UNITS, KABUPATEN: f"{REGION} (seluruh kecamatan)"}


def unit_desk(db: Database, content: Content, unit: str) -> OfficialDesk:
    """A unit's desk as the engine builds it in a deployment of several units."""
    own = unit_contents(content)[unit]
    search = ServiceSearch(own.services, own.search, own.referrals)
    return OfficialDesk(db.for_unit(unit), own, search, WITA, timedelta(days=7), unit_names=NAMES)


@pytest.fixture
async def kabupaten(db: Database, content: Content) -> KabupatenDesk:
    async with db.for_unit(KABUPATEN).transaction() as tx:
        await add_official(tx, "telegram", "kab-admin", "chat-kab-admin", "admin", NOW)
    return KabupatenDesk(db, unit_contents(content), REGION, WITA)


def code_in(text: str) -> str:
    return text.split("/daftar ", 1)[1].split()[0]


async def test_a_units_admin_invites_into_their_own_unit(db, content):
    desk = unit_desk(db, content, "anggana")
    [reply] = await desk_says(db.for_unit("anggana"), desk, "/undang pejabat", NOW, "adm", ADMIN)
    assert "pejabat penerima laporan di Kecamatan Anggana" in reply.text
    assert await db.fetch_all("SELECT unit_id FROM invitations") == [("anggana",)]


async def test_a_code_registers_its_unit_whichever_units_conversation_it_is_sent_in(
    db, content, kabupaten
):
    [invited] = await kabupaten_says(
        db, kabupaten, "/undang pejabat muara jawa", NOW, "kab-admin", ADMIN
    )
    # The Camat first talked to the bot about Sangasanga's services.
    elsewhere = unit_desk(db, content, "sangasanga")
    [welcome] = await desk_says(
        db.for_unit("sangasanga"), elsewhere, f"/daftar {code_in(invited.text)}", NOW, "camat"
    )
    assert "terdaftar sebagai pejabat penerima laporan di Kecamatan Muara Jawa" in welcome.text
    assert await official_unit(db, "telegram", "camat") == "muara-jawa"


async def test_the_kabupaten_admin_invites_into_the_kabupaten(db, content, kabupaten):
    [invited] = await kabupaten_says(
        db, kabupaten, "/undang pejabat kabupaten", NOW, "kab-admin", ADMIN
    )
    desk = unit_desk(db, content, "anggana")
    [welcome] = await desk_says(
        db.for_unit("anggana"), desk, f"/daftar {code_in(invited.text)}", NOW, "bagian-org"
    )
    assert f"di {REGION} (seluruh kecamatan)" in welcome.text
    assert await official_unit(db, "telegram", "bagian-org") == KABUPATEN


async def test_an_official_of_one_unit_is_told_a_code_of_another_is_not_for_them(
    db, content, kabupaten
):
    async with db.for_unit("sangasanga").transaction() as tx:
        await add_official(tx, "telegram", "kasi", "chat-kasi", "petugas", NOW)
    [invited] = await kabupaten_says(
        db, kabupaten, "/undang pejabat anggana", NOW, "kab-admin", ADMIN
    )
    code = code_in(invited.text)
    desk = unit_desk(db, content, "sangasanga")
    [refused] = await desk_says(
        db.for_unit("sangasanga"), desk, f"/daftar {code}", NOW, "kasi", frozenset({"petugas"})
    )
    assert "sudah terdaftar di Kecamatan Sangasanga" in refused.text
    assert "Satu orang hanya dapat terdaftar di satu unit" in refused.text
    assert await official_unit(db, "telegram", "kasi") == "sangasanga"
    # The code stays valid for whom it was meant.
    [welcome] = await desk_says(db.for_unit("anggana"), desk, f"/daftar {code}", NOW, "camat")
    assert "Kecamatan Anggana" in welcome.text


async def test_the_officials_list_shows_only_the_units_officials(db, content):
    for unit in UNITS:
        async with db.for_unit(unit).transaction() as tx:
            await add_official(tx, "telegram", f"camat-{unit}", f"chat-{unit}", "pejabat", NOW)
    desk = unit_desk(db, content, "anggana")
    [listing] = await desk_says(db.for_unit("anggana"), desk, "/pejabat", NOW, "adm", ADMIN)
    assert listing.text.count("pejabat penerima laporan") == 1
    [own_id] = await db.fetch_all("SELECT id FROM officials WHERE unit_id = 'anggana'")
    assert f"[{own_id[0]}]" in listing.text
    others = await db.fetch_all("SELECT id FROM officials WHERE unit_id != 'anggana'")
    # Removing another unit's official by their number finds no one.
    [refused] = await desk_says(
        db.for_unit("anggana"), desk, f"/hapus {others[0][0]}", NOW, "adm", ADMIN
    )
    assert "Tidak ada pejabat/petugas" in refused.text
