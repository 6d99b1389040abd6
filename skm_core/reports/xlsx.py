"""A period's survey as an Excel workbook: responses, IKM computation, profile, services, RTL.

Numbers are written as numbers with a display format, never as text, so officials can compute
with them. The IKM computation sheet is formulas over the answer sheet (sums, counts, NRR, the
IKM and the grades), so opening the file recomputes every figure an auditor wants to trace.

The workbook is written in openpyxl's write-only mode: rows stream to temporary files as they
come, so a period of any size is exported in bounded memory. Every value goes through
`cell_value`, the one place where what is written into a cell is decided.
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import cast

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from skm_core.calendar.dates import local_datetime_text, period_label
from skm_core.clean_text import clean_text
from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.compute import GRADE_FLOORS, SCALE, Grade
from skm_core.reports.common import (
    channel_label,
    choice_label,
    no_result_text,
    service_name,
    unsur_name,
)
from skm_core.reports.summary import Summary
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

CellValue = str | int | float | datetime | None

DATE_FORMAT = "dd/mm/yyyy hh:mm"
INTEGER_FORMAT = "0"
TWO_DECIMALS = "0.00"
NRR_FORMAT = "0.000"
PERCENT_FORMAT = "0.00%"

HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)
NOTE_FONT = Font(italic=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
THIN = Side(style="thin", color="9E9E9E")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")

KIND_FORMATS = {
    Kind.TEXT: "",
    Kind.NUMBER: INTEGER_FORMAT,
    Kind.NRR: NRR_FORMAT,
    Kind.SCORE: TWO_DECIMALS,
    Kind.SHARE: PERCENT_FORMAT,
}


def cell_value(value: CellValue) -> CellValue:
    """What a cell holds for a value: every cell of the workbook is written through here."""
    if isinstance(value, str):
        # One stored control character would otherwise make the whole workbook fail.
        return clean_text(value)
    return value


@dataclass(frozen=True)
class Formula:
    """A cell computed by the spreadsheet itself, so an auditor can trace every figure."""

    text: str
    """Without the leading '='."""


@dataclass(frozen=True)
class Style:
    number_format: str = ""
    font: Font | None = None
    fill: PatternFill | None = None
    border: bool = False
    alignment: Alignment | None = None


PLAIN = Style()
BOXED = Style(border=True, alignment=WRAP)
HEADER = Style(font=HEADER_FONT, fill=HEADER_FILL, border=True, alignment=HEADER_ALIGNMENT)


def _frame(sheet: WriteOnlyWorksheet) -> Worksheet:
    """A write-only sheet's widths, merged cells and filter: it sets them up as a Worksheet does
    (Worksheet._setup) and writes them with the sheet, though its type does not say so."""
    return cast(Worksheet, sheet)


class _Sheet:
    """Rows appended in order to a write-only sheet, which knows the number of the next row."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self._sheet = sheet
        self.row = 1

    def widths(self, widths: Sequence[float]) -> None:
        """Column widths; only before the first row, as the file stores them before the rows."""
        for column, width in enumerate(widths, start=1):
            _frame(self._sheet).column_dimensions[get_column_letter(column)].width = width

    def _cell(self, value: CellValue | Formula, style: Style) -> Cell:
        cell = WriteOnlyCell(self._sheet)
        if isinstance(value, Formula):
            cell.value = f"={value.text}"
        else:
            written = cell_value(value)
            cell.value = written
            if isinstance(written, str):
                # Text from citizens or officials that starts with "=" stays text, not a formula.
                cell.data_type = "s"
        if style.number_format:
            cell.number_format = style.number_format
        if style.font is not None:
            cell.font = style.font
        if style.fill is not None:
            cell.fill = style.fill
        if style.border:
            cell.border = BORDER
        if style.alignment is not None:
            cell.alignment = style.alignment
        return cell

    def append(self, cells: Sequence[tuple[CellValue | Formula, Style]]) -> int:
        """One row; returns its number."""
        self._sheet.append([self._cell(value, style) for value, style in cells])
        self.row += 1
        return self.row - 1

    def values(self, values: Sequence[CellValue], style: Style = PLAIN) -> int:
        return self.append([(value, style) for value in values])

    def header(self, headings: Sequence[str]) -> int:
        return self.values(headings, HEADER)

    def title(self, text: str) -> int:
        return self.append([(text, Style(font=TITLE_FONT))])

    def note(self, text: str) -> int:
        return self.append([(text, Style(font=NOTE_FONT))])

    def blank(self) -> None:
        self.append([])

    def merge(self, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
        start = f"{get_column_letter(first_column)}{first_row}"
        _frame(self._sheet).merged_cells.add(f"{start}:{get_column_letter(last_column)}{last_row}")


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


def _response_widths(content: Content) -> list[float]:
    # Streamed rows cannot be measured first: widths follow what each column holds.
    profile = [18.0 for _ in content.survey.profile]
    return [7, 17, 40, 14, 7, *profile, *([5.0] * len(UNSUR_CODES)), 60]


def _profile_cells(record: AnswerRecord, content: Content) -> list[CellValue]:
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
        *_profile_cells(record, content),
        *record.answers,
        record.suggestion,
    ]


