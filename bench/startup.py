"""From starting `skm run` to its first answer, against the fake Bot API over HTTP.

The "/start" is queued at the fake before the process starts, so the figure is what a citizen
waits when they write just as the bot comes up: interpreter, content, database, first poll.
"""

import statistics
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from bench.fake_api import TrackingBotApi, serve_quietly
from bench.process import BotProcess

CITIZEN = 6001
TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Startup:
    runs: list[float]

    @property
    def seconds(self) -> float:
        return statistics.median(self.runs)


def _once(data_dir: Path) -> float:
    api = TrackingBotApi()
    with serve_quietly(api) as base_url:
        api.push(api.text_update(CITIZEN, "/start"))
        started = perf_counter()
        process = BotProcess(data_dir, base_url)
        try:
            api.wait_for(lambda: bool(api.messages[CITIZEN]), timeout=TIMEOUT_S)
            elapsed = perf_counter() - started
        finally:
            process.stop()
    if "Selamat datang" not in str(api.messages[CITIZEN][0].get("text", "")):
        raise RuntimeError("the first answer was not the greeting")
    return elapsed


def measure(work_dir: Path, runs: int) -> Startup:
    """Each run starts on an empty data directory, as a fresh installation does."""
    return Startup([_once(work_dir / "startup" / str(n) / "data") for n in range(runs)])
