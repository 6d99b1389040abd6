"""Channels and web pages reach storage only through the engine; only the command line and the
process wiring open the database themselves."""

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
# The `skm` subcommands and the runtime that builds the engine own their database; the
# settings only say which database it is.
OWNS_THE_DATABASE = {
    "cli.py",
    "cli_common.py",
    "cli_data.py",
    "cli_db.py",
    "cli_units.py",
    "doctor.py",
    "riwayat.py",
    "runtime.py",
    "settings.py",
}
ADAPTERS = sorted(p for p in BOT.rglob("*.py") if p.name not in OWNS_THE_DATABASE)


def storage_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("skm_core.storage"):
            found.append(node.module or "")
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("skm_core.storage")]
    return found


def engine_db_uses(path: Path) -> int:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "db"
        and isinstance(node.value, ast.Attribute | ast.Name)
        and (getattr(node.value, "attr", None) or getattr(node.value, "id", None)) == "engine"
    )


@pytest.mark.parametrize("path", ADAPTERS, ids=lambda p: str(p.relative_to(BOT)))
def test_no_adapter_or_page_imports_storage(path: Path):
    assert storage_imports(path) == []


@pytest.mark.parametrize("path", ADAPTERS, ids=lambda p: str(p.relative_to(BOT)))
def test_no_adapter_or_page_uses_the_engines_database(path: Path):
    assert engine_db_uses(path) == 0


def test_the_check_sees_a_violation(tmp_path: Path):
    sample = tmp_path / "adapter.py"
    sample.write_text(
        "from skm_core.storage.outbox import hold\n"
        "async def f(engine):\n"
        "    await hold(engine.db)\n"
    )
    assert storage_imports(sample) == ["skm_core.storage.outbox"]
    assert engine_db_uses(sample) == 1
