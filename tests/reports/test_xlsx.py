"""The workbook: the responses, the IKM computed as SKM reports show it, profile, services, RTL."""

import io
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import formulas
import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.compute import Tally, compute_ikm
from skm_core.reports.common import number_text
from skm_core.reports.export import period_xlsx
from skm_core.reports.summary import Summary
from skm_core.reports.xlsx import summary_xlsx
from skm_core.storage.responses import AnswerRecord, answer_record_batches, answer_records
from tests.reports.sample_data import PERIOD, SECRET_KEY_PREFIX, WITA
from tests.reports.test_pdf import table_titled

MOMENT = datetime(2026, 11, 2, tzinfo=UTC)


def open_workbook(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def row_labelled(sheet: Worksheet, label: str) -> tuple[object, ...]:
    for row in sheet.iter_rows(values_only=True):
        if row[0] == label:
            return row
    raise AssertionError(f"no row labelled {label!r} in {sheet.title}")


def all_values(workbook: Workbook) -> list[object]:
    return [v for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row]


@pytest.fixture
async def workbook(summary, records, content) -> Workbook:
    return open_workbook(summary_xlsx(summary, records, content))


async def test_five_sheets_in_the_order_of_the_report(workbook, content):
    words = content.report.xlsx
    assert workbook.sheetnames == [
        words.sheet_responses,
        words.sheet_ikm,
        words.sheet_profile,
        words.sheet_services,
        words.sheet_plans,
    ]


async def test_sums_and_counts_of_the_records_give_the_engines_nrr(summary, records):
    # The IKM sheet computes its sums and counts from the records; they must be the summary's.
    assert compute_ikm(Tally.from_answers(r.answers for r in records)).nrr == summary.result.nrr


def recompute(data: bytes, tmp_path: Path, sheet: str) -> dict[str, object]:
    """Every formula of a sheet evaluated by a real formula engine, by cell name ("F20")."""
    path = tmp_path / "laporan.xlsx"
    path.write_bytes(data)
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    prefix = f"'[{path.name}]{sheet.upper()}'!"
    cells = {}
    for name, value in solution.items():
        if name.startswith(prefix) and ":" not in name:
            cells[name[len(prefix) :]] = value.value[0][0]
    return cells


def cell_of(sheet: Worksheet, label: str, column: int) -> str:
    for row in sheet.iter_rows():
        if row[0].value == label:
            return row[column].coordinate
    raise AssertionError(f"no row labelled {label!r} in {sheet.title}")


@pytest.fixture
async def ikm_cells(summary, records, content, tmp_path) -> tuple[Worksheet, dict[str, object]]:
    data = summary_xlsx(summary, records, content)
    sheet_name = content.report.xlsx.sheet_ikm
    return open_workbook(data)[sheet_name], recompute(data, tmp_path, sheet_name)


async def test_the_ikm_sheet_is_formulas_over_the_answer_sheet(workbook, content):
    sheet = workbook[content.report.xlsx.sheet_ikm]
    u1 = row_labelled(sheet, "U1")
    assert u1[2] == "=SUM('Data Responden'!$J$2:$J$9)"
    assert u1[3] == "=COUNT('Data Responden'!$J$2:$J$9)"
    assert str(row_labelled(sheet, content.report.xlsx.ikm)[5]).startswith("=")


async def test_recomputed_formulas_give_the_printed_figures(
    ikm_cells, summary_document, summary, content
):
    sheet, cells = ikm_cells
    words = content.report.xlsx
    printed = table_titled(summary_document, "Ringkasan Hasil SKM")
    for code, _name, nrr, score, grade, label in printed.rows:
        recomputed_nrr = cells[cell_of(sheet, code, 4)]
        assert number_text(Fraction(recomputed_nrr).limit_denominator(10**6), 2) == nrr
        recomputed_score = Fraction(cells[cell_of(sheet, code, 6)]).limit_denominator(10**6)
        assert number_text(recomputed_score, 2) == score
        assert (cells[cell_of(sheet, code, 7)], cells[cell_of(sheet, code, 8)]) == (grade, label)
    ikm = Fraction(cells[cell_of(sheet, words.ikm, 5)]).limit_denominator(10**6)
    assert ikm == summary.result.ikm
    assert number_text(ikm, 2) in summary_document.text()
    assert cells[cell_of(sheet, words.grade, 5)] == summary.result.grade.value
    assert cells[cell_of(sheet, words.performance, 5)] == "Sangat Baik"
    # U8 was left unanswered once: 7 of 8 answered it, and its NRR divides by 7.
    assert (cells[cell_of(sheet, "U8", 2)], cells[cell_of(sheet, "U8", 3)]) == (25, 7)


async def test_recomputed_grade_rounds_before_classifying(content, tmp_path):
    # Sums 706 (x8) and 710 of 200 answers: IKM 88.3055..., B as it is, 88.31 (A) once rounded.
    rows = [[4 if i < 106 else 3] * 8 + [4 if i < 110 else 3] for i in range(200)]
    result = compute_ikm(Tally.from_answers(rows))
    assert (88.305 < result.ikm < 88.31, result.grade.value) == (True, "A")
    records = [
        AnswerRecord(
            n, datetime(2026, 11, 2, tzinfo=UTC), None, "import", False, {}, tuple(r), None
        )
        for n, r in enumerate(rows, start=1)
    ]
    sheet_name = content.report.xlsx.sheet_ikm
    data = summary_xlsx(summary_of(records, content), records, content)
    sheet = open_workbook(data)[sheet_name]
    cells = recompute(data, tmp_path, sheet_name)
    assert cells[cell_of(sheet, content.report.xlsx.grade, 5)] == "A"


async def test_numbers_show_two_decimals_and_nrr_three(workbook, content):
    sheet = workbook[content.report.xlsx.sheet_ikm]
    for row in sheet.iter_rows():
        if row[0].value == "U1":
            assert row[4].number_format == "0.000"
            assert row[6].number_format == "0.00"
        if row[0].value == content.report.xlsx.ikm:
            assert row[5].number_format == "0.00"


async def test_responses_sheet_has_one_row_per_record(workbook, records, content):
    sheet = workbook[content.report.xlsx.sheet_responses]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + len(records)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    header = rows[0]
    assert header[:5] == ("No", "Tanggal", "Layanan", "Kanal", "Tiket")
    assert header[9:18] == UNSUR_CODES


async def test_a_response_row_reads_as_people_say_it(workbook, content):
    sheet = workbook[content.report.xlsx.sheet_responses]
    row = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))
    # A real date cell in the unit's local time (stored 00:15:07 UTC = 08:15:07 WITA).
    assert row[1] == datetime(2026, 11, 2, 8, 15, 7)
    assert row[2:9] == (
        "Pelayanan Pembuatan Kartu Keluarga",
        "WhatsApp",
        "Ya",
        "Laki-laki",
        34,
        "SMA/Sederajat",
        "Wirausaha",
    )
    assert row[9:18] == (4, 4, 3, 4, 4, 4, 4, 4, 4)


