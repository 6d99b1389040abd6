"""`skm ikm FILE`: the contract officials and other tools rely on."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.answer_sets import rows_with_unsur_sums

HEADER = "U1,U2,U3,U4,U5,U6,U7,U8,U9"


def csv_file(tmp_path: Path, rows: list[list[int | None]], header: str = HEADER) -> Path:
    lines = [header] + [",".join("" if v is None else str(v) for v in row) for row in rows]
    path = tmp_path / "jawaban.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def report_2023(tmp_path: Path) -> Path:
    sums = [388, 388, 386, 399, 389, 389, 390, 399, 390]
    return csv_file(tmp_path, rows_with_unsur_sums(100, sums))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_exactly_the_contracted_keys(skm_env, report_2023, capsys):
    code, out, err = run(capsys, "ikm", str(report_2023), "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data == {
        "respondents": 100,
        "nrr": {
            "U1": 3.88, "U2": 3.88, "U3": 3.86, "U4": 3.99, "U5": 3.89,
            "U6": 3.89, "U7": 3.9, "U8": 3.99, "U9": 3.9,
        },
        "ikm": 97.72,
        "grade": "A",
        "performance": "Sangat Baik",
        "unsur_grades": {f"U{i}": "A" for i in range(1, 10)},
        "lowest": ["U3", "U1", "U2"],
    }  # fmt: skip


def test_json_with_population_adds_sample_adequacy(skm_env, report_2023, capsys):
    _, out, _ = run(capsys, "ikm", str(report_2023), "--json", "--population", "150")
    data = json.loads(out)
    assert (data["min_sample"], data["sample_adequate"]) == (108, False)
    _code, out, _ = run(capsys, "ikm", str(report_2023), "--json", "--population", "120")
    data = json.loads(out)
    assert (data["min_sample"], data["sample_adequate"]) == (92, True)


def test_nrr_has_four_decimals_in_json(skm_env, tmp_path, capsys):
    rows: list[list[int | None]] = [[4] * 9, [4] * 9, [3, 4, 4, 4, 4, 4, 4, 4, 4]]
    _, out, _ = run(capsys, "ikm", str(csv_file(tmp_path, rows)), "--json")
    data = json.loads(out)
    assert data["nrr"]["U1"] == 3.6667
    assert data["ikm"] == 99.07


def test_readable_table_in_indonesian(skm_env, report_2023, capsys):
    code, out, _ = run(capsys, "ikm", str(report_2023), "--population", "150")
    assert code == 0
    assert "Jumlah responden: 100" in out
    assert "U3 Waktu Penyelesaian" in out
    assert "IKM: 97,72 — mutu pelayanan A (Sangat Baik)" in out
    assert "1. U3 Waktu Penyelesaian: NRR 3,86" in out
    assert "sampel minimum (Krejcie & Morgan): 108 responden" in out
    assert "kurang 8 responden" in out


def test_legacy_weight_is_opt_in_and_says_so(skm_env, tmp_path, capsys):
    path = csv_file(tmp_path, [[4] * 9])
    _, out, _ = run(capsys, "ikm", str(path), "--json", "--legacy-weight")
    assert json.loads(out)["ikm"] == 99.9
    _, out, _ = run(capsys, "ikm", str(path), "--legacy-weight")
    assert "0,111" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{HEADER}\n4,4,4,4,4,4,4,4,4\n4,4,4,9,4,4,4,4,4\n", "baris 3, kolom U4"),
        ("U1,U2,U3,U4,U5,U6,U7,U8\n4,4,4,4,4,4,4,4\n", "kolom U9 tidak ditemukan"),
        ("", "berkas kosong"),
        (f"{HEADER}\n4,4,,4,4,4,4,4,4\n", "tidak ada satu pun jawaban untuk U3"),
    ],
)
def test_bad_input_exits_2_with_nothing_on_stdout(skm_env, tmp_path, capsys, text, expected):
    path = tmp_path / "jawaban.csv"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "ikm", str(path), "--json")
    assert code == 2
    assert out == ""
    assert expected in err
    assert str(path) in err


def test_negative_population_is_a_usage_error(skm_env, report_2023, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["ikm", str(report_2023), "--population", "-5"])
    assert exit_.value.code == 2
    assert capsys.readouterr().out == ""


def test_the_installed_command_runs_as_a_process(skm_env, report_2023):
    done = subprocess.run(
        [str(Path(sys.executable).with_name("skm")), "ikm", str(report_2023), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ikm"] == 97.72
