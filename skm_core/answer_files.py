"""Reading survey answers from CSV and XLSX files (paper surveys typed in, online-form exports).

A file has a header row; the answer columns are named U1..U9 in any letter case and every
other column is kept as text for whoever needs it (the importer reads dates and the profile).
An empty answer cell means "not answered". Rows are numbered as a spreadsheet shows them: the
header is row 1.
"""

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from skm_core.content.models import UNSUR_CODES
from skm_core.ikm import MAX_SCORE, MIN_SCORE, Answer
from skm_core.problems import Problem


@dataclass(frozen=True)
class FileProblem(Exception):
    """A problem in an input file, located by row and column where it has a place."""

    file: Path
    problem: Problem
    row: int | None = None
    column: str | None = None
    value: str | None = None
    detail: str | None = None

    def describe(self, wording: Mapping[Problem, str]) -> str:
        """The problem in the words of content/texts.yaml."""
        fields = {
            "file": self.file,
            "row": "" if self.row is None else self.row,
            "column": self.column or "",
            "value": self.value or "",
            "detail": self.detail or "",
        }
        return wording[self.problem].format_map(fields)

    def __str__(self) -> str:
        parts = [str(self.file)]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        parts.append(self.problem.value)
        if self.value is not None:
            parts.append(repr(self.value))
        return ": ".join(parts)


Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class AnswerRow:
    row: int
    answers: tuple[Answer, ...]
    fields: dict[str, Cell] = field(default_factory=dict)
    """The other columns, keyed by their header in lower case."""


def read_answer_file(path: Path) -> list[AnswerRow]:
    """All responses in a CSV or XLSX file; raises FileProblem naming the row and column."""
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        table = _read_csv(path)
    elif suffix in {".xlsx", ".xlsm"}:
        table = _read_xlsx(path)
    else:
        raise FileProblem(path, Problem.UNSUPPORTED_FORMAT, value=path.suffix)
    return _parse_table(path, table)


def _read_csv(path: Path) -> list[tuple[int, list[Cell]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileProblem(path, Problem.UNREADABLE, detail=exc.strerror) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(path, Problem.NOT_UTF8, detail=str(exc)) from exc
    first_line = text.split("\n", 1)[0]
    # Excel in an Indonesian locale separates with semicolons, since the comma is the decimal mark.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Cell]]] = []
    try:
        for record in reader:
            rows.append((reader.line_num, list(record)))
    except csv.Error as exc:
        raise FileProblem(path, Problem.UNREADABLE, row=reader.line_num, detail=str(exc)) from exc
    return rows


def _read_xlsx(path: Path) -> list[tuple[int, list[Cell]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FileProblem(path, Problem.UNREADABLE, detail=str(exc)) from exc
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, [_xlsx_cell(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _xlsx_cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | date):
        return value
    return str(value)


def _is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _header_columns(
    path: Path, header: list[Cell], header_row: int
) -> tuple[dict[str, int], dict[str, int]]:
    answer_columns: dict[str, int] = {}
    other_columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = "" if cell is None else str(cell).strip()
        key = name.upper()
        if key in UNSUR_CODES:
            if key in answer_columns:
                raise FileProblem(path, Problem.DUPLICATE_COLUMN, row=header_row, column=key)
            answer_columns[key] = position
        elif name:
            other_columns.setdefault(name.lower(), position)
    for code in UNSUR_CODES:
        if code not in answer_columns:
            raise FileProblem(path, Problem.MISSING_COLUMN, row=header_row, column=code)
    return answer_columns, other_columns


def _score(path: Path, row: int, code: str, cell: Cell) -> Answer:
    if _is_blank(cell):
        return None
    if isinstance(cell, bool):
        raise FileProblem(path, Problem.NOT_A_SCORE, row=row, column=code, value=str(cell))
    if isinstance(cell, int | float) and cell == int(cell) and MIN_SCORE <= cell <= MAX_SCORE:
        return int(cell)
    if isinstance(cell, str) and cell.strip() in {"1", "2", "3", "4"}:
        return int(cell.strip())
    raise FileProblem(path, Problem.NOT_A_SCORE, row=row, column=code, value=str(cell).strip())


def _parse_table(path: Path, table: list[tuple[int, list[Cell]]]) -> list[AnswerRow]:
    rows = [(n, cells) for n, cells in table if not all(_is_blank(c) for c in cells)]
    if not rows:
        raise FileProblem(path, Problem.EMPTY_FILE)
    header_row, header = rows[0]
    answer_columns, other_columns = _header_columns(path, header, header_row)
    parsed: list[AnswerRow] = []
    for number, cells in rows[1:]:

        def cell_at(position: int, cells: list[Cell] = cells) -> Cell:
            return cells[position] if position < len(cells) else None

        answers = tuple(
            _score(path, number, code, cell_at(answer_columns[code])) for code in UNSUR_CODES
        )
        fields = {name: cell_at(position) for name, position in other_columns.items()}
        parsed.append(AnswerRow(number, answers, fields))
    if not parsed:
        raise FileProblem(path, Problem.NO_RESPONSES, row=header_row)
    return parsed
