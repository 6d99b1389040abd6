"""`--unit` on `skm ikm --db` and `skm report`, and `skm ikm --db --kabupaten`."""

import asyncio
import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.cli_units import chosen_unit
from skm_core.content import Content, shipped_content_dir, shipped_kabupaten_dir
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage import Database
from skm_core.storage.responses import insert_responses
from tests.desk.units import unit_contents

WITA = ZoneInfo("Asia/Makassar")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


async def _seed(path: Path, units: dict[str, int]) -> None:
    """Ten November answers per unit, every unsur answered alike."""
    async with await Database.open(path) as db:
        for unit, answer in units.items():
            async with db.for_unit(unit).transaction() as tx:
                await insert_responses(
                    tx,
                    [
                        SurveyResponse(
                            submitted_at=datetime(2026, 11, day, 10, tzinfo=WITA),
                            channel="telegram",
                            answers=(answer,) * 9,
                            service_id="kk",
                        )
                        for day in range(1, 11)
                    ],
                )


@pytest.fixture
def stored(skm_env: Path, content: Content) -> str:
    """The unit's answers (IKM 75) beside another unit's (IKM 100) in one database."""
    unit = content.unit.id
    asyncio.run(_seed(skm_env / "skm.sqlite3", {unit: 3, "anggana": 4}))
    return unit


def test_ikm_from_the_database_reads_only_the_units_own_answers(stored, capsys):
    code, out, err = run(capsys, "ikm", "--db", "--json")
    assert (code, err) == (0, "")
    assert (json.loads(out)["respondents"], json.loads(out)["ikm"]) == (10, 75.0)


def test_the_one_unit_may_be_named(stored, capsys):
    code, out, _ = run(capsys, "ikm", "--db", "--json", "--unit", stored)
    assert (code, json.loads(out)["ikm"]) == (0, 75.0)


def test_answers_stored_before_units_are_the_one_units(skm_env, capsys):
    asyncio.run(_seed(skm_env / "skm.sqlite3", {"": 2}))
    code, out, _ = run(capsys, "ikm", "--db", "--json")
    assert (code, json.loads(out)["ikm"]) == (0, 50.0)


