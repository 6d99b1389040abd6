"""What the kecamatan does not serve is answered with where it is served, never "not found"."""

import pytest


@pytest.mark.parametrize(
    ("typed", "where"),
    [
        ("akta lahir", "Disdukcapil"),
        ("syarat akte kelahiran anak", "Disdukcapil"),
        ("akta kematian", "Disdukcapil"),
        ("kia", "Disdukcapil"),
        ("surat domisili", "kelurahan atau desa"),
        ("surat keterangan usaha", "kelurahan atau desa"),
        ("mau nikah", "KUA"),
        ("bikin paspor", "Kantor Imigrasi"),
        ("perpanjang sim", "Polres"),
    ],
)
async def test_a_referral_says_where_to_go(chat, typed, where):
    await chat.start()
    await chat.type(typed)
    assert "tidak dilayani di Kecamatan Sangasanga" in chat.text
    assert where in chat.text
    assert "belum menemukan layanan" not in chat.text


async def test_a_referral_offers_the_units_own_related_service(chat):
    await chat.type("mau nikah")
    assert chat.labels[0] == "Dispensasi Nikah"
    await chat.choose("Dispensasi Nikah")
    assert "Persyaratan" in chat.text


@pytest.mark.parametrize("typed", ["dispensasi nikah", "pengantar skck", "surat kematian"])
async def test_the_units_own_services_still_answer_first(chat, typed):
    await chat.type(typed)
    assert "tidak dilayani" not in chat.text
    assert "Persyaratan" in chat.text
