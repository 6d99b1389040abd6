"""One function builds a period's export: the chat's /ekspor and `skm report` get the same files."""

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from skm_core.content import Content
from skm_core.reports.export import CHAT_EXPORT, ExportKind, build_export
from skm_core.reports.summary import build_summary
from skm_core.storage import Database
from skm_core.storage.units import adopt_rows
from tests.reports.semester_data import SEMESTER, fill_semester

STEM = f"skm-{SEMESTER.first.isoformat()}-{SEMESTER.last.isoformat()}"


async def _export(path: Path, content: Content, kinds: list[ExportKind]) -> list[tuple[str, bytes]]:
    async with await Database.open(path) as opened:
        # As the bot and `skm report` read them: the unit's, rows from before units included.
        await adopt_rows(opened, content.unit.id)
        db = opened.for_unit(content.unit.id)
        zone = ZoneInfo(content.unit.timezone)
        summary = await build_summary(db, content, SEMESTER, datetime.now(UTC), zone)
        return [(f.name, f.data) for f in await build_export(db, summary, content, kinds)]


@pytest.fixture
def filled(skm_env: Path, content: Content) -> Path:
    skm_env.mkdir(parents=True, exist_ok=True)
    path = skm_env / "skm.sqlite3"
    asyncio.run(fill_semester(path, content))
    return path


def test_the_chat_export_names_every_file_of_the_period(filled: Path, content: Content):
    files = asyncio.run(_export(filled, content, list(CHAT_EXPORT)))
    assert [name for name, _ in files] == [
        f"{STEM}.xlsx",
        f"{STEM}.csv",
        f"{STEM}.pdf",
        f"{STEM}-infografis.pdf",
        f"{STEM}-infografis.png",
    ]
    assert all(data for _, data in files)


@pytest.mark.parametrize("kind", [ExportKind.CSV, ExportKind.UPWARD_CSV, ExportKind.UPWARD_JSON])
def test_the_command_line_writes_what_the_export_builds(
    filled: Path, content: Content, tmp_path: Path, capsys, kind: ExportKind
):
    out = tmp_path / "out.bin"
    code = main(["report", "--from", SEMESTER.first.isoformat(), "--to",
                 SEMESTER.last.isoformat(), "--format", kind.value, "--out", str(out)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    [(_, built)] = asyncio.run(_export(filled, content, [kind]))
    if kind is ExportKind.UPWARD_JSON:
        # Made at a moment of its own: everything else is the same.
        assert _without_moment(out.read_bytes()) == _without_moment(built)
    else:
        assert out.read_bytes() == built


def _without_moment(data: bytes) -> bytes:
    document = json.loads(data)
    document.pop("generated_at", None)
    return json.dumps(document, sort_keys=True).encode()


def test_the_infographic_writes_its_png_beside_the_pdf(filled: Path, tmp_path: Path, capsys):
    out = tmp_path / "poster.pdf"
    first, last = SEMESTER.first.isoformat(), SEMESTER.last.isoformat()
    code = main(
        ["report", "--from", first, "--to", last, "--format", "infografis", "--out", str(out)]
    )
    assert code == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert out.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
