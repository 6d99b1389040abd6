"""Dates on the command line and in imported files lie between 2000 and tomorrow: anything
else is refused with a clear message and exit status 2, and nothing is stored."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main

HEADER = "tanggal;U1;U2;U3;U4;U5;U6;U7;U8;U9"
GOOD_ROW = "2024-05-02;4;4;3;4;4;4;4;4;4"


def after_tomorrow() -> str:
    return (datetime.now(UTC).date() + timedelta(days=3)).isoformat()


def answers(tmp_path: Path, *dates: str) -> Path:
    path = tmp_path / "lama.csv"
    rows = [GOOD_ROW] + [f"{d};4;4;4;4;4;4;4;4;4" for d in dates]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def stored(data: Path) -> int:
    if not (data / "skm.sqlite3").exists():
        return 0
    with sqlite3.connect(data / "skm.sqlite3") as db:
        return int(db.execute("SELECT COUNT(*) FROM survey_responses").fetchone()[0])


@pytest.mark.parametrize(
    "day", ["0001-01-01", "0999-12-31", "01/01/0001", "31.12.1999", "9999-12-31"]
)
def test_an_imported_date_out_of_range_names_its_row_and_column(skm_env, tmp_path, capsys, day):
    code = main(["import", "--urutan", "unit", str(answers(tmp_path, "2024-05-03", day))])
    err = capsys.readouterr().err
    assert code == 2
    assert f'baris 4, kolom tanggal: tanggal "{day}" di luar jangkauan' in err
    assert "1 Januari 2000" in err
    assert stored(skm_env) == 0


def test_an_imported_date_after_tomorrow_is_refused(skm_env, tmp_path, capsys):
    code = main(["import", "--urutan", "unit", str(answers(tmp_path, after_tomorrow()))])
    assert code == 2
    assert "di luar jangkauan" in capsys.readouterr().err
    assert stored(skm_env) == 0


def test_a_malformed_imported_date_names_its_row_and_column(skm_env, tmp_path, capsys):
    code = main(["import", "--urutan", "unit", str(answers(tmp_path, "2024-13-45"))])
    assert code == 2
    assert 'baris 3, kolom tanggal: "2024-13-45" bukan tanggal yang sah' in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--from", "0001-01-01", "--to", "2024-01-31", "--format", "csv", "--out", "x"],
        ["report", "--from", "1999-12-01", "--to", "2024-01-31", "--format", "csv", "--out", "x"],
        ["report", "--from", "2024-01-01", "--to", "9999-12-31", "--format", "pdf", "--out", "x"],
        ["ikm", "--db", "--from", "0999-01-01"],
        ["ikm", "--db", "--to", "9999-01-01"],
        ["import", "--urutan", "unit", "x.csv", "--tanggal", "0001-01-01"],
    ],
)
def test_a_date_out_of_range_on_the_command_line_is_exit_2(skm_env, capsys, args):
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "before 2000-01-01" in err or "after tomorrow" in err or "beyond" in err
    assert "Traceback" not in err


def report_args(first: str, last: str) -> list[str]:
    return ["report", "--from", first, "--to", last, "--format", "csv", "--out", "x.csv"]


@pytest.mark.parametrize(
    "args",
    [
        lambda late: report_args(late, "2099-01-01"),
        lambda late: ["import", "--urutan", "unit", "x.csv", "--tanggal", late],
    ],
)
def test_a_date_after_tomorrow_on_the_command_line_is_exit_2(skm_env, capsys, args):
    with pytest.raises(SystemExit) as exited:
        main(args(after_tomorrow()))
    assert exited.value.code == 2
    assert "after tomorrow" in capsys.readouterr().err
