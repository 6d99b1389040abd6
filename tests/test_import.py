"""`skm import` and `skm ikm --db`: historical responses in, the same IKM out."""

import json
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.cli import main
from tests.workbooks import active_sheet

HEADER = "tanggal;layanan;jenis_kelamin;usia;pendidikan;pekerjaan;U1;U2;U3;U4;U5;U6;U7;U8;U9;saran"


def write(tmp_path: Path, lines: list[str], name: str = "lama.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def ikm_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code, out, err = run(capsys, "ikm", *args, "--json")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


GOOD = [
    HEADER,
    "2024-05-02;kk;L;34;SMA;wirausaha;4;4;3;4;4;4;4;4;4;Pelayanan cepat",
    "31/05/2024 15:45;sktm;Perempuan;51;sd;Lainnya;3;3;3;4;3;3;4;3;3;",
    "2024-06-03;;p;;;;4;4;4;4;4;4;4;4;4;",
]


def test_import_then_ikm_from_the_database_equals_the_file(skm_env, tmp_path, capsys):
    path = write(tmp_path, GOOD)
    code, out, err = run(capsys, "import", "--urutan", "unit", str(path))
    assert (code, err) == (0, "")
    assert "3 respons" in out
    from_db = ikm_json(capsys, "--db")
    from_file = ikm_json(capsys, str(path))
    assert from_db == from_file
    assert from_db["respondents"] == 3


def test_ikm_from_the_database_by_local_period_and_service(skm_env, tmp_path, capsys):
    run(capsys, "import", "--urutan", "unit", str(write(tmp_path, GOOD)))
    may = ikm_json(capsys, "--db", "--from", "2024-05-01", "--to", "2024-05-31")
    assert may["respondents"] == 2
    kk = ikm_json(capsys, "--db", "--layanan", "kk")
    assert kk["respondents"] == 1
    assert kk["ikm"] == round(25 * 35 / 9, 2)


def test_an_empty_period_says_so(skm_env, tmp_path, capsys):
    run(capsys, "import", "--urutan", "unit", str(write(tmp_path, GOOD)))
    code, out, err = run(capsys, "ikm", "--db", "--from", "2025-01-01", "--json")
    assert (code, out) == (1, "")
    assert "Tidak ada jawaban survei" in err


def test_unknown_service_filter_is_refused(skm_env, capsys):
    code, out, err = run(capsys, "ikm", "--db", "--layanan", "paspor")
    assert (code, out) == (2, "")
    assert "paspor" in err


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        ("2024-05-02;kk;L;34;SMA;wirausaha;4;4;3;4;4;4;4;7;4;", "baris 3, kolom U8"),
        ("2024-13-02;kk;L;34;SMA;wirausaha;4;4;3;4;4;4;4;4;4;", "baris 3, kolom tanggal"),
        ("2024-05-02;paspor;L;34;SMA;wirausaha;4;4;3;4;4;4;4;4;4;", 'layanan "paspor"'),
        ("2024-05-02;kk;X;34;SMA;wirausaha;4;4;3;4;4;4;4;4;4;", "kolom jenis_kelamin"),
        ("2024-05-02;kk;L;tiga;SMA;wirausaha;4;4;3;4;4;4;4;4;4;", "kolom usia"),
        ("2024-05-02;kk;L;34;SMA;pilot;4;4;3;4;4;4;4;4;4;", "kolom pekerjaan"),
    ],
)
def test_a_bad_row_imports_nothing(skm_env, tmp_path, capsys, bad_row, expected):
    path = write(tmp_path, [GOOD[0], GOOD[1], bad_row])
    code, out, err = run(capsys, "import", "--urutan", "unit", str(path))
    assert (code, out) == (2, "")
    assert expected in err
    code, _, _ = run(capsys, "ikm", "--db")
    assert code == 1  # nothing was stored, not even the good first row


def test_rows_without_a_date_need_the_tanggal_option(skm_env, tmp_path, capsys):
    path = write(tmp_path, ["U1;U2;U3;U4;U5;U6;U7;U8;U9", "4;4;4;4;4;4;4;4;4"])
    code, _, err = run(capsys, "import", "--urutan", "unit", str(path))
    assert code == 2
    assert "--tanggal" in err
    code, _out, _ = run(capsys, "import", "--urutan", "unit", str(path), "--tanggal", "2024-02-29")
    assert code == 0
    assert ikm_json(capsys, "--db", "--from", "2024-02-29", "--to", "2024-02-29")["ikm"] == 100.0


