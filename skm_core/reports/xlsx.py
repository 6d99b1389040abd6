"""A period's survey as an Excel workbook: responses, IKM computation, profile, services, RTL.

Numbers are written as numbers with a display format, never as text, so officials can compute
with them. The IKM computation sheet is formulas over the answer sheet (sums, counts, NRR, the
IKM and the grades), so opening the file recomputes every figure an auditor wants to trace.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.dates import local_datetime_text, period_label
from skm_core.ikm import GRADE_FLOORS, SCALE, Grade
from skm_core.reports.common import (
    channel_label,
    choice_label,
    no_result_text,
    service_name,
    unsur_name,
)
from skm_core.reports.tables import (
    DataTable,
    Kind,
    Small,
    Value,
    period_plans,
    plans_table,
    profile_table,
    realisation_table,
    service_nrr_table,
    services_table,
)
from skm_core.storage.responses import AnswerRecord
from skm_core.summary import Summary

CellValue = str | int | float | datetime | None

DATE_FORMAT = "dd/mm/yyyy hh:mm"
INTEGER_FORMAT = "0"
TWO_DECIMALS = "0.00"
NRR_FORMAT = "0.000"
PERCENT_FORMAT = "0.00%"
MIN_WIDTH = 6
MAX_WIDTH = 60

HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)
NOTE_FONT = Font(italic=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
THIN = Side(style="thin", color="9E9E9E")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _put(
    sheet: Worksheet, row: int, column: int, value: CellValue, number_format: str = ""
) -> None:
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        # Text from citizens or officials that starts with "=" must stay text, not a formula.
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format


def _put_row(
    sheet: Worksheet,
    row: int,
    values: Sequence[CellValue],
    formats: Sequence[str] = (),
    bordered: bool = True,
) -> None:
    for column, value in enumerate(values, start=1):
        number_format = formats[column - 1] if column <= len(formats) else ""
        _put(sheet, row, column, value, number_format)
        cell = sheet.cell(row=row, column=column)
        cell.alignment = WRAP
        if bordered:
            cell.border = BORDER


def _put_header(sheet: Worksheet, row: int, headings: Sequence[str]) -> None:
    for column, heading in enumerate(headings, start=1):
        _put(sheet, row, column, heading)
        cell = sheet.cell(row=row, column=column)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = HEADER_ALIGNMENT


def _put_title(sheet: Worksheet, row: int, text: str) -> None:
    _put(sheet, row, 1, text)
    sheet.cell(row=row, column=1).font = TITLE_FONT


def _put_note(sheet: Worksheet, row: int, text: str) -> None:
    _put(sheet, row, 1, text)
    sheet.cell(row=row, column=1).font = NOTE_FONT


def _set_widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _fit_widths(sheet: Worksheet, header_row: int = 1) -> None:
    """Each column as wide as its longest value, within limits, header included."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=header_row):
        for cell in row:
            if cell.value is None:
                continue
            length = 16 if isinstance(cell.value, datetime) else len(str(cell.value))
            widths[cell.column] = max(widths.get(cell.column, 0), length)
    for column, length in widths.items():
        width = min(max(length + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(column)].width = width


# --- (1) responses ----------------------------------------------------------------------------


def _response_headings(content: Content) -> list[str]:
    columns = content.report.columns
    return [
        columns.number,
        columns.date,
        columns.service,
        columns.channel,
        columns.ticket,
        *(question.label for question in content.survey.profile),
        *UNSUR_CODES,
        columns.suggestion,
    ]


def _profile_cell(record: AnswerRecord, content: Content) -> list[CellValue]:
    cells: list[CellValue] = []
    for question in content.survey.profile:
        value = record.profile.get(question.id)
        if value is None or question.kind == "number":
            cells.append(value)
        else:
            cells.append(choice_label(question, value))
    return cells


def _response_values(record: AnswerRecord, summary: Summary, content: Content) -> list[CellValue]:
    texts = content.report
    # Excel has no time zones: the unit's local time, as officials read it, without an offset.
    local = record.submitted_at.astimezone(summary.timezone).replace(tzinfo=None)
    return [
        record.number,
        local,
        service_name(record.service_id, content),
        channel_label(record.channel, texts),
        texts.answer_yes if record.ticketed else texts.answer_no,
        *_profile_cell(record, content),
        *record.answers,
        record.suggestion,
    ]


def _response_formats(content: Content) -> list[str]:
    profile = ["" for _ in content.survey.profile]
    return [INTEGER_FORMAT, DATE_FORMAT, "", "", "", *profile, *([INTEGER_FORMAT] * 9), ""]


def _responses_sheet(
    sheet: Worksheet, summary: Summary, records: list[AnswerRecord], content: Content
) -> None:
    headings = _response_headings(content)
    _put_header(sheet, 1, headings)
    formats = _response_formats(content)
    for row, record in enumerate(records, start=2):
        _put_row(sheet, row, _response_values(record, summary, content), formats, bordered=False)
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(headings))
    sheet.auto_filter.ref = f"A1:{last}{max(len(records), 1) + 1}"
    if not records:
        _put_note(sheet, 2, content.report.no_responses)
    _fit_widths(sheet)


