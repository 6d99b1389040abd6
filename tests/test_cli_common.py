"""What every `skm` subcommand shares: content loaded once for those that need it, and one
way to stop with a message and an exit status."""

from pathlib import Path

import pytest

from bot.cli import main
from bot.cli_common import EXIT_CONFIG, EXIT_INPUT, fail


@pytest.mark.parametrize(
    "argv",
    [
        ["ikm", "--db"],
        ["cari", "kk"],
        ["qr", "--out", "x", "--username", "bot"],
        ["report", "--from", "2024-01-01", "--to", "2024-01-31", "--format", "csv", "--out", "x"],
        ["riwayat", "daftar"],
        ["hapus-data", "--terminal", "budi"],
    ],
)
def test_a_command_without_usable_content_names_the_problem_and_exits_1(
    skm_env: Path, monkeypatch: pytest.MonkeyPatch, capsys, argv: list[str]
):
    broken = skm_env.parent / "content"
    broken.mkdir()
    monkeypatch.setenv("SKM_CONTENT_DIR", str(broken))
    assert main(argv) == EXIT_CONFIG
    err = capsys.readouterr().err
    assert "unit.yaml" in err


def test_fail_says_why_on_standard_error(capsys):
    assert fail("x: cannot be read") == EXIT_INPUT
    assert fail("bad content", EXIT_CONFIG) == EXIT_CONFIG
    out, err = capsys.readouterr()
    assert (out, err) == ("", "x: cannot be read\nbad content\n")