def test_import_from_xlsx_with_date_cells(skm_env, tmp_path, capsys):
    from datetime import datetime

    book = Workbook()
    sheet = active_sheet(book)
    sheet.append(["Tanggal", "Layanan", *[f"U{i}" for i in range(1, 10)]])
    sheet.append([datetime(2024, 7, 1, 9, 30), "Kartu Keluarga", *[3] * 9])
    path = tmp_path / "lama.xlsx"
    book.save(path)
    code, _, err = run(capsys, "import", "--urutan", "unit", str(path))
    assert code == 0, err
    assert ikm_json(capsys, "--db", "--from", "2024-07-01", "--layanan", "kk")["ikm"] == 75.0


def test_the_units_timezone_comes_from_content_and_can_be_overridden(
    skm_env, tmp_path, capsys, monkeypatch
):
    path = write(tmp_path, [HEADER, "2024-06-01 00:30;kk;L;34;SMA;wirausaha;4;4;4;4;4;4;4;4;4;"])
    run(
        capsys, "import", "--urutan", "unit", str(path)
    )  # half past midnight WITA, 16:30 UTC the day before
    assert (
        ikm_json(capsys, "--db", "--from", "2024-06-01", "--to", "2024-06-01")["respondents"] == 1
    )
    monkeypatch.setenv("SKM_TIMEZONE", "Asia/Jakarta")  # in WIB it is still 31 May
    code, _, _ = run(capsys, "ikm", "--db", "--from", "2024-06-01", "--to", "2024-06-01")
    assert code == 1


def stored_count(data: Path) -> int:
    with sqlite3.connect(data / "skm.sqlite3") as db:
        return int(db.execute("SELECT COUNT(*) FROM survey_responses").fetchone()[0])


def test_a_file_imported_before_is_refused_and_stores_nothing(skm_env, tmp_path, capsys):
    path = write(tmp_path, GOOD)
    assert run(capsys, "import", "--urutan", "unit", str(path))[0] == 0
    # The same content under another name is the same file.
    renamed = path.rename(tmp_path / "salinan.csv")
    code, out, err = run(capsys, "import", "--urutan", "unit", str(renamed))
    assert (code, out) == (2, "")
    assert "sudah pernah diimpor pada" in err and "(3 respons)" in err and "--ulang" in err
    assert stored_count(skm_env) == 3


def test_ulang_imports_a_file_again_on_purpose(skm_env, tmp_path, capsys):
    path = write(tmp_path, GOOD)
    run(capsys, "import", "--urutan", "unit", str(path))
    code, out, _ = run(capsys, "import", "--urutan", "unit", str(path), "--ulang")
    assert code == 0 and "3 respons" in out
    assert stored_count(skm_env) == 6


def test_a_file_refused_for_a_bad_row_can_be_imported_once_corrected(skm_env, tmp_path, capsys):
    bad = write(tmp_path, [*GOOD, "2024-06-04;;;;;;4;4;4;4;4;4;4;4;9;"])
    assert run(capsys, "import", "--urutan", "unit", str(bad))[0] == 2
    good = write(tmp_path, GOOD)
    assert run(capsys, "import", "--urutan", "unit", str(good))[0] == 0
    assert stored_count(skm_env) == 3


def test_import_limits_are_settings(skm_env, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SKM_IMPORT_MAX_ROWS", "2")
    code, _, err = run(capsys, "import", "--urutan", "unit", str(write(tmp_path, GOOD)))
    assert code == 2
    assert "baris 4: jumlah baris jawaban melebihi batas 2" in err
    assert not (skm_env / "skm.sqlite3").exists() or stored_count(skm_env) == 0


def test_profile_words_the_content_declares_are_read_as_in_the_chat(skm_env, tmp_path, capsys):
    rows = [HEADER, "2024-05-02;kk;cewek;34;SMA;wiraswasta;4;4;3;4;4;4;4;4;4;"]
    code, _, err = run(capsys, "import", "--urutan", "unit", str(write(tmp_path, rows)))
    assert code == 0, err
    with sqlite3.connect(skm_env / "skm.sqlite3") as conn:
        [(profile,)] = conn.execute("SELECT profile FROM survey_responses").fetchall()
    assert json.loads(profile)["jenis_kelamin"] == "p"
    assert json.loads(profile)["pekerjaan"] == "wirausaha"