async def test_no_respondent_key_anywhere(workbook):
    headers = [str(v).casefold() for v in next(workbook.worksheets[0].iter_rows(values_only=True))]
    assert not any("kunci" in h or "key" in h or "respondent" in h for h in headers)
    assert not any(SECRET_KEY_PREFIX in str(v) for v in all_values(workbook))


async def test_a_suggestion_that_looks_like_a_formula_stays_text(workbook, content):
    sheet = workbook[content.report.xlsx.sheet_responses]
    cells = [row[-1] for row in sheet.iter_rows(min_row=2)]
    formula_like = [c for c in cells if str(c.value).startswith("=")]
    assert len(formula_like) == 1
    assert formula_like[0].data_type == "s"


async def test_profile_counts_and_shares(workbook, content):
    sheet = workbook[content.report.xlsx.sheet_profile]
    rows = list(sheet.iter_rows(values_only=True))
    assert ("Jenis kelamin", "Perempuan", 4, 0.5) in rows
    assert ("Usia", "30–39 tahun", 2, 0.25) in rows
    assert ("Usia", "Tidak menjawab", 1, 0.125) in rows


async def test_services_with_their_ikm(workbook, summary, content):
    sheet = workbook[content.report.xlsx.sheet_services]
    kk = row_labelled_by(sheet, 1, "Pelayanan Pembuatan Kartu Keluarga")
    line = next(s for s in summary.services if s.service_id == "kk")
    # Three respondents are a small sample: the IKM is a number shown with a mark, no grade.
    assert kk[2:5] == (3, float(line.ikm), None)
    ikm_cell = next(
        r for r in sheet.iter_rows() if r[1].value == "Pelayanan Pembuatan Kartu Keluarga"
    )[3]
    assert ikm_cell.number_format == '0.00"*"'
    assert row_labelled_by(sheet, 1, content.report.unnamed_service)[2] == 1


async def test_a_service_with_enough_respondents_gets_its_grade(summary, records, content):
    enough = replace(summary, small_sample=1)
    sheet = open_workbook(summary_xlsx(enough, records, content))[
        content.report.xlsx.sheet_services
    ]
    assert row_labelled_by(sheet, 1, "Pelayanan Pembuatan Kartu Keluarga")[4:6] == (
        "A",
        "Sangat Baik",
    )


def row_labelled_by(sheet: Worksheet, column: int, label: str) -> tuple[object, ...]:
    for row in sheet.iter_rows(values_only=True):
        if row[column] == label:
            return row
    raise AssertionError(label)