# --- (2) the IKM computation ------------------------------------------------------------------


def _heading_block(sheet: Worksheet, title: str, summary: Summary, content: Content) -> int:
    """The title and what the numbers are about; returns the next free row."""
    words = content.report.xlsx
    _put_title(sheet, 1, title)
    facts: list[tuple[str, CellValue]] = [
        (words.unit, summary.unit_name),
        (words.period, period_label(summary.period, content.texts)),
        (words.respondents, summary.respondents),
        (
            words.generated_at,
            local_datetime_text(summary.generated_at, summary.timezone, content.texts),
        ),
    ]
    for row, (label, value) in enumerate(facts, start=2):
        _put(sheet, row, 1, label)
        _put(sheet, row, 2, value)
        sheet.cell(row=row, column=1).font = HEADER_FONT
    return len(facts) + 3


@dataclass(frozen=True)
class Formula:
    """A cell computed by the spreadsheet itself, so an auditor can trace every figure."""

    text: str
    """Without the leading '='."""


def _put_formula(
    sheet: Worksheet, row: int, column: int, formula: Formula, number_format: str = ""
) -> None:
    cell = sheet.cell(row=row, column=column)
    cell.value = f"={formula.text}"
    if number_format:
        cell.number_format = number_format
    cell.border = BORDER


