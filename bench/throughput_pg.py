"""Updates per second on PostgreSQL: two bot processes on one database against one process.

The load is the SQLite throughput figure's: citizens taking turns through a visit (information,
then a finished survey), each update through the bot's own Telegram application. One process
takes every citizen on one database; then two processes, opened apart and released together,
share another database, each taking half of the citizens, and their updates per second are the
pair's, from the release to the last one done. Both are timed by the wall clock, the time to
make each update included alike. Update ids are kept apart, as Telegram's are unique, so that
no update of one process looks like a redelivery of the other's.
"""

import asyncio
import multiprocessing
import queue
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

import psycopg

from bench.citizens import visit
from bench.fake_api import TrackingBotApi
from bench.offline import Feeder, skm_application, update_for
from bench.throughput import FIRST_CHAT, _turns
from skm_core.content import Content, load_content, shipped_content_dir
from skm_core.pseudonym import load_or_create_key

PROCESSES = 2
UPDATE_IDS_APART = 10_000_000


@dataclass(frozen=True)
class PostgresThroughput:
    updates: int
    one_process_updates_per_s: float
    two_processes_updates_per_s: float

    @property
    def ratio(self) -> float:
        return self.two_processes_updates_per_s / self.one_process_updates_per_s


async def _feed(
    data_dir: Path,
    content: Content,
    url: str,
    citizens: list[int],
    worker: int,
    ready: Callable[[], object] = lambda: None,
) -> tuple[int, float]:
    """The citizens' visits in turns through one application; (updates, seconds)."""
    api = TrackingBotApi(keep_calls=False, first_update_id=1000 + worker * UPDATE_IDS_APART)
    scripts = [visit(c, content) for c in citizens]
    async with skm_application(data_dir, content, api, database_url=url) as (application, _):
        feeder = Feeder(application)
        ready()
        began = perf_counter()
        for index, action in _turns(scripts):
            await feeder.feed(update_for(api, FIRST_CHAT + citizens[index], action))
        return feeder.fed, perf_counter() - began


def _worker(
    data_dir: Path,
    url: str,
    citizens: list[int],
    worker: int,
    release: Callable[[], object],
    results: Callable[[tuple[int, float]], None],
) -> None:
    content = load_content(shipped_content_dir())
    results(asyncio.run(_feed(data_dir, content, url, citizens, worker, release)))


def _two_processes(data_dir: Path, url: str, citizens: int) -> tuple[int, float]:
    spawn = multiprocessing.get_context("spawn")
    release = spawn.Barrier(PROCESSES)
    results: multiprocessing.Queue[tuple[int, float]] = spawn.Queue()
    workers = [
        spawn.Process(
            target=_worker,
            args=(data_dir, url, list(range(n, citizens, PROCESSES)), n, release.wait, results.put),
        )
        for n in range(PROCESSES)
    ]
    for process in workers:
        process.start()
    done: list[tuple[int, float]] = []
    try:
        while len(done) < len(workers):
            try:
                done.append(results.get(timeout=1))
            except queue.Empty:
                # A process that died holds its partner at the barrier: give up on both.
                if any(p.exitcode not in (None, 0) for p in workers):
                    raise RuntimeError("a throughput process failed; see its traceback") from None
    finally:
        for process in workers:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()
    return sum(fed for fed, _ in done), max(seconds for _, seconds in done)


def _check_all_finished(url: str, citizens: int) -> None:
    with psycopg.connect(url) as db:
        row = db.execute(b"SELECT COUNT(*) FROM survey_responses").fetchone()
    stored = row[0] if row else 0
    if stored != citizens:
        raise RuntimeError(f"{citizens} citizens finished a survey but {stored} were stored")


def measure(
    work_dir: Path, content: Content, citizens: int, new_database: Callable[[], str]
) -> PostgresThroughput:
    one_dir, two_dir = work_dir / "pg-one", work_dir / "pg-two"
    one_url, two_url = new_database(), new_database()
    one_fed, one_s = asyncio.run(_feed(one_dir, content, one_url, list(range(citizens)), 0))
    _check_all_finished(one_url, citizens)
    two_dir.mkdir(parents=True, exist_ok=True)
    load_or_create_key(two_dir / "pseudonym.key")  # one key for both, made before they start
    two_fed, two_s = _two_processes(two_dir, two_url, citizens)
    _check_all_finished(two_url, citizens)
    if one_fed != two_fed:
        raise RuntimeError(f"one process took {one_fed} updates, two took {two_fed}")
    return PostgresThroughput(one_fed, one_fed / one_s, two_fed / two_s)