async def test_plans_follow_the_units_rtl_and_realisation_tables(workbook, content):
    sheet = workbook[content.report.xlsx.sheet_plans]
    rows = list(sheet.iter_rows(values_only=True))
    columns = content.report.columns
    rtl = rows.index(
        (columns.number, columns.priority_unsur, columns.plan_activity, columns.time,
         columns.responsible)
    )  # fmt: skip
    # U3 has the lowest NRR, so its two plans come first; merged cells leave the repeat empty.
    assert rows[rtl + 1][:3] == (
        1,
        "U3 Waktu Penyelesaian",
        "Penambahan petugas di bagian front office PATEN",
    )
    assert rows[rtl + 2][:3] == (None, None, "Pelatihan petugas PATEN (service excellent)")
    assert rows[rtl + 3][:2] == (2, "U2 Sistem, Mekanisme, dan Prosedur")
    done = rows.index(
        (columns.number, columns.plan, columns.plan_done, columns.plan_description,
         columns.plan_obstacles)
    )  # fmt: skip
    assert rows[done + 2] == (
        2,
        "Pelatihan petugas PATEN (service excellent)",
        "Sudah",
        "Petugas mengikuti pelatihan service excellent",
        "Keterbatasan anggaran",
    )
    assert rows[done + 1][2] == "Belum"


async def test_a_period_without_responses_says_so_on_every_sheet(empty_summary, content):
    workbook = open_workbook(summary_xlsx(empty_summary, [], content))
    texts = content.report
    values = all_values(workbook)
    assert texts.no_responses in [c.value for c in workbook[texts.xlsx.sheet_responses]["A"]]
    assert values.count(texts.no_responses) == 4  # responses, IKM, profile, services
    assert texts.no_plans in values
    assert texts.xlsx.ikm not in values


async def test_responses_with_an_unsur_nobody_answered_have_no_ikm(
    db, content, summary_without_ikm, tmp_path
):
    summary = summary_without_ikm
    records = await answer_records(db, *PERIOD.utc_bounds(WITA))
    data = summary_xlsx(summary, records, content)
    workbook = open_workbook(data)
    sheet = workbook[content.report.xlsx.sheet_ikm]
    cells = recompute(data, tmp_path, sheet.title)
    u1 = [cells[cell_of(sheet, "U1", column)] for column in (2, 3, 4)]
    u8 = [cells[cell_of(sheet, "U8", column)] for column in (2, 3, 4, 7)]
    assert (u1, u8) == ([4, 1, 4], [0, 0, "", ""])
    assert content.report.incomplete in all_values(workbook)


def summary_of(records: list[AnswerRecord], content) -> Summary:
    """A summary of exactly these answers, without a database."""
    tally = Tally.from_answers(r.answers for r in records)
    return Summary(
        unit_name=content.unit.name,
        period=PERIOD,
        generated_at=datetime(2026, 12, 1, tzinfo=UTC),
        timezone=ZoneInfo("Asia/Makassar"),
        respondents=tally.respondents,
        result=compute_ikm(tally),
        previous=None,
        services=[],
        population=None,
        population_source=None,
        suggestions=[],
        profile={},
        history=[],
        tally=tally,
    )


def streamed_records(count: int) -> Iterator[AnswerRecord]:
    """Responses made one at a time, so only what the writer keeps is in memory."""
    for number in range(1, count + 1):
        yield AnswerRecord(
            number, MOMENT, "kk", "telegram", False, {"jenis_kelamin": "p", "usia": 30},
            (4, 3, 4, 3, 4, 3, 4, 3, 4), f"Saran nomor {number} tentang pelayanan",
        )  # fmt: skip


def peak_memory_writing(count: int, content) -> int:
    summary = replace(summary_of(list(streamed_records(1)), content), respondents=count)
    tracemalloc.start()
    try:
        summary_xlsx(summary, streamed_records(count), content)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_period_is_written_in_bounded_memory(content):
    # Ten times the rows: a workbook kept in memory grows by about 22 MB here (7 kB a row);
    # the streamed one only by its compressed output.
    small, large = peak_memory_writing(300, content), peak_memory_writing(3000, content)
    assert large - small < 2_000_000


async def test_batches_read_every_response_once_in_order(db, summary, records):
    start, end = PERIOD.utc_bounds(WITA)
    batches = [batch async for batch in answer_record_batches(db, start, end, size=3)]
    assert [len(batch) for batch in batches] == [3, 3, 2]
    assert [r for batch in batches for r in batch] == records


async def test_the_streamed_workbook_equals_the_one_from_a_list(db, summary, records, content):
    streamed = open_workbook(await period_xlsx(db, summary, content))
    listed = open_workbook(summary_xlsx(summary, records, content))
    for name in listed.sheetnames:
        assert list(streamed[name].iter_rows(values_only=True)) == list(
            listed[name].iter_rows(values_only=True)
        )
