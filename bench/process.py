"""The real `skm` command as a child process, pointed at a fake Bot API on 127.0.0.1."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.fakes.bot_api import TOKEN

SKM = Path(sys.executable).with_name("skm")


def skm_environment(data_dir: Path, base_url: str | None = None) -> dict[str, str]:
    """This process's environment without any TELEGRAM_/SKM_/WHATSAPP_ setting, plus ours."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SKM_", "WHATSAPP_"))
    }
    env["SKM_DATA_DIR"] = str(data_dir)
    if base_url is not None:
        env["TELEGRAM_BOT_TOKEN"] = TOKEN
        env["TELEGRAM_API_BASE_URL"] = base_url
        env["TELEGRAM_API_FILE_URL"] = base_url.replace("/bot", "/file/bot")
    return env


class BotProcess:
    """`skm run` in its own working directory (so no stray .env is read), logging to a file."""

    def __init__(
        self,
        data_dir: Path,
        base_url: str,
        extra: dict[str, str] | None = None,
        log_name: str = "skm.log",
    ) -> None:
        """`extra`: settings added to the environment (a webhook, `SKM_DATABASE_URL`)."""
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self._log = (data_dir.parent / log_name).open("ab")
        self.popen = subprocess.Popen(
            [str(SKM), "run"],
            env=skm_environment(data_dir, base_url) | (extra or {}),
            cwd=data_dir.parent,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed, as in a power cut."""
        if self.running:
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=30)
        self._log.close()

    def stop(self) -> None:
        if self.running:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.send_signal(signal.SIGKILL)
                self.popen.wait(timeout=30)
        self._log.close()