def _response_styles(content: Content) -> list[Style]:
    profile = [PLAIN for _ in content.survey.profile]
    number = Style(number_format=INTEGER_FORMAT)
    answers = [number] * len(UNSUR_CODES)
    return [
        number,
        Style(number_format=DATE_FORMAT),
        PLAIN,
        PLAIN,
        PLAIN,
        *profile,
        *answers,
        PLAIN,
    ]


def _responses_sheet(
    sheet: _Sheet, summary: Summary, records: Iterable[AnswerRecord], content: Content
) -> None:
    sheet.widths(_response_widths(content))
    sheet.header(_response_headings(content))
    styles = _response_styles(content)
    written = 0
    for record in records:
        values = _response_values(record, summary, content)
        sheet.append(list(zip(values, styles, strict=True)))
        written += 1
    if not written:
        sheet.note(content.report.no_responses)


def _answer_sheet_frame(sheet: WriteOnlyWorksheet, rows: int, content: Content) -> None:
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(_response_headings(content)))
    _frame(sheet).auto_filter.ref = f"A1:{last}{max(rows, 1) + 1}"


# --- (2) the IKM computation ------------------------------------------------------------------


def _heading_block(sheet: _Sheet, title: str, summary: Summary, content: Content) -> None:
    """The title and what the numbers are about, then a blank row."""
    words = content.report.xlsx
    sheet.title(title)
    facts: list[tuple[str, CellValue]] = [
        (words.unit, summary.unit_name),
        (words.period, period_label(summary.period, content.texts)),
        (words.respondents, summary.respondents),
        (
            words.generated_at,
            local_datetime_text(summary.generated_at, summary.timezone, content.texts),
        ),
    ]
    for label, value in facts:
        sheet.append([(label, Style(font=HEADER_FONT)), (value, PLAIN)])
    sheet.blank()


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


def _unsur_row(sheet: _Sheet, code: str, records: int, content: Content) -> None:
    answers = _answer_range(code, records, content)
    row = sheet.row
    nine = len(UNSUR_CODES)
    sheet.append(
        [
            (code, BOXED),
            (unsur_name(code, content), BOXED),
            (Formula(f"SUM({answers})"), Style(INTEGER_FORMAT, border=True)),
            (Formula(f"COUNT({answers})"), Style(INTEGER_FORMAT, border=True)),
            (Formula(f'IF(D{row}>0,C{row}/D{row},"")'), Style(NRR_FORMAT, border=True)),
            (Formula(f'IF(D{row}>0,E{row}/{nine},"")'), Style(NRR_FORMAT, border=True)),
            (Formula(f'IF(D{row}>0,E{row}*{SCALE},"")'), Style(TWO_DECIMALS, border=True)),
            (Formula(f'IF(D{row}>0,{_grade_formula(f"G{row}").text},"")'), BOXED),
            (_label_formula(f"H{row}", content), BOXED),
        ]
    )


def _ikm_totals(sheet: _Sheet, first: int, last: int, content: Content) -> None:
    words = content.report.xlsx
    row = sheet.row
    complete = f'COUNTIF(D{first}:D{last},">0")={len(UNSUR_CODES)}'
    totals: list[tuple[str, Formula, str]] = [
        (words.total_weighted, Formula(f'IF({complete},SUM(F{first}:F{last}),"")'), NRR_FORMAT),
        (words.ikm, Formula(f'IF({complete},F{row}*{SCALE},"")'), TWO_DECIMALS),
        (words.grade, Formula(f'IF({complete},{_grade_formula(f"F{row + 1}").text},"")'), ""),
        (words.performance, _label_formula(f"F{row + 2}", content), ""),
    ]
    bold = Style(font=HEADER_FONT)
    for label, formula, number_format in totals:
        written = sheet.append(
            [(label, bold), *([(None, PLAIN)] * 4), (formula, Style(number_format, HEADER_FONT))]
        )
        sheet.merge(written, 1, written, 5)


