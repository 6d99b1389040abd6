"""Reading answer files: the formats officials really have, and every way they go wrong."""

import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from skm_core.ikm.answer_files import (
    MAX_LINE_CHARS,
    FileProblem,
    ReadLimits,
    iter_answer_file,
    read_answer_file,
)
from skm_core.problems import Problem
from tests.workbooks import active_sheet

HEADER = "U1,U2,U3,U4,U5,U6,U7,U8,U9"


def write(tmp_path: Path, text: str, name: str = "jawaban.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_comma_separated(tmp_path):
    rows = read_answer_file(write(tmp_path, f"{HEADER}\n4,4,3,4,4,4,4,4,4\n"))
    assert [r.answers for r in rows] == [(4, 4, 3, 4, 4, 4, 4, 4, 4)]
    assert rows[0].row == 2


def test_semicolons_as_excel_writes_them_in_an_indonesian_locale(tmp_path):
    text = "Nama;u1;u2;u3;u4;u5;u6;u7;u8;u9;Saran\nBudi;4;3;2;1;4;3;2;1;4;Bagus, terima kasih\n"
    rows = read_answer_file(write(tmp_path, text))
    assert rows[0].answers == (4, 3, 2, 1, 4, 3, 2, 1, 4)
    assert rows[0].fields == {"nama": "Budi", "saran": "Bagus, terima kasih"}


def test_byte_order_mark_is_ignored(tmp_path):
    rows = read_answer_file(write(tmp_path, f"\ufeff{HEADER}\n1,1,1,1,1,1,1,1,1\n"))
    assert rows[0].answers == (1,) * 9


def test_columns_in_any_order_and_case(tmp_path):
    text = "u9,U8,u7,U6,u5,U4,u3,U2,u1\n1,2,3,4,1,2,3,4,1\n"
    assert read_answer_file(write(tmp_path, text))[0].answers == (1, 4, 3, 2, 1, 4, 3, 2, 1)


def test_empty_cells_are_not_answered_and_blank_lines_are_skipped(tmp_path):
    text = f"{HEADER}\n4,,4,4,4,4,4,4, \n\n,,,,,,,,\n3,3,3,3,3,3,3,3,3\n"
    rows = read_answer_file(write(tmp_path, text))
    assert [r.answers for r in rows] == [
        (4, None, 4, 4, 4, 4, 4, 4, None),
        (3,) * 9,
    ]
    assert [r.row for r in rows] == [2, 5]


@pytest.mark.parametrize("bad", ["5", "0", "x", "3.5", "4,0", "-1", "empat"])
def test_a_value_other_than_one_to_four_names_row_and_column(tmp_path, bad):
    text = f'{HEADER}\n4,4,4,4,4,4,4,4,4\n4,4,4,4,4,4,"{bad}",4,4\n'
    with pytest.raises(FileProblem) as err:
        read_answer_file(write(tmp_path, text))
    assert (err.value.problem, err.value.row, err.value.column) == (Problem.NOT_A_SCORE, 3, "U7")
    assert err.value.value == bad


def test_missing_answer_column(tmp_path):
    with pytest.raises(FileProblem) as err:
        read_answer_file(write(tmp_path, "U1,U2,U3,U4,U5,U6,U7,U9\n4,4,4,4,4,4,4,4\n"))
    assert (err.value.problem, err.value.row, err.value.column) == (Problem.MISSING_COLUMN, 1, "U8")


def test_duplicate_answer_column(tmp_path):
    with pytest.raises(FileProblem) as err:
        read_answer_file(write(tmp_path, f"{HEADER},u3\n" + "4," * 9 + "4\n"))
    assert (err.value.problem, err.value.column) == (Problem.DUPLICATE_COLUMN, "U3")


@pytest.mark.parametrize("text", ["", "\n\n", "\ufeff"])
def test_empty_file(tmp_path, text):
    with pytest.raises(FileProblem) as err:
        read_answer_file(write(tmp_path, text))
    assert err.value.problem is Problem.EMPTY_FILE


def test_header_without_responses(tmp_path):
    with pytest.raises(FileProblem) as err:
        read_answer_file(write(tmp_path, f"{HEADER}\n"))
    assert err.value.problem is Problem.NO_RESPONSES


def test_not_utf8(tmp_path):
    with pytest.raises(FileProblem) as err:
        read_answer_file(
            write(tmp_path, f"Nama,{HEADER}\nJosé,4,4,4,4,4,4,4,4,4\n", encoding="cp1252")
        )
    assert err.value.problem is Problem.NOT_UTF8


def test_missing_file(tmp_path):
    with pytest.raises(FileProblem) as err:
        read_answer_file(tmp_path / "tidak-ada.csv")
    assert err.value.problem is Problem.UNREADABLE


def test_unsupported_format(tmp_path):
    with pytest.raises(FileProblem) as err:
        read_answer_file(write(tmp_path, "x", name="jawaban.pdf"))
    assert err.value.problem is Problem.UNSUPPORTED_FORMAT


def test_xlsx_with_numbers_text_and_blanks(tmp_path):
    book = Workbook()
    sheet = active_sheet(book)
    sheet.append(["Tanggal", *[f"U{i}" for i in range(1, 10)]])
    sheet.append(["2024-05-01", 4, 4.0, "3", None, 4, 4, 4, 4, 4])
    path = tmp_path / "jawaban.xlsx"
    book.save(path)
    rows = read_answer_file(path)
    assert rows[0].answers == (4, 4, 3, None, 4, 4, 4, 4, 4)
    assert rows[0].fields == {"tanggal": "2024-05-01"}


def test_xlsx_bad_cell(tmp_path):
    book = Workbook()
    sheet = active_sheet(book)
    sheet.append([f"U{i}" for i in range(1, 10)])
    sheet.append([4, 4, 4, 4, 4, 4, 4, 4, 4.5])
    path = tmp_path / "jawaban.xlsx"
    book.save(path)
    with pytest.raises(FileProblem) as err:
        read_answer_file(path)
    assert (err.value.row, err.value.column, err.value.value) == (2, "U9", "4.5")


def test_a_corrupt_xlsx_is_unreadable_not_a_crash(tmp_path):
    with pytest.raises(FileProblem) as err:
        read_answer_file(write(tmp_path, "bukan zip", name="jawaban.xlsx"))
    assert err.value.problem is Problem.UNREADABLE


# --- files within limits, read as they are used -----------------------------------------------

ROW = "4,4,3,4,4,4,4,4,4"


def rewrite_sheet(path: Path, change) -> None:
    """Edit the first sheet's XML inside an XLSX, as another program might have written it."""
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = change(members[sheet].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)


def xlsx(tmp_path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    for row in [[f"U{i}" for i in range(1, 10)], *rows]:
        active_sheet(book).append(row)
    path = tmp_path / "jawaban.xlsx"
    book.save(path)
    return path


def test_a_file_with_more_rows_than_allowed_is_refused_naming_the_row(tmp_path):
    path = write(tmp_path, HEADER + "\n" + f"{ROW}\n" * 6)
    assert len(read_answer_file(path, ReadLimits(max_rows=6))) == 6
    with pytest.raises(FileProblem) as err:
        read_answer_file(path, ReadLimits(max_rows=5))
    assert (err.value.problem, err.value.row, err.value.detail) == (
        Problem.TOO_MANY_ROWS,
        7,
        "5",
    )


def test_a_file_with_more_columns_than_allowed_is_refused(tmp_path):
    path = write(tmp_path, HEADER + ",a,b,c\n" + ROW + ",1,2,3\n")
    with pytest.raises(FileProblem) as err:
        read_answer_file(path, ReadLimits(max_columns=10))
    assert (err.value.problem, err.value.row) == (Problem.TOO_MANY_COLUMNS, 1)


def test_a_csv_larger_than_allowed_is_refused_before_it_is_read(tmp_path):
    path = write(tmp_path, HEADER + "\n" + f"{ROW}\n" * 100)
    with pytest.raises(FileProblem) as err:
        read_answer_file(path, ReadLimits(max_bytes=1000))
    assert err.value.problem is Problem.TOO_LARGE


def test_an_xlsx_that_unzips_beyond_the_limit_is_refused_before_it_is_unzipped(tmp_path):
    path = xlsx(tmp_path, [[4] * 9])
    padding = "<!--" + "a" * 2_000_000 + "-->"
    rewrite_sheet(path, lambda xml: xml.replace("</worksheet>", padding + "</worksheet>"))
    assert path.stat().st_size < 100_000  # small on disk
    with pytest.raises(FileProblem) as err:
        read_answer_file(path, ReadLimits(max_bytes=1024 * 1024))
    assert err.value.problem is Problem.TOO_LARGE


def test_a_very_long_csv_line_is_refused_not_held(tmp_path):
    path = write(tmp_path, HEADER + "\n" + "4," * 9 + "x" * (MAX_LINE_CHARS + 10) + "\n")
    with pytest.raises(FileProblem) as err:
        read_answer_file(path)
    assert (err.value.problem, err.value.row) == (Problem.UNREADABLE, 2)


def test_a_formula_never_calculated_is_an_error_not_a_blank(tmp_path):
    path = xlsx(tmp_path, [[4, 4, 4, 4, 4, 4, 4, 4, 4], [4, 4, "=2+1", 4, 4, 4, 4, 4, 4]])
    with pytest.raises(FileProblem) as err:
        read_answer_file(path)
    assert (err.value.problem, err.value.row, err.value.column, err.value.value) == (
        Problem.FORMULA_WITHOUT_VALUE,
        3,
        "C",
        "=2+1",
    )


def test_a_calculated_formula_is_read_by_its_value(tmp_path):
    path = xlsx(tmp_path, [[4, 4, "=2+1", 4, 4, 4, 4, 4, 4]])
    rewrite_sheet(path, lambda xml: xml.replace("<f>2+1</f><v />", "<f>2+1</f><v>3</v>"))
    assert read_answer_file(path)[0].answers == (4, 4, 3, 4, 4, 4, 4, 4, 4)


def test_rows_beyond_the_declared_dimension_are_read(tmp_path):
    path = xlsx(tmp_path, [[4] * 9, [3] * 9, [2] * 9])
    rewrite_sheet(
        path, lambda xml: xml.replace('<dimension ref="A1:I4" />', '<dimension ref="A1:I2" />')
    )
    assert [r.answers[0] for r in read_answer_file(path)] == [4, 3, 2]


def test_reading_a_large_csv_keeps_memory_flat(tmp_path):
    path = write(tmp_path, HEADER + ",tanggal,saran\n" + f"{ROW},2024-05-02,baik sekali\n" * 60_000)
    tracemalloc.start()
    try:
        rows = sum(1 for _ in iter_answer_file(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rows == 60_000
    # The file is about 2 MB; held whole with its rows it would take tens of MB.
    assert peak < 1_000_000
