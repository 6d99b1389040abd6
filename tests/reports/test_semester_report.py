"""The report of a realistic semester, made by `skm report` and read back from the PDF itself.

Every figure printed must equal what `skm ikm` computes from the same stored answers; the unit's
2023 result, entered with `skm riwayat`, must appear in the trend.
"""

import asyncio
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from bot.cli import main
from skm_core.content import Content
from tests.reports.semester_data import SEMESTER, SUGGESTIONS, UNIT_2023_NRR, fill_semester

FIRST, LAST = SEMESTER.first.isoformat(), SEMESTER.last.isoformat()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    # Lines of a wrapped cell are joined by spaces: a figure is found whatever the layout.
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def decimal_comma(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


@pytest.fixture
def semester_report(skm_env: Path, content: Content, capsys, tmp_path: Path) -> str:
    skm_env.mkdir(parents=True, exist_ok=True)
    asyncio.run(fill_semester(skm_env / "skm.sqlite3", content))
    code, _, err = run(
        capsys,
        "riwayat", "tambah", "--from", "2023-07-01", "--to", "2023-11-20", "--responden", "150",
        "--nrr", UNIT_2023_NRR, "--ikm", "97,72",
        "--sumber", "Laporan Tindak Lanjut SKM Kecamatan Sangasanga 2024",
    )  # fmt: skip
    assert (code, err) == (0, "")
    out = tmp_path / "laporan.pdf"
    code, _, err = run(
        capsys, "report", "--from", FIRST, "--to", LAST, "--format", "pdf", "--out", str(out),
        "--population", "400",
    )  # fmt: skip
    assert (code, err) == (0, "")
    return pdf_text(out)


def ikm_of(capsys, *scope: str) -> dict[str, Any]:
    code, out, err = run(capsys, "ikm", "--db", "--from", FIRST, "--to", LAST, *scope, "--json")
    assert (code, err) == (0, "")
    return json.loads(out)


def test_every_section_is_in_the_pdf(semester_report):
    for heading in (
        "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT",
        "LEMBAR PENGESAHAN",
        "BAB I PENDAHULUAN",
        "Dasar Hukum",
        "BAB II METODE",
        "Populasi dan Sampel",
        "Cara Pengumpulan Data",
        "BAB III HASIL",
        "Profil Responden",
        "Hasil per Jenis Layanan",
        "BAB IV ANALISIS",
        "Saran Responden",
        "4.3 Pengaduan",
        "Perbandingan dengan Periode Sebelumnya",
        "BAB V KESIMPULAN DAN RENCANA TINDAK LANJUT",
        "Rencana Tindak Lanjut Pelaksanaan SKM",
        "Realisasi Rencana Tindak Lanjut Periode Sebelumnya",
        "Rencana Lanjutan",
        "LAMPIRAN",
        "Kuesioner Survei Kepuasan Masyarakat",
        "Seluruh Saran Responden",
        "Tabel Perhitungan IKM",
    ):
        assert heading in semester_report, heading
    assert "Semester II Tahun 2024" in semester_report


def test_every_figure_equals_skm_ikm(semester_report, capsys, content):
    data = ikm_of(capsys)
    assert data["respondents"] == 180
    assert f"Jumlah responden pada periode ini: {data['respondents']} orang." in semester_report
    ikm = decimal_comma(data["ikm"])
    grade = f"{data['grade']} ({data['performance']})"
    assert f"Nilai IKM: {ikm}, mutu pelayanan {grade}." in semester_report
    for unsur in content.survey.unsur:
        nrr = decimal_comma(data["nrr"][unsur.code])
        row = f"{unsur.code} {unsur.name} {nrr} "
        assert row in semester_report, row
    lowest = ", ".join(
        f"{code} {content.survey.unsur_by_code(code).name}" for code in data["lowest"]
    )
    assert f"terendah adalah {lowest}" in semester_report


def test_service_figures_equal_skm_ikm_per_service(semester_report, capsys, content):
    kk = ikm_of(capsys, "--layanan", "kk")
    name = content.service("kk").name
    pattern = rf"{re.escape(name)} {kk['respondents']} {re.escape(decimal_comma(kk['ikm']))}"
    assert re.search(pattern, semester_report), pattern


def test_population_given_on_the_command_line_sets_the_sample(semester_report):
    assert "400 orang (angka yang diberikan saat laporan dibuat)" in semester_report
    assert "sampel minimum menurut Krejcie dan Morgan adalah 196 responden" in semester_report


def test_the_units_2023_result_is_in_the_trend(semester_report):
    assert "1 Juli 2023 s.d. 20 November 2023 150 97,72" in semester_report
    assert "Laporan Tindak Lanjut SKM Kecamatan Sangasanga 2024" in semester_report


def test_complaints_of_the_period_with_median_time(semester_report):
    assert "Pengaduan yang diterima pada periode ini: 4." in semester_report
    assert "Telah dijawab: 3, dengan median waktu penyelesaian 5 jam." in semester_report
    assert "Belum dijawab: 1." in semester_report


def test_previous_rtl_realisation_and_documentation(semester_report):
    assert "SOP Portir ditetapkan dan dipasang di loket (foto terlampir)" in semester_report
    assert "Pelatihan petugas PATEN (service excellent)" in semester_report


def test_every_suggestion_is_listed(semester_report):
    found = re.search(r"Pada periode ini (\d+) responden memberikan saran", semester_report)
    assert found is not None
    count = int(found[1])
    assert count > 5
    start = semester_report.index("Tabel Perhitungan IKM", semester_report.index("LAMPIRAN"))
    appendix = semester_report[semester_report.index("Seluruh Saran Responden") : start]
    listed = sum(appendix.count(text) for text in SUGGESTIONS)
    assert listed == count


def test_figures_use_the_decimal_comma(semester_report):
    # Headings are numbered 1.1, 2.3; a figure has two decimals and never a decimal point.
    assert not re.search(r"\b\d+\.\d{2,}\b", semester_report)
    assert re.search(r"\b\d+,\d{2}\b", semester_report)
