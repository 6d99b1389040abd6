"""Reading survey answers from CSV and XLSX files (paper surveys typed in, online-form exports).

A file has a header row; the answer columns are named U1..U9 in any letter case and every
other column is kept as text for whoever needs it (the importer reads dates and the profile).
An empty answer cell means "not answered". Rows are numbered as a spreadsheet shows them: the
header is row 1.
"""

import csv
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from openpyxl.utils import get_column_letter

from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.compute import MAX_SCORE, MIN_SCORE, Answer
from skm_core.problems import Problem


@dataclass
class FileProblem(Exception):
    """A problem in an input file, located by row and column where it has a place.

    Not frozen: an exception passing through a context manager gets its traceback set."""

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


@dataclass(frozen=True)
class ReadLimits:
    """How large a file is read at all; beyond, the file is refused before it exhausts memory."""

    max_rows: int = 200_000
    max_columns: int = 200
    max_bytes: int = 100 * 1024 * 1024
    """Of the file as read: the CSV itself, or an XLSX's content once unzipped."""


# A physical CSV line longer than this is not a row of answers; it would only fill memory.
MAX_LINE_CHARS = 1024 * 1024


def read_answer_file(path: Path, limits: ReadLimits = ReadLimits()) -> list[AnswerRow]:
    """All responses in a CSV or XLSX file; raises FileProblem naming the row and column."""
    return list(iter_answer_file(path, limits))


def iter_answer_file(path: Path, limits: ReadLimits = ReadLimits()) -> Iterator[AnswerRow]:
    """The responses of a file one by one, reading as they are asked for (memory does not grow
    with the file); a FileProblem comes when the reading reaches it."""
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        table = _read_csv(path, limits)
    elif suffix in {".xlsx", ".xlsm"}:
        table = _read_xlsx(path, limits)
    else:
        raise FileProblem(path, Problem.UNSUPPORTED_FORMAT, value=path.suffix)
    return _parse_table(path, _within_limits(path, table, limits))


Table = Iterator[tuple[int, list[Cell]]]


def _within_limits(path: Path, table: Table, limits: ReadLimits) -> Table:
    # The header row is the first of them and no response.
    for count, (number, cells) in enumerate(table, start=0):
        if len(cells) > limits.max_columns and any(
            not _is_blank(c) for c in cells[limits.max_columns :]
        ):
            raise FileProblem(
                path, Problem.TOO_MANY_COLUMNS, row=number, detail=str(limits.max_columns)
            )
        if count > limits.max_rows:
            raise FileProblem(path, Problem.TOO_MANY_ROWS, row=number, detail=str(limits.max_rows))
        yield number, cells


def _too_large(path: Path, size: int, limits: ReadLimits) -> None:
    if size > limits.max_bytes:
        megabytes = f"{limits.max_bytes / 1024 / 1024:g}"
        raise FileProblem(
            path, Problem.TOO_LARGE, value=f"{size / 1024 / 1024:.1f}", detail=megabytes
        )


def _read_csv(path: Path, limits: ReadLimits) -> Table:
    try:
        _too_large(path, path.stat().st_size, limits)
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise FileProblem(path, Problem.UNREADABLE, detail=exc.strerror) from exc
    return _csv_rows(path, handle)


def _csv_rows(path: Path, handle: TextIO) -> Table:
    with handle:
        try:
            first_line = handle.readline(MAX_LINE_CHARS)
            handle.seek(0)
            if handle.read(1) != "\ufeff":
                handle.seek(0)
        except UnicodeDecodeError as exc:
            raise FileProblem(path, Problem.NOT_UTF8, detail=str(exc)) from exc
        # Excel in an Indonesian locale separates with semicolons, the comma being the decimal mark.
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        reader = csv.reader(_bounded_lines(path, handle), delimiter=delimiter)
        try:
            for record in reader:
                yield reader.line_num, list(record)
        except UnicodeDecodeError as exc:
            raise FileProblem(
                path, Problem.NOT_UTF8, row=reader.line_num + 1, detail=str(exc)
            ) from exc
        except csv.Error as exc:
            raise FileProblem(
                path, Problem.UNREADABLE, row=reader.line_num, detail=str(exc)
            ) from exc


def _bounded_lines(path: Path, handle: TextIO) -> Iterator[str]:
    number = 0
    while True:
        line = handle.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise FileProblem(path, Problem.UNREADABLE, row=number, detail="baris terlalu panjang")
        yield line


def _unzipped_size(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(member.file_size for member in archive.infolist())


def _read_xlsx(path: Path, limits: ReadLimits) -> Table:
    from openpyxl import load_workbook

    try:
        # Checked before anything is unzipped: a few MB can expand to gigabytes.
        _too_large(path, _unzipped_size(path), limits)
        values = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FileProblem(path, Problem.UNREADABLE, detail=str(exc)) from exc
    return _xlsx_rows(path, values, formulas)


def _xlsx_rows(path: Path, values: Any, formulas: Any) -> Table:
    try:
        value_sheet, formula_sheet = values.worksheets[0], formulas.worksheets[0]
        # The declared dimension can be wrong (or forged): every row present is read.
        value_sheet.reset_dimensions()
        formula_sheet.reset_dimensions()
        pairs = zip(
            value_sheet.iter_rows(values_only=True), formula_sheet.iter_rows(), strict=False
        )
        for number, (row_values, row_cells) in enumerate(pairs, start=1):
            cells = [_xlsx_cell(v) for v in row_values]
            for cell in row_cells:
                # A formula that was never calculated has no value to read: not a blank.
                position = getattr(cell, "column", None)
                if cell.data_type == "f" and position and cells[position - 1] is None:
                    raise FileProblem(
                        path,
                        Problem.FORMULA_WITHOUT_VALUE,
                        row=number,
                        column=get_column_letter(position),
                        value=str(cell.value),
                    )
            yield number, cells
    finally:
        values.close()
        formulas.close()


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


def _parse_table(path: Path, table: Table) -> Iterator[AnswerRow]:
    rows = ((n, cells) for n, cells in table if not all(_is_blank(c) for c in cells))
    first = next(rows, None)
    if first is None:
        raise FileProblem(path, Problem.EMPTY_FILE)
    header_row, header = first
    answer_columns, other_columns = _header_columns(path, header, header_row)
    parsed = 0
    for number, cells in rows:

        def cell_at(position: int, cells: list[Cell] = cells) -> Cell:
            return cells[position] if position < len(cells) else None

        answers = tuple(
            _score(path, number, code, cell_at(answer_columns[code])) for code in UNSUR_CODES
        )
        fields = {name: cell_at(position) for name, position in other_columns.items()}
        parsed += 1
        yield AnswerRow(number, answers, fields)
    if not parsed:
        raise FileProblem(path, Problem.NO_RESPONSES, row=header_row)
