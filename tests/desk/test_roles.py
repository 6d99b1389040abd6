"""Officials' roles: invitations, registration, the list, removal; and what citizens get."""

import pytest

from skm_core.storage.officials import list_officials
from tests.conversation.chat import Chat
from tests.desk.conftest import enrol

OFFICIAL_COMMANDS = [
    "/tiket", "/tiket kk", "/undang pejabat", "/pejabat", "/hapus 1", "/ringkasan",
    "/ekspor", "/populasi 100", "/rtl", "/aduan", "/jawab 1 baik", "/jadwal", "/daftar XYZ",
]  # fmt: skip


async def test_an_invited_official_registers_with_the_code(admin, engine, db):
    official = await enrol(admin, engine, "pejabat", "camat")
    assert "/ringkasan" in official.text
    assert "/undang" not in official.text
    [row] = [o for o in await list_officials(db) if o.user_key == "camat"]
    assert (row.role, row.address) == ("pejabat", "chat-camat")


async def test_a_code_works_once(admin, engine):
    await admin.type("/undang petugas")
    code = admin.text.split("/daftar ", 1)[1].split()[0]
    first = Chat(engine, channel="telegram", user="loket-1")
    await first.type(f"/daftar {code}")
    second = Chat(engine, channel="telegram", user="loket-2")
    await second.type(f"/daftar {code}")
    assert "terdaftar" not in second.text
    assert "belum menemukan layanan" in second.text  # as any unknown text


async def test_a_code_expires(admin, engine, clock):
    await admin.type("/undang petugas")
    code = admin.text.split("/daftar ", 1)[1].split()[0]
    clock.advance(days=4)
    late = Chat(engine, channel="telegram", user="loket-3")
    await late.type(f"/daftar {code}")
    assert "terdaftar" not in late.text


async def test_invite_needs_a_known_role(admin):
    await admin.type("/undang raja")
    assert "Gunakan: /undang admin" in admin.text


async def test_list_and_remove(admin, engine, db):
    await enrol(admin, engine, "petugas", "loket-1")
    await admin.type("/pejabat")
    assert "petugas loket" in admin.text
    target = next(o.id for o in await list_officials(db) if o.user_key == "loket-1")
    await admin.type(f"/hapus {target}")
    assert "telah dihapus" in admin.text
    await admin.type(f"/hapus {target}")
    assert "Tidak ada pejabat/petugas" in admin.text
    audit = await db.fetch_all("SELECT action FROM audit_log ORDER BY id")
    assert [a for (a,) in audit] == ["official.invite", "official.register", "official.remove"]


async def test_a_removed_petugas_can_no_longer_issue_tickets(admin, engine, db):
    petugas = await enrol(admin, engine, "petugas", "loket-1")
    await petugas.type("/tiket kk")
    assert "Tiket survei" in petugas.text
    target = next(o.id for o in await list_officials(db) if o.user_key == "loket-1")
    await admin.type(f"/hapus {target}")
    await petugas.type("/tiket kk")
    assert "Tiket survei" not in petugas.text


@pytest.mark.parametrize("command", OFFICIAL_COMMANDS)
async def test_a_citizen_gets_nothing_from_any_officials_command(citizen, db, command):
    await citizen.type(command)
    as_officials = citizen.text
    await citizen.type("/tidakada " + command.split(" ", 1)[-1])
    assert citizen.text == as_officials  # the same answer as any unknown command
    counts = await db.fetch_one(
        "SELECT (SELECT COUNT(*) FROM tickets) + (SELECT COUNT(*) FROM invitations)"
        " + (SELECT COUNT(*) FROM officials) + (SELECT COUNT(*) FROM follow_up_plans)"
        " + (SELECT COUNT(*) FROM population_figures)"
        " + (SELECT COUNT(*) FROM audit_log WHERE action != 'official.register_failed')"
    )
    assert counts == (0,)
    # Only a wrong registration code is written down, to lock out whoever guesses codes.
    failed = await db.fetch_all("SELECT actor FROM audit_log")
    assert failed == ([("warga-7",)] if command.startswith("/daftar") else [])


async def test_a_petugas_cannot_read_reports_and_a_pejabat_cannot_invite(admin, engine):
    petugas = await enrol(admin, engine, "petugas", "loket-1")
    await petugas.type("/ringkasan")
    assert "Ringkasan SKM" not in petugas.text
    pejabat = await enrol(admin, engine, "pejabat", "sekcam")
    await pejabat.type("/undang admin")
    assert "Kode undangan" not in pejabat.text


async def test_schedule_defaults_and_changes(admin, engine):
    pejabat = await enrol(admin, engine, "pejabat", "camat")
    await pejabat.type("/jadwal")
    assert pejabat.text.count(": aktif") == 3
    await pejabat.type("/jadwal mingguan mati")
    assert "Mingguan (Senin 08.00, tujuh hari sebelumnya): tidak aktif" in pejabat.text
    await pejabat.type("/jadwal harian aktif")
    assert "Ubah dengan" in pejabat.text


async def test_registering_twice_for_the_same_role_says_so(admin, engine):
    official = await enrol(admin, engine, "pejabat", "camat")
    await admin.type("/undang pejabat")
    code = admin.text.split("/daftar ", 1)[1].split()[0]
    await official.type(f"/daftar {code}")
    assert "sudah terdaftar sebagai pejabat" in official.text


async def test_wrong_codes_lock_the_person_out_for_a_while(admin, engine, db, clock):
    await admin.type("/undang petugas")
    code = admin.text.split("/daftar ", 1)[1].split()[0]
    guesser = Chat(engine, channel="telegram", user="penebak")
    for attempt in range(5):
        await guesser.type(f"/daftar SALAH{attempt}")
        assert "belum menemukan layanan" in guesser.text  # as any unknown text
    await guesser.type(f"/daftar {code}")
    assert "Terlalu banyak percobaan kode pendaftaran yang salah" in guesser.text
    assert "penebak" not in {o.user_key for o in await list_officials(db)}
    actions = await db.fetch_all("SELECT actor, action FROM audit_log WHERE actor = 'penebak'")
    assert [a for _, a in actions] == ["official.register_failed"] * 5 + [
        "official.register_locked"
    ]
    clock.advance(hours=1, seconds=1)
    await guesser.type(f"/daftar {code}")
    assert "terdaftar sebagai petugas" in guesser.text


async def test_the_lockout_is_per_person(admin, engine):
    guesser = Chat(engine, channel="telegram", user="penebak")
    for attempt in range(6):
        await guesser.type(f"/daftar SALAH{attempt}")
    assert "Terlalu banyak percobaan" in guesser.text
    official = await enrol(admin, engine, "petugas", "loket-1")
    assert "terdaftar sebagai petugas" in official.text


async def test_the_last_admin_cannot_be_removed(admin, engine, db):
    [me] = [o for o in await list_officials(db) if o.user_key == "admin-1"]
    await admin.type(f"/hapus {me.id}")
    assert "admin terakhir dan tidak dapat dihapus" in admin.text
    assert me in await list_officials(db)
    await enrol(admin, engine, "admin", "admin-2")
    await admin.type(f"/hapus {me.id}")
    assert "telah dihapus" in admin.text
