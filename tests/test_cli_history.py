"""`skm riwayat`: published results of earlier periods, and the upward JSON read back."""

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from skm_core.content import Content
from tests.reports.semester_data import SEMESTER, UNIT_2023_NRR, fill_semester

SOURCE = "Laporan Tindak Lanjut SKM Kecamatan Sangasanga 2024"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def add_2023(capsys) -> tuple[int, str, str]:
    return run(
        capsys,
        "riwayat", "tambah", "--from", "2023-07-01", "--to", "2023-11-20", "--responden", "150",
        "--nrr", UNIT_2023_NRR, "--ikm", "97,72", "--sumber", SOURCE,
    )  # fmt: skip


def listed(capsys) -> list[dict[str, Any]]:
    code, out, _ = run(capsys, "riwayat", "daftar", "--json")
    assert code == 0
    return json.loads(out)


def test_add_list_and_remove_a_published_result(skm_env, capsys):
    code, out, err = add_2023(capsys)
    assert (code, err) == (0, "")
    assert (
        out.strip()
        == "Hasil periode 1 Juli 2023 s.d. 20 November 2023 dicatat sebagai riwayat [1]."
    )
    [stored] = listed(capsys)
    assert stored["nrr"]["U1"] == "3.88" and stored["nrr"]["U7"] == "3.9"
    assert (stored["ikm"], stored["respondents"], stored["source"]) == ("97.72", 150, SOURCE)
    code, out, _ = run(capsys, "riwayat", "daftar")
    assert "[1] 1 Juli 2023 s.d. 20 November 2023: 150 responden, IKM 97,72" in out
    assert run(capsys, "riwayat", "hapus", "1")[0] == 0
    assert listed(capsys) == []


def test_the_same_period_twice_is_refused(skm_env, capsys):
    assert add_2023(capsys)[0] == 0
    code, _, err = add_2023(capsys)
    assert code == 2
    assert "already has a published result" in err
    assert len(listed(capsys)) == 1


def test_removing_an_unknown_result_says_so(skm_env, capsys):
    code, _, err = run(capsys, "riwayat", "hapus", "7")
    assert (code, err.strip()) == (2, "no published result with id 7")


@pytest.mark.parametrize(
    ("nrr", "message"),
    [("3,88; 3,88", "give nine NRR"), ("3,88; " * 8 + "4,5", "U9: NRR 4.5 is outside 1..4")],
)
def test_wrong_nrr_is_a_usage_error(skm_env, capsys, nrr, message):
    with pytest.raises(SystemExit) as stop:
        main(["riwayat", "tambah", "--from", "2023-07-01", "--to", "2023-11-20",
              "--responden", "1", "--nrr", nrr, "--ikm", "90", "--sumber", "x"])  # fmt: skip
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


def test_upward_json_is_versioned_and_reads_back_as_history(
    skm_env: Path, content: Content, capsys, tmp_path: Path
):
    skm_env.mkdir(parents=True, exist_ok=True)
    asyncio.run(fill_semester(skm_env / "skm.sqlite3", content))
    out = tmp_path / "hasil.json"
    first, last = SEMESTER.first.isoformat(), SEMESTER.last.isoformat()
    args = ("report", "--from", first, "--to", last, "--out", str(out))
    assert run(capsys, *args, "--format", "json")[0] == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["schema"], data["schema_version"]) == ("skm-hasil", 1)
    assert data["period"]["label"] == "Semester II Tahun 2024"
    assert data["unit"]["name"] == "Kecamatan Sangasanga"
    ikm = json.loads(run(capsys, "ikm", "--db", "--from", first, "--to", last, "--json")[1])
    assert (data["respondents"], data["ikm"], data["grade"]) == (180, ikm["ikm"], ikm["grade"])
    assert data["nrr"] == ikm["nrr"]
    assert data["rtl"][0]["activity"] == "Penambahan petugas front office PATEN"
    assert {line["id"] for line in data["services"]} >= {"kk"}
    # Read back, it is a past result like any other (here in the same database).
    code, _, err = run(capsys, "riwayat", "import", str(out))
    assert (code, err) == (0, "")
    [stored] = [r for r in listed(capsys) if r["first"] == first]
    assert stored["ikm"] == str(data["ikm"])
    assert stored["source"] == "hasil.json"


def test_upward_csv_has_the_unit_then_each_service(skm_env, content, capsys, tmp_path):
    skm_env.mkdir(parents=True, exist_ok=True)
    asyncio.run(fill_semester(skm_env / "skm.sqlite3", content))
    out = tmp_path / "hasil.csv"
    first, last = SEMESTER.first.isoformat(), SEMESTER.last.isoformat()
    assert run(capsys, "report", "--from", first, "--to", last, "--out", str(out),
               "--format", "csv-hasil")[0] == 0  # fmt: skip
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("lingkup;nama;periode_awal;periode_akhir;responden;U1;")
    assert lines[1].startswith(f"unit;Kecamatan Sangasanga;{first};{last};180;")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "line 1, column 2: not JSON"),
        ('{"schema": "lain", "schema_version": 1}', "schema: Value error, expected 'skm-hasil'"),
        (
            '{"schema": "skm-hasil", "schema_version": 2}',
            "schema_version: Value error, version 2 is not known",
        ),
    ],
)
def test_a_file_that_is_not_upward_json_is_refused(skm_env, capsys, tmp_path, text, message):
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "riwayat", "import", str(path))
    assert code == 2
    assert message in err
    assert listed(capsys) == []


def test_report_infografis_writes_the_a4_pdf_and_the_square_png(skm_env, content, capsys, tmp_path):
    skm_env.mkdir(parents=True, exist_ok=True)
    asyncio.run(fill_semester(skm_env / "skm.sqlite3", content))
    out = tmp_path / "papan" / "infografis.pdf"
    first, last = SEMESTER.first.isoformat(), SEMESTER.last.isoformat()
    code, printed, _ = run(capsys, "report", "--from", first, "--to", last, "--out", str(out),
                           "--format", "infografis")  # fmt: skip
    assert code == 0
    assert printed.split() == [str(out), str(out.with_suffix(".png"))]
    assert out.read_bytes().startswith(b"%PDF")
    assert out.with_suffix(".png").read_bytes().startswith(b"\x89PNG")


def test_a_period_that_ends_before_it_starts_is_a_usage_error(skm_env, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["riwayat", "tambah", "--from", "2023-11-20", "--to", "2023-07-01", "--responden",
              "1", "--nrr", UNIT_2023_NRR, "--ikm", "90", "--sumber", "x"])  # fmt: skip
    assert stop.value.code == 2
    assert "--from is after --to" in capsys.readouterr().err