def _sheet_ref(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _answer_range(code: str, records: int, content: Content) -> str:
    """The answer sheet's column of one unsur, from the first response to the last."""
    headings = _response_headings(content)
    column = get_column_letter(headings.index(UNSUR_CODES[0]) + 1 + UNSUR_CODES.index(code))
    last = max(records, 1) + 1
    return f"{_sheet_ref(content.report.xlsx.sheet_responses)}!${column}$2:${column}${last}"


def _grade_formula(score: str) -> Formula:
    """The grade of a 25..100 value after rounding to two decimals, as the regulation does."""
    shown = f"ROUND({score},2)"
    formula = f'"{Grade.D.value}"'
    for floor, grade in sorted(GRADE_FLOORS):
        formula = f'IF({shown}>={floor},"{grade.value}",{formula})'
    return Formula(formula)


def _label_formula(grade_cell: str, content: Content) -> Formula:
    labels = content.texts.performance
    formula = '""'
    for grade in Grade:
        formula = f'IF({grade_cell}="{grade.value}","{labels[grade.value]}",{formula})'
    return Formula(formula)


def _unsur_row(sheet: Worksheet, row: int, code: str, records: int, content: Content) -> None:
    answers = _answer_range(code, records, content)
    for column, value in enumerate((code, unsur_name(code, content)), start=1):
        _put(sheet, row, column, value)
        sheet.cell(row=row, column=column).border = BORDER
    nine = len(UNSUR_CODES)
    formulas = [
        (Formula(f"SUM({answers})"), INTEGER_FORMAT),
        (Formula(f"COUNT({answers})"), INTEGER_FORMAT),
        (Formula(f'IF(D{row}>0,C{row}/D{row},"")'), NRR_FORMAT),
        (Formula(f'IF(D{row}>0,E{row}/{nine},"")'), NRR_FORMAT),
        (Formula(f'IF(D{row}>0,E{row}*{SCALE},"")'), TWO_DECIMALS),
        (Formula(f'IF(D{row}>0,{_grade_formula(f"G{row}").text},"")'), ""),
        (_label_formula(f"H{row}", content), ""),
    ]
    for column, (formula, number_format) in enumerate(formulas, start=3):
        _put_formula(sheet, row, column, formula, number_format)


def _ikm_totals(sheet: Worksheet, row: int, first: int, last: int, content: Content) -> None:
    words = content.report.xlsx
    complete = f'COUNTIF(D{first}:D{last},">0")={len(UNSUR_CODES)}'
    totals: list[tuple[str, Formula, str]] = [
        (words.total_weighted, Formula(f'IF({complete},SUM(F{first}:F{last}),"")'), NRR_FORMAT),
        (words.ikm, Formula(f'IF({complete},F{row}*{SCALE},"")'), TWO_DECIMALS),
        (words.grade, Formula(f'IF({complete},{_grade_formula(f"F{row + 1}").text},"")'), ""),
        (words.performance, _label_formula(f"F{row + 2}", content), ""),
    ]
    for offset, (label, formula, number_format) in enumerate(totals):
        _put(sheet, row + offset, 1, label)
        sheet.cell(row=row + offset, column=1).font = HEADER_FONT
        sheet.merge_cells(
            start_row=row + offset, start_column=1, end_row=row + offset, end_column=5
        )
        _put_formula(sheet, row + offset, 6, formula, number_format)
        sheet.cell(row=row + offset, column=6).font = HEADER_FONT


def _ikm_sheet(
    sheet: Worksheet, summary: Summary, records: list[AnswerRecord], content: Content
) -> None:
    columns = content.report.columns
    row = _heading_block(sheet, content.report.xlsx.ikm_title, summary, content)
    headings = [
        columns.unsur_code,
        columns.unsur,
        columns.answer_sum,
        columns.answer_count,
        columns.nrr,
        columns.nrr_weighted,
        columns.nrr_25,
        columns.grade,
        columns.performance,
    ]
    _put_header(sheet, row, headings)
    for offset, code in enumerate(UNSUR_CODES, start=1):
        _unsur_row(sheet, row + offset, code, len(records), content)
    first, last = row + 1, row + len(UNSUR_CODES)
    row = last + 1
    if summary.result is None:
        _put_note(sheet, row + 1, no_result_text(summary, content.report))
    else:
        _ikm_totals(sheet, row, first, last, content)
    _set_widths(sheet, [24, 38, 12, 16, 10, 16, 10, 8, 14])


# --- the shared tables (profile, services, RTL) -----------------------------------------------

KIND_FORMATS = {
    Kind.TEXT: "",
    Kind.NUMBER: INTEGER_FORMAT,
    Kind.NRR: NRR_FORMAT,
    Kind.SCORE: TWO_DECIMALS,
    Kind.SHARE: PERCENT_FORMAT,
}


def _cell_value(value: Value) -> tuple[CellValue, bool]:
    """The value a cell holds, and whether it is a small sample's (shown with a mark)."""
    if isinstance(value, Small):
        return float(value.value), True
    if isinstance(value, Fraction):
        return float(value), False
    return value, False


def _merge_groups(sheet: Worksheet, first_row: int, table: DataTable) -> None:
    """Leading columns span the rows that repeat them, as in the unit's own RTL table."""
    for column in range(table.grouped):
        start = 0
        for index in range(1, len(table.rows) + 1):
            ended = (
                index == len(table.rows)
                or table.rows[index][: column + 1] != table.rows[start][: column + 1]
            )
            if not ended:
                continue
            if index - start > 1:
                sheet.merge_cells(
                    start_row=first_row + start,
                    start_column=column + 1,
                    end_row=first_row + index - 1,
                    end_column=column + 1,
                )
            start = index


def _write_table(
    sheet: Worksheet, row: int, table: DataTable, content: Content, merge: bool = False
) -> int:
    """A shared table from `row` (its header); returns the row after it."""
    _put_header(sheet, row, [column.heading for column in table.columns])
    mark = content.report.small_sample_mark.format(value="")
    for offset, values in enumerate(table.rows, start=1):
        for index, (value, column) in enumerate(zip(values, table.columns, strict=True), 1):
            written, small = _cell_value(value)
            number_format = KIND_FORMATS[column.kind]
            if small:
                # Still a number officials can compute with; the mark is only its display.
                number_format = f'{number_format}"{mark}"'
            _put(sheet, row + offset, index, written, number_format)
            cell = sheet.cell(row=row + offset, column=index)
            cell.alignment = WRAP
            cell.border = BORDER
    if merge:
        _merge_groups(sheet, row + 1, table)
    return row + len(table.rows) + 1


def _profile_sheet(sheet: Worksheet, summary: Summary, content: Content) -> None:
    row = _heading_block(sheet, content.report.xlsx.profile_title, summary, content)
    table = profile_table(summary, content)
    if table is None:
        _put_note(sheet, row, content.report.no_responses)
    else:
        _write_table(sheet, row, table, content)
    _set_widths(sheet, [24, 30, 10, 12])


def _services_sheet(sheet: Worksheet, summary: Summary, content: Content) -> None:
    texts = content.report
    row = _heading_block(sheet, texts.xlsx.services_title, summary, content)
    if not summary.services:
        _put_note(sheet, row, texts.no_responses)
        return
    row = _write_table(sheet, row, services_table(summary, content), content) + 1
    row = _write_table(sheet, row, service_nrr_table(summary, content), content) + 1
    if any(summary.is_small(line.respondents) for line in summary.services):
        _put_note(sheet, row, texts.small_sample_note.format(minimum=summary.small_sample))
        row += 1
    if any(line.ikm is None for line in summary.services):
        _put_note(sheet, row, texts.service_ikm_missing)
    _set_widths(sheet, [24, 50, 12, 10, 8, 14, 10, 10, 10, 10])


def _plans_sheet(sheet: Worksheet, summary: Summary, content: Content) -> None:
    words = content.report.xlsx
    row = _heading_block(sheet, words.plans_title, summary, content)
    if not summary.plans_of_period:
        _put_note(sheet, row, content.report.no_plans)
    else:
        row = _write_table(sheet, row, plans_table(summary, content), content, merge=True) + 1
        _put_title(sheet, row, words.realisation_title)
        _write_table(sheet, row + 1, realisation_table(period_plans(summary), content), content)
    _set_widths(sheet, [24, 34, 44, 30, 36])


def summary_xlsx(summary: Summary, records: list[AnswerRecord], content: Content) -> bytes:
    """The workbook of a period; `records` are the period's responses (the summary's own)."""
    words = content.report.xlsx
    workbook = Workbook()
    responses = workbook.active
    assert responses is not None
    responses.title = words.sheet_responses
    _responses_sheet(responses, summary, records, content)
    _ikm_sheet(workbook.create_sheet(words.sheet_ikm), summary, records, content)
    _profile_sheet(workbook.create_sheet(words.sheet_profile), summary, content)
    _services_sheet(workbook.create_sheet(words.sheet_services), summary, content)
    _plans_sheet(workbook.create_sheet(words.sheet_plans), summary, content)
    workbook.properties.title = content.report.title
    workbook.properties.creator = summary.unit_name
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
