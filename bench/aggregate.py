"""The IKM summary of a period over many stored responses, against one bare SQL scan.

Rows go in through sqlite3's executemany into a database that `Database.open` created, so the
schema and its indexes are the real ones; everything is read back through the real code.
"""

import asyncio
import json
import random
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.timing import median_seconds, median_seconds_async
from skm_core.calendar.periods import Period, year_of
from skm_core.content import Content
from skm_core.ikm.compute import compute_ikm
from skm_core.reports.summary import build_summary
from skm_core.storage import Database
from skm_core.storage.database import format_utc
from skm_core.storage.responses import tally_responses

PERIOD = year_of(date(2025, 1, 1))
BATCH = 100_000
REPEAT = 3
BARE_SCAN = (
    "SELECT COUNT(*), "
    + ", ".join(f"SUM(u{i})" for i in range(1, 10))
    + ", "
    + ", ".join(f"COUNT(u{i})" for i in range(1, 10))
    + " FROM survey_responses WHERE submitted_at >= ? AND submitted_at < ?"
)
INSERT = (
    "INSERT INTO survey_responses (submitted_at, service_id, channel, respondent_key, ticket_id,"
    " ticketed, profile, u1, u2, u3, u4, u5, u6, u7, u8, u9, suggestion, import_batch)"
    " VALUES (?, ?, ?, ?, NULL, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)"
)
PROFILES = [
    json.dumps({"jenis_kelamin": g, "usia": age, "pendidikan": e, "pekerjaan": w}, sort_keys=True)
    for g in ("l", "p")
    for age in (23, 37, 52, 68)
    for e in ("sd", "sma", "s1")
    for w in ("pns", "wirausaha", "lainnya")
]
CHANNELS = ("telegram", "whatsapp", "import")


@dataclass(frozen=True)
class Aggregate:
    responses: int
    bare_ms: float
    tally_ms: float
    summary_ms: float

    @property
    def summary_ratio(self) -> float:
        return self.summary_ms / self.bare_ms

    @property
    def tally_ratio(self) -> float:
        return self.tally_ms / self.bare_ms


def _rows(
    count: int, start: datetime, end: datetime, services: list[str]
) -> Iterator[tuple[object, ...]]:
    rng = random.Random(14_2017)
    step = (end - start) / count
    for n in range(count):
        answers: list[int | None] = [rng.choice((2, 3, 3, 4, 4, 4)) for _ in range(9)]
        if n % 97 == 0:
            answers[n % 9] = None  # some people leave an unsur unanswered
        yield (
            format_utc(start + step * n),
            services[n % len(services)],
            CHANNELS[n % 3],
            f"r{n:09d}",
            PROFILES[n % len(PROFILES)],
            *answers,
            "Antrean perlu diperbaiki" if n % 20 == 0 else None,
        )


def fill(path: Path, count: int, content: Content) -> None:
    asyncio.run(_create_schema(path))
    start, end = PERIOD.utc_bounds(ZoneInfo(content.unit.timezone))
    services = [s.id for s in content.services]
    rows = _rows(count, start, end, services)
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("BEGIN")
        while batch := [row for _, row in zip(range(BATCH), rows, strict=False)]:
            db.executemany(INSERT, batch)
        db.execute("COMMIT")
        db.execute("ANALYZE")


async def _create_schema(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


def _bare_scan(path: Path, period: Period, content: Content) -> float:
    start, end = period.utc_bounds(ZoneInfo(content.unit.timezone))
    params = (format_utc(start), format_utc(end))
    with closing(sqlite3.connect(path)) as db:
        db.execute(BARE_SCAN, params).fetchone()  # the same warm page cache as the others
        return median_seconds(lambda: db.execute(BARE_SCAN, params).fetchone(), REPEAT)


async def _through_the_code(path: Path, content: Content) -> tuple[float, float]:
    tz = ZoneInfo(content.unit.timezone)
    start, end = PERIOD.utc_bounds(tz)
    now = datetime.combine(PERIOD.last, datetime.min.time(), UTC) + timedelta(days=1)
    async with await Database.open(path) as db:

        async def tally() -> None:
            compute_ikm(await tally_responses(db, start, end))

        async def summary() -> None:
            await build_summary(db, content, PERIOD, now, tz)

        await tally()
        tally_s = await median_seconds_async(tally, REPEAT)
        await summary()
        summary_s = await median_seconds_async(summary, REPEAT)
    return tally_s, summary_s


def measure(work_dir: Path, content: Content, responses: int) -> Aggregate:
    path = work_dir / "aggregate" / "skm.sqlite3"
    fill(path, responses, content)
    bare_s = _bare_scan(path, PERIOD, content)
    tally_s, summary_s = asyncio.run(_through_the_code(path, content))
    return Aggregate(responses, bare_s * 1000, tally_s * 1000, summary_s * 1000)
