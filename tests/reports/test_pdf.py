"""The printed report: its wording (from the document it is laid out from) and the PDF itself."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from PIL import Image

from skm_core.reports.chart import summary_chart_png
from skm_core.reports.document import Picture, Table, duration_text, report_document
from skm_core.reports.pdf import summary_pdf
from skm_core.reports.summary import build_summary
from skm_core.storage.followup import carry_forward
from tests.reports.sample_data import NOW, PERIOD, SECRET_KEY_PREFIX, WITA


def table_titled(document, words: str) -> Table:
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, Table) and words in block.caption:
                return block
    raise AssertionError(f"no table {words!r}")


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_document_has_the_chapters_of_an_skm_report(summary_document):
    headings = [s.heading for s in summary_document.sections]
    assert headings == [
        "BAB I PENDAHULUAN",
        "BAB II METODE",
        "BAB III HASIL",
        "BAB IV ANALISIS",
        "BAB V KESIMPULAN DAN RENCANA TINDAK LANJUT",
        "LAMPIRAN",
    ]
    text = summary_document.text()
    for sub in ("1.1 Latar Belakang", "1.2 Dasar Hukum", "1.3 Maksud dan Tujuan"):
        assert sub in text
    for sub in ("2.3 Populasi dan Sampel", "2.4 Waktu dan Tempat", "2.5 Cara Pengumpulan Data"):
        assert sub in text
    assert "Lampiran 1. Kuesioner" in text
    captions = [
        b.caption for s in summary_document.sections for b in s.blocks if isinstance(b, Table)
    ]
    assert captions[0] == "Tabel 1. Unsur Pelayanan yang Dinilai"
    assert "Tabel 2. Nilai Interval, Mutu Pelayanan, dan Kinerja Unit Pelayanan" in captions


def test_cover_has_the_kop_and_the_period(summary_document):
    cover = summary_document.cover
    assert cover.kop[:2] == ("PEMERINTAH KABUPATEN KUTAI KARTANEGARA", "KECAMATAN SANGASANGA")
    assert cover.title == "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT"
    assert cover.lines == ("Kecamatan Sangasanga", "Periode November 2026", "TAHUN 2026")


def test_pengesahan_leaves_lines_to_sign_without_a_signatory(summary_document):
    approval = summary_document.approval
    assert approval.place_date == "Sangasanga, 5 Desember 2026"
    assert approval.position == "Camat Sangasanga"
    assert approval.name.startswith("(....")
    assert approval.nip.startswith("NIP. ....")


async def test_pengesahan_names_the_signatory_from_content(summary, content):
    signer = content.report.document.signatory.model_copy(
        update={"name": "Dra. Contoh Nama", "rank": "Pembina (IV/a)", "nip": "197001011990032001"}
    )
    words = content.report.document.model_copy(update={"signatory": signer})
    changed = replace(content, report=content.report.model_copy(update={"document": words}))
    approval = report_document(summary, changed, None).approval
    assert (approval.name, approval.rank, approval.nip) == (
        "Dra. Contoh Nama",
        "Pembina (IV/a)",
        "NIP. 197001011990032001",
    )


def test_method_shows_the_interval_table_of_the_regulation(summary_document):
    table = table_titled(summary_document, "Nilai Interval")
    assert table.rows == (
        ("1,00 – 2,5996", "25,00 – 64,99", "D", "Tidak Baik"),
        ("2,60 – 3,064", "65,00 – 76,60", "C", "Kurang Baik"),
        ("3,0644 – 3,532", "76,61 – 88,30", "B", "Baik"),
        ("3,5324 – 4,00", "88,31 – 100,00", "A", "Sangat Baik"),
    )
    text = summary_document.text()
    assert "Peraturan Menteri PANRB Nomor 14 Tahun 2017" in text
    assert "Krejcie dan Morgan adalah 11 responden" in text
    assert "belum memenuhi sampel minimum (kurang 3 responden)" in text


def test_unsur_table_and_ikm_in_indonesian_numbers(summary_document):
    table = table_titled(summary_document, "Ringkasan Hasil SKM")
    assert table.headings == ("No", "Unsur", "NRR", "NRR × 25", "Mutu", "Kinerja")
    assert table.rows[2] == ("U3", "Waktu Penyelesaian", "2,88", "71,88", "C", "Kurang Baik")
    assert table.rows[7][2:4] == ("3,57", "89,29")  # 25/7, not rounded before multiplying
    text = summary_document.text()
    assert "Nilai IKM: 88,39, mutu pelayanan A (Sangat Baik)." in text
    assert "(Oktober 2026, IKM 81,94), IKM naik 6,45 poin." in text


def test_the_three_lowest_unsur_ties_in_unsur_order(summary_document):
    text = summary_document.text()
    assert (
        "1. U3 Waktu Penyelesaian: NRR 2,88, mutu C (Kurang Baik)\n"
        "2. U2 Sistem, Mekanisme, dan Prosedur: NRR 3,25, mutu B (Baik)\n"
        "3. U9 Sarana dan Prasarana: NRR 3,25, mutu B (Baik)"
    ) in text


def test_plans_follow_tables_2_and_3_of_the_units_report(summary_document):
    rtl = table_titled(summary_document, "Rencana Tindak Lanjut Pelaksanaan SKM")
    assert rtl.headings == (
        "No",
        "Prioritas Unsur",
        "Rencana Tindak Lanjut/Program/Kegiatan",
        "Waktu",
        "Penanggung Jawab",
    )
    assert [row[:2] for row in rtl.rows] == [
        ("1", "U3 Waktu Penyelesaian"),
        ("1", "U3 Waktu Penyelesaian"),
        ("2", "U2 Sistem, Mekanisme, dan Prosedur"),
    ]
    assert rtl.grouped == 2
    done = table_titled(summary_document, "Realisasi")
    assert done.headings[2] == "Apakah RTL Telah Ditindaklanjuti (Sudah/Belum)"
    assert [row[2] for row in done.rows] == ["Belum", "Sudah", "Belum"]
    text = summary_document.text()
    # October's plan is the previous period's RTL: its realisation, and carried forward.
    assert "Realisasi rencana tindak lanjut hasil survei periode Oktober 2026:" in text
    assert "1 | U9 Menambah kursi ruang tunggu | – | November 2026 | Kasubbag Umum | –" in text
    # Open plans of every period count, and October's U9 plan is past its due date.
    assert "(seluruh periode) berjumlah 3, dan 1 di antaranya telah melewati" in text


def test_every_suggestion_is_in_the_appendix_and_anonymous(summary_document, summary):
    table = table_titled(summary_document, "Seluruh Saran")
    assert table.headings == ("No", "Tanggal", "Layanan", "Saran")
    assert len(table.rows) == summary.suggestion_total == 5
    assert table.rows[0][1] == "2 November 2026"
    assert SECRET_KEY_PREFIX not in summary_document.text()


def test_suggestions_are_grouped_by_unsur(summary_document):
    table = table_titled(summary_document, "Saran menurut Unsur")
    assert [row[:2] for row in table.rows] == [
        ("U3 Waktu Penyelesaian", "2"),
        ("U7 Perilaku Pelaksana", "1"),
        ("U9 Sarana dan Prasarana", "1"),
        ("Lainnya", "1"),
    ]


def test_no_sentence_counts_nothing_of_nothing(content):
    words = content.report.document
    assert "di antaranya" not in words.plans_open
    assert "{overdue}" not in words.plans_none_open + words.plans_open


async def test_the_chart_is_a_figure_only_when_given(summary, content):
    without = report_document(summary, content, None)
    assert not [b for s in without.sections for b in s.blocks if isinstance(b, Picture)]


async def test_pdf_is_a4_with_embedded_dejavu_and_no_respondent_key(summary, content):
    pdf = summary_pdf(summary, content, summary_chart_png(summary, content))
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert re.search(rb"/MediaBox \[0(\.00)? 0(\.00)? 595\.28 841\.89\]", pdf)
    assert b"DejaVuSans" in pdf
    assert page_count(pdf) >= 3
    # The words themselves are checked on the document; the file adds nothing of its own.
    assert SECRET_KEY_PREFIX.encode() not in pdf


async def test_the_same_summary_gives_the_same_pdf(summary, content):
    assert summary_pdf(summary, content, None) == summary_pdf(summary, content, None)


async def test_a_period_without_responses_still_gets_a_report(empty_summary, content):
    document = report_document(empty_summary, content, None)
    text = document.text()
    assert "Jumlah responden pada periode ini: 0 orang." in text
    assert "Belum ada tanggapan survei pada periode ini." in text
    assert "Nilai IKM periode ini belum dapat dihitung" in text
    assert "belum tercatat, sehingga kecukupan sampel belum dapat dinilai" in text
    assert "Belum ada rencana tindak lanjut untuk periode ini." in text
    pdf = summary_pdf(empty_summary, content, summary_chart_png(empty_summary, content))
    assert pdf.startswith(b"%PDF-")


async def test_responses_with_an_unsur_nobody_answered_explain_the_missing_ikm(
    content, summary_without_ikm
):
    summary = summary_without_ikm
    assert summary.respondents == 1
    assert summary.result is None
    text = report_document(summary, content, None).text()
    assert content.report.incomplete in text
    assert summary_pdf(summary, content, None).startswith(b"%PDF-")


async def test_a_chart_picture_keeps_its_png(summary, content):
    png = summary_chart_png(summary, content)
    document = report_document(summary, content, png)
    [picture] = [b for s in document.sections for b in s.blocks if isinstance(b, Picture)]
    assert picture.png == png
    assert picture.caption == "Gambar 1. NRR per Unsur dan Perkembangan IKM"


async def test_a_small_sample_is_marked_and_not_graded(summary, content):
    table = table_titled(report_document(summary, content, None), "IKM per Jenis Layanan")
    kk = next(row for row in table.rows if row[1] == "Pelayanan Pembuatan Kartu Keluarga")
    assert kk[2:] == ("3", "88,89*", "–", "–")
    assert "kurang dari 10 orang (sampel kecil)" in report_document(summary, content, None).text()
    enough = replace(summary, small_sample=3)
    table = table_titled(report_document(enough, content, None), "IKM per Jenis Layanan")
    kk = next(row for row in table.rows if row[1] == "Pelayanan Pembuatan Kartu Keluarga")
    assert kk[2:] == ("3", "88,89", "A", "Sangat Baik")


async def test_the_kop_carries_the_units_logo_when_content_has_one(summary, content, tmp_path):
    logo = tmp_path / "logo.png"
    image = Image.new("RGB", (40, 48), (200, 30, 30))
    image.save(logo)
    words = content.report.document.model_copy(update={"logo": "logo.png"})
    with_logo = replace(
        content,
        directory=tmp_path,
        report=content.report.model_copy(update={"document": words}),
    )
    document = report_document(summary, with_logo, None)
    assert document.cover.logo == logo.read_bytes()
    assert b"/Subtype /Image" in summary_pdf(summary, with_logo, None)
    assert b"/Subtype /Image" not in summary_pdf(summary, content, None)


async def test_a_carried_forward_plan_shows_its_strategy_target_and_stakeholder(
    db, summary, content
):
    october_plan = summary.carried_plans[0]
    async with db.transaction() as tx:
        await carry_forward(
            tx, october_plan.id, "Pengadaan kursi melalui anggaran perubahan",
            "Triwulan I 2027", "Bagian Umum Kabupaten", summary.generated_at, "camat",
        )  # fmt: skip
    again = await build_summary(db, content, PERIOD, NOW, WITA)
    text = report_document(again, content, None).text()
    assert (
        "1 | U9 Menambah kursi ruang tunggu | Pengadaan kursi melalui anggaran perubahan"
        " | Triwulan I 2027 | Kasubbag Umum | Bagian Umum Kabupaten"
    ) in text


@pytest.mark.parametrize(
    ("span", "said"),
    [
        (timedelta(seconds=20), "kurang dari satu menit"),
        (timedelta(minutes=40), "40 menit"),
        (timedelta(hours=5), "5 jam"),
        (timedelta(hours=5, minutes=12), "5 jam 12 menit"),
        (timedelta(days=2, hours=3, minutes=12), "2 hari 3 jam"),
        (timedelta(days=1, minutes=5), "1 hari 5 menit"),
    ],
)
def test_time_to_answer_is_said_in_at_most_two_units(content, span, said):
    assert duration_text(span, content) == said
