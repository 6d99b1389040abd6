"""The workbook: the responses, the IKM computed as SKM reports show it, profile, services, RTL."""

import io
from datetime import datetime
from fractions import Fraction

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from skm_core.content.models import UNSUR_CODES
from skm_core.ikm import Tally, compute_ikm
from skm_core.reports.xlsx import summary_xlsx
from skm_core.storage.responses import answer_records
from tests.reports.sample_data import PERIOD, SECRET_KEY_PREFIX, WITA


def open_workbook(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def row_labelled(sheet: Worksheet, label: str) -> tuple:
    for row in sheet.iter_rows(values_only=True):
        if row[0] == label:
            return row
    raise AssertionError(f"no row labelled {label!r} in {sheet.title}")


def all_values(workbook: Workbook) -> list:
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


def same_number(written: object, exact: Fraction) -> bool:
    """The float of an exact value as an XLSX file keeps it.

    openpyxl writes numbers with 16 significant digits (Excel itself keeps 15), so the last bit
    of a 17-digit float may not survive the file; anything beyond that is a real difference.
    """
    return isinstance(written, float | int) and written == pytest.approx(float(exact), rel=1e-15)


async def test_ikm_sheet_holds_the_engines_exact_values_as_numbers(workbook, summary, content):
    sheet = workbook[content.report.xlsx.sheet_ikm]
    words = content.report.xlsx
    result = summary.result
    assert same_number(row_labelled(sheet, words.ikm)[5], result.ikm)
    assert same_number(row_labelled(sheet, words.total_weighted)[5], result.ikm / 25)
    assert row_labelled(sheet, words.grade)[5] == result.grade.value
    for code in UNSUR_CODES:
        nrr, weighted, score, grade, label = row_labelled(sheet, code)[4:]
        assert same_number(nrr, result.nrr[code])
        assert same_number(weighted, result.nrr[code] / 9)
        assert same_number(score, result.nrr[code] * 25)
        assert grade == summary.result.unsur_grade(code).value
        assert label == content.texts.performance[grade]
    # U8 was left unanswered once: 7 of 8 answered it, and its NRR divides by 7.
    assert row_labelled(sheet, "U8")[2:4] == (25, 7)


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
        "Pembuatan Kartu Keluarga",
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
    kk = row_labelled_by(sheet, 1, "Pembuatan Kartu Keluarga")
    line = next(s for s in summary.services if s.service_id == "kk")
    # Three respondents are a small sample: the IKM is shown, marked, without a grade.
    assert kk[2:5] == (3, float(line.ikm), "*")
    assert row_labelled_by(sheet, 1, content.report.unnamed_service)[2] == 1


def row_labelled_by(sheet: Worksheet, column: int, label: str) -> tuple:
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
    db, content, summary_without_ikm
):
    summary = summary_without_ikm
    records = await answer_records(db, *PERIOD.utc_bounds(WITA))
    workbook = open_workbook(summary_xlsx(summary, records, content))
    sheet = workbook[content.report.xlsx.sheet_ikm]
    assert row_labelled(sheet, "U1")[2:5] == (4, 1, None)
    assert content.report.incomplete in all_values(workbook)