@pytest.fixture
def kabupaten(skm_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped example of three units, their answers in one database."""
    monkeypatch.setenv("SKM_CONTENT_DIR", str(shipped_kabupaten_dir()))
    asyncio.run(_seed(skm_env / "skm.sqlite3", {"sangasanga": 3, "anggana": 4, "muara-jawa": 2}))
    return skm_env


def test_with_several_units_the_unit_is_required_and_named_by_its_id(kabupaten, capsys):
    code, out, err = run(capsys, "ikm", "--db", "--json")
    assert (code, out) == (2, "")
    assert "--unit is required" in err and "sangasanga, anggana, muara-jawa" in err
    code, out, _ = run(capsys, "ikm", "--db", "--json", "--unit", "muara-jawa")
    assert (code, json.loads(out)["ikm"]) == (0, 50.0)
    code, _, err = run(capsys, "report", "--from", "2026-11-01", "--to", "2026-11-30",
                       "--format", "csv", "--out", "r.csv")  # fmt: skip
    assert code == 2 and "--unit is required" in err


def test_the_kabupaten_of_three_units_side_by_side(kabupaten, capsys):
    code, out, err = run(capsys, "ikm", "--db", "--kabupaten", "--json",
                         "--from", "2026-11-01", "--to", "2026-11-30")  # fmt: skip
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["region"] == "Kabupaten Kutai Kartanegara"
    ranked = [(u["rank"], u["unit"], u["ikm"]) for u in data["units"]]
    assert ranked == [(1, "anggana", 100.0), (2, "sangasanga", 75.0), (3, "muara-jawa", 50.0)]


def test_an_unknown_unit_is_refused_naming_the_known_ones(stored, capsys):
    code, out, err = run(capsys, "ikm", "--db", "--unit", "samarinda")
    assert (code, out) == (2, "")
    assert "unknown unit 'samarinda'" in err
    code, _, err = run(capsys, "report", "--from", "2026-11-01", "--to", "2026-11-30",
                       "--format", "csv", "--out", "r.csv", "--unit", "samarinda")  # fmt: skip
    assert code == 2 and "unknown unit 'samarinda'" in err


def test_with_several_units_the_unit_must_be_named(content, capsys):
    units = unit_contents(content)
    assert chosen_unit(None, units) is None
    assert "--unit is required" in capsys.readouterr().err
    assert chosen_unit("palaran", units) is None
    assert "known: sangasanga, anggana, muara-jawa" in capsys.readouterr().err
    assert chosen_unit("anggana", units) == "anggana"


def test_the_report_of_one_unit_holds_only_its_answers(stored, skm_env, capsys):
    out_file = skm_env.parent / "laporan.csv"
    code, _, err = run(capsys, "report", "--from", "2026-11-01", "--to", "2026-11-30",
                       "--format", "csv", "--out", str(out_file))  # fmt: skip
    assert (code, err) == (0, "")
    rows = out_file.read_text(encoding="utf-8-sig").strip().splitlines()
    assert len(rows) == 1 + 10


def test_the_kabupaten_side_by_side_as_json(stored, content, capsys):
    code, out, err = run(capsys, "ikm", "--db", "--kabupaten", "--json",
                         "--from", "2026-11-01", "--to", "2026-11-30")  # fmt: skip
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["from"], data["to"]) == ("2026-11-01", "2026-11-30")
    [line] = data["units"]  # the content folder holds one unit
    assert (line["unit"], line["rank"], line["ikm"], line["respondents"]) == (stored, 1, 75.0, 10)
    assert line["lowest"] == "U1" and line["overdue_plans"] == 0


def test_the_kabupaten_side_by_side_as_text(stored, content, capsys):
    code, out, _ = run(capsys, "ikm", "--db", "--kabupaten",
                       "--from", "2026-11-01", "--to", "2026-11-30")  # fmt: skip
    assert code == 0
    assert f"1. {content.unit.name}: IKM 75,00 — mutu C" in out


def test_the_kabupaten_needs_a_period(stored, capsys):
    code, _, err = run(capsys, "ikm", "--db", "--kabupaten")
    assert code == 2 and "--kabupaten needs --from and --to" in err


@pytest.mark.parametrize(
    "args",
    [
        ["ikm", "--kabupaten", "x.csv"],
        ["ikm", "--db", "--kabupaten", "--unit", "anggana"],
        ["ikm", "x.csv", "--unit", "anggana"],
    ],
)
def test_options_that_do_not_go_together_are_refused(skm_env, args):
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2


def test_a_unit_that_names_no_id_reads_its_rows_as_stored_before_units(
    skm_env, monkeypatch, capsys
):
    folder = skm_env.parent / "content"
    shutil.copytree(shipped_content_dir(), folder)
    unit_file = folder / "unit.yaml"
    unit_file.write_text(
        re.sub(r"(?m)^id: .*\n", "", unit_file.read_text(encoding="utf-8")), encoding="utf-8"
    )
    monkeypatch.setenv("SKM_CONTENT_DIR", str(folder))
    asyncio.run(_seed(skm_env / "skm.sqlite3", {"": 2}))
    code, out, err = run(capsys, "ikm", "--db", "--json")
    assert (code, err, json.loads(out)["ikm"]) == (0, "", 50.0)
    code, out, _ = run(capsys, "ikm", "--db", "--kabupaten", "--json",
                       "--from", "2026-11-01", "--to", "2026-11-30")  # fmt: skip
    [line] = json.loads(out)["units"]
    assert (line["unit"], line["respondents"]) == ("unit", 10)
    # As the bot keeps them: nothing was moved to another unit.
    assert asyncio.run(_units_stored(skm_env / "skm.sqlite3")) == [""]


async def _units_stored(path: Path) -> list[str]:
    async with await Database.open(path) as db:
        return [
            str(r[0]) for r in await db.fetch_all("SELECT DISTINCT unit_id FROM survey_responses")
        ]
