"""/rtl: follow-up plans for the lowest unsur, then their realisation, as in the unit's report."""

from tests.desk.conftest import enrol


async def test_plan_then_realisation(admin, engine, db, clock):
    pejabat = await enrol(admin, engine, "pejabat", "kasi")
    await pejabat.type(
        "/rtl tambah semester 2 2023; U3; Penambahan petugas di bagian front office PATEN;"
        " semester 1 2024; Camat dan Sekretaris Camat"
    )
    assert (
        "RTL [1] dicatat untuk U3 Waktu Penyelesaian (periode survei Semester II Tahun 2023)"
        in (pejabat.text)
    )
    await pejabat.type("/rtl")
    assert "Penambahan petugas" in pejabat.text
    assert "Status: direncanakan" in pejabat.text
    assert "LEWAT WAKTU" not in pejabat.text  # due on 30 June 2024; it is 3 June
    clock.advance(days=30)
    await pejabat.type("/rtl")
    assert "LEWAT WAKTU" in pejabat.text
    await pejabat.type("/rtl belum 1; Staf Kasubbag Umum diperbantukan ke loket; Keterbatasan SDM")
    assert "belum dilaksanakan" in pejabat.text
    row = await db.fetch_one(
        "SELECT status, realisation, obstacles, due_date FROM follow_up_plans WHERE id = 1"
    )
    assert row == (
        "not_done",
        "Staf Kasubbag Umum diperbantukan ke loket",
        "Keterbatasan SDM",
        "2024-06-30",
    )
    await pejabat.type("/rtl sudah 1; Pelatihan service excellent diikuti")
    await pejabat.type("/rtl")
    assert "sudah dilaksanakan" in pejabat.text
    assert "LEWAT WAKTU" not in pejabat.text


async def test_a_plan_with_a_date_target_is_overdue_only_after_it(admin, engine, clock):
    pejabat = await enrol(admin, engine, "pejabat", "kasi")
    await pejabat.type("/rtl tambah bulan ini; U1; Brosur persyaratan; 2024-06-30; Kasi Pelum")
    await pejabat.type("/rtl")
    assert "LEWAT WAKTU" not in pejabat.text
    clock.advance(days=40)
    await pejabat.type("/rtl")
    assert "LEWAT WAKTU" in pejabat.text


async def test_invalid_plans_say_why(admin, engine, db):
    pejabat = await enrol(admin, engine, "pejabat", "kasi")
    cases = {
        "/rtl tambah bulan ini; U3; kurang isian": "jumlah isian tidak sesuai",
        "/rtl tambah kemarin dulu; U3; a; b; c": "periode survei tidak dikenali",
        "/rtl tambah bulan ini; U10; a; b; c": "unsur harus U1 sampai U9",
        "/rtl tambah bulan ini; U3; ; b; c": "wajib diisi",
        "/rtl sudah 99; apa": "nomor RTL tidak ditemukan",
    }
    for command, reason in cases.items():
        await pejabat.type(command)
        assert reason in pejabat.text, command
    assert await db.fetch_one("SELECT COUNT(*) FROM follow_up_plans") == (0,)


async def test_an_unfinished_plan_is_carried_forward_as_the_units_rencana_lanjutan(
    admin, engine, db
):
    pejabat = await enrol(admin, engine, "pejabat", "kasi")
    await pejabat.type(
        "/rtl tambah semester 2 2023; U3; Pelatihan Petugas Paten; semester 2 2024; Camat"
    )
    await pejabat.type("/rtl belum 1; ; Tidak ada anggaran")
    await pejabat.type(
        "/rtl lanjut 1; Pelatihan Service Excellent; Semester 1 Tahun 2025;"
        " Bagian Organisasi Kabupaten"
    )
    assert "RTL [1] dilanjutkan dengan target Semester 1 Tahun 2025." in pejabat.text
    row = await db.fetch_one(
        "SELECT strategy, next_target, stakeholder, target FROM follow_up_plans WHERE id = 1"
    )
    assert row == (
        "Pelatihan Service Excellent",
        "Semester 1 Tahun 2025",
        "Bagian Organisasi Kabupaten",
        "semester 2 2024",
    )


async def test_carrying_forward_needs_every_field(admin, engine):
    pejabat = await enrol(admin, engine, "pejabat", "kasi")
    await pejabat.type("/rtl tambah bulan ini; U1; Brosur persyaratan; 2024-06-30; Kasi Pelum")
    cases = {
        "/rtl lanjut 9; a; b; c": "nomor RTL tidak ditemukan",
        "/rtl lanjut 1; a; b": "jumlah isian tidak sesuai",
        "/rtl lanjut 1; a; ; c": "strategi, target waktu, dan stakeholder wajib diisi",
    }
    for command, reason in cases.items():
        await pejabat.type(command)
        assert reason in pejabat.text, command
