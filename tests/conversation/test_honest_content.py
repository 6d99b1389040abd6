"""Content people can trust: decree names, lawful requirements, caveats where unconfirmed."""

import pytest

from skm_core.content import Content
from skm_core.conversation.screens import Screens
from skm_core.conversation.state import Section
from tests.conversation.chat import CHANNEL_PROFILES, Chat

DECREE_NAMES = {  # Keputusan Camat P-028/KEC.SS/SPPK/Pelum/10/2023, diktum KEDUA
    "kk": "Pelayanan Pembuatan Kartu Keluarga",
    "ktp-el": "Pelayanan Rekam dan Cetak E-KTP",
    "ikd": "Pelayanan Aktivasi IKD (Identitas Kependudukan Digital)",
    "pindah": "Pelayanan Surat Keterangan Pindah",
    "skpt": "Pelayanan Penerbitan SKPT",
    "ahli-waris": "Pelayanan Legalisasi Ahli Waris",
    "kematian": "Pelayanan Legalisasi Surat Keterangan Kematian",
    "skck": "Pelayanan Legalisasi SKCK",
    "keramaian": "Pelayanan Ijin Keramaian",
    "rekom-nelayan-petani-ternak": "Pelayanan Rekomendasi Nelayan, Petani dan Ternak",
    "rekom-bantuan": "Pelayanan Rekomendasi Permohonan Bantuan",
    "sktm": "Pelayanan Legalisasi Surat Keterangan Tidak Mampu",
    "ak1": "Pelayanan Penerbitan AK.1 (Pengantar Kerja)",
    "dispensasi-nikah": "Pelayanan Surat Dispensasi Nikah",
    "bansos-hibah": "Pelayanan Rekomendasi Bansos dan Hibah",
    "legalisir": "Pelayanan Legalisir Dokumen",
}


def test_service_names_are_the_decrees(content: Content):
    assert {s.id: s.name for s in content.services} == DECREE_NAMES


@pytest.mark.parametrize("channel", sorted(CHANNEL_PROFILES))
def test_a_services_first_screen_fits_on_a_phone(content: Content, channel):
    screens = Screens(content)
    for service in content.services:
        view = screens.service(
            service, Section.REQUIREMENTS, None, CHANNEL_PROFILES[channel].max_options
        )
        assert len(view.text) <= 1000, service.id
        limit = CHANNEL_PROFILES[channel].max_options
        assert limit is None or len(view.options) <= limit, service.id


@pytest.mark.parametrize("service_id", ["kk", "ktp-el", "pindah"])
def test_adminduk_services_ask_for_no_rt_or_kelurahan_letter(content: Content, service_id):
    # Perpres 96/2018 and Permendagri 108/2019 removed the surat pengantar RT/RW.
    service = content.service(service_id)
    assert service is not None
    asked = [*service.requirements, *(r for case in service.cases for r in case.requirements)]
    assert not [item for item in asked if "pengantar" in item.casefold()]
    assert any("96 Tahun 2018" in source for source in service.sources)


async def test_kk_requirements_are_split_by_case(chat: Chat):
    await chat.type("syarat kk")
    assert "Persyaratan lainnya bergantung pada keperluan" in chat.text
    assert {"Keluarga baru (baru menikah)", "KK hilang atau rusak"} <= set(chat.labels)
    await chat.choose("KK hilang atau rusak")
    assert "Persyaratan — KK hilang atau rusak:" in chat.text
    assert "Surat keterangan kehilangan dari kepolisian" in chat.text
    assert "Buku nikah" not in chat.text
    await chat.choose("Kembali")
    assert "Persyaratan lainnya bergantung pada keperluan" in chat.text


async def test_one_short_caveat_with_the_phone_where_something_is_unconfirmed(chat: Chat):
    caveat = "belum dikonfirmasi kantor; mohon pastikan ke (0541) 671505"
    await chat.type("menu")
    await chat.choose("Kontak & pengaduan")
    assert chat.text.count(caveat) == 1
    await chat.type("syarat sktm")
    assert chat.text.count(caveat) == 1
    await chat.choose("Tempat & jam layanan")
    assert chat.text.count(caveat) == 1
    await chat.type("menu")
    await chat.choose("Alur pelayanan")  # the SOP PATEN is the unit's own document
    assert caveat not in chat.text
