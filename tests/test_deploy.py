"""The shipped systemd units (deploy/) are checked by systemd itself where it is installed."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
INSTALLED_SKM = "/opt/skm-bot/.venv/bin/skm"
UNITS = ("skm-bot.service", "skm-backup.service", "skm-backup.timer")


@pytest.fixture
def systemd_analyze() -> str:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (Debian: systemd)")
    return tool


def test_the_units_pass_systemd_analyze_verify(systemd_analyze, tmp_path):
    # The units name where the README installs the bot; here, this checkout's `skm` stands in
    # (verify insists that the command exists and is executable).
    skm = Path(sys.executable).parent / "skm"
    assert skm.exists(), "the skm command is installed beside this Python"
    for unit in UNITS:
        text = (DEPLOY / unit).read_text(encoding="utf-8")
        (tmp_path / unit).write_text(text.replace(INSTALLED_SKM, str(skm)), encoding="utf-8")
    checked = subprocess.run(
        [systemd_analyze, "verify", *(str(tmp_path / unit) for unit in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (checked.returncode, checked.stderr.strip()) == (0, "")


def test_the_units_run_the_bot_and_the_backup_as_the_readme_installs_them():
    bot = (DEPLOY / "skm-bot.service").read_text(encoding="utf-8")
    backup = (DEPLOY / "skm-backup.service").read_text(encoding="utf-8")
    assert f"ExecStart={INSTALLED_SKM} run" in bot
    assert f"{INSTALLED_SKM} backup" in backup
    for unit in (bot, backup):
        assert "EnvironmentFile=/etc/skm-bot/skm.env" in unit  # secrets outside the unit
    assert "OnCalendar=" in (DEPLOY / "skm-backup.timer").read_text(encoding="utf-8")