def _ikm_sheet(sheet: _Sheet, summary: Summary, content: Content) -> None:
    sheet.widths([24, 38, 12, 16, 10, 16, 10, 8, 14])
    columns = content.report.columns
    _heading_block(sheet, content.report.xlsx.ikm_title, summary, content)
    sheet.header(
        [
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
    )
    first = sheet.row
    for code in UNSUR_CODES:
        _unsur_row(sheet, code, summary.respondents, content)
    last = sheet.row - 1
    sheet.blank()
    if summary.result is None:
        sheet.blank()
        sheet.note(no_result_text(summary, content.report))
    else:
        _ikm_totals(sheet, first, last, content)


# --- the shared tables (profile, services, RTL) -----------------------------------------------


def _table_cell(value: Value, kind: Kind, mark: str) -> tuple[CellValue, Style]:
    number_format = KIND_FORMATS[kind]
    if isinstance(value, Small):
        # Still a number officials can compute with; the mark is only its display.
        return float(value.value), Style(f'{number_format}"{mark}"', border=True, alignment=WRAP)
    written: CellValue = float(value) if isinstance(value, Fraction) else value
    return written, Style(number_format, border=True, alignment=WRAP)


def _merge_groups(sheet: _Sheet, first_row: int, table: DataTable) -> None:
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
                sheet.merge(first_row + start, column + 1, first_row + index - 1, column + 1)
            start = index


def _write_table(sheet: _Sheet, table: DataTable, content: Content, merge: bool = False) -> None:
    sheet.header([column.heading for column in table.columns])
    mark = content.report.small_sample_mark.format(value="")
    first = sheet.row
    for values in table.rows:
        sheet.append(
            [
                _table_cell(value, column.kind, mark)
                for value, column in zip(values, table.columns, strict=True)
            ]
        )
    if merge:
        # Merged cells show the first cell's value: the repeats below it are left empty.
        _merge_groups(sheet, first, table)


def _profile_sheet(sheet: _Sheet, summary: Summary, content: Content) -> None:
    sheet.widths([24, 30, 10, 12])
    _heading_block(sheet, content.report.xlsx.profile_title, summary, content)
    table = profile_table(summary, content)
    if table is None:
        sheet.note(content.report.no_responses)
    else:
        _write_table(sheet, table, content)


def _services_sheet(sheet: _Sheet, summary: Summary, content: Content) -> None:
    texts = content.report
    sheet.widths([24, 50, 12, 10, 8, 14, 10, 10, 10, 10])
    _heading_block(sheet, texts.xlsx.services_title, summary, content)
    if not summary.services:
        sheet.note(texts.no_responses)
        return
    _write_table(sheet, services_table(summary, content), content)
    sheet.blank()
    _write_table(sheet, service_nrr_table(summary, content), content)
    sheet.blank()
    if any(summary.is_small(line.respondents) for line in summary.services):
        sheet.note(texts.small_sample_note.format(minimum=summary.small_sample))
    if any(line.ikm is None for line in summary.services):
        sheet.note(texts.service_ikm_missing)


def _plans_sheet(sheet: _Sheet, summary: Summary, content: Content) -> None:
    words = content.report.xlsx
    sheet.widths([24, 34, 44, 30, 36])
    _heading_block(sheet, words.plans_title, summary, content)
    if not summary.plans_of_period:
        sheet.note(content.report.no_plans)
        return
    _write_table(sheet, plans_table(summary, content), content, merge=True)
    sheet.blank()
    sheet.title(words.realisation_title)
    _write_table(sheet, realisation_table(period_plans(summary), content), content)


def summary_xlsx(summary: Summary, records: Iterable[AnswerRecord], content: Content) -> bytes:
    """The workbook of a period; `records` are the period's responses (the summary's own), read
    as they come, so a generator keeps memory bounded whatever the period's size."""
    words = content.report.xlsx
    workbook = Workbook(write_only=True)
    sheets = [
        workbook.create_sheet(name)
        for name in (
            words.sheet_responses,
            words.sheet_ikm,
            words.sheet_profile,
            words.sheet_services,
            words.sheet_plans,
        )
    ]
    responses, ikm, profile, services, plans = sheets
    _answer_sheet_frame(responses, summary.respondents, content)
    _responses_sheet(_Sheet(responses), summary, records, content)
    _ikm_sheet(_Sheet(ikm), summary, content)
    _profile_sheet(_Sheet(profile), summary, content)
    _services_sheet(_Sheet(services), summary, content)
    _plans_sheet(_Sheet(plans), summary, content)
    workbook.properties.title = content.report.title
    workbook.properties.creator = summary.unit_name
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
