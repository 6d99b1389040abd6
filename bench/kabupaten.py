"""The kabupaten's roll-up of a year (every unit side by side) over many stored responses in
many units, against one bare SQL scan that groups the same rows by unit, on SQLite and on
PostgreSQL.

Rows go in through the drivers' bulk paths into a database that `Database.open` created, so
the schema, its triggers (the hourly roll-ups) and its indexes are the real ones; the roll-up
is read back through the real code.
"""

import asyncio
import dataclasses
import json
import random
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

from bench.timing import median_seconds, median_seconds_async
from skm_core.calendar.periods import year_of
from skm_core.content import Content
from skm_core.reports.standings import build_standings, standings_text
from skm_core.storage import Database
from skm_core.storage.database import format_utc

PERIOD = year_of(date(2025, 1, 1))
TIMEZONE = ZoneInfo("Asia/Makassar")
BATCH = 50_000
REPEAT = 3
SERVICES = ("kk", "ktp-el", "pindah", "sktm", "ahli-waris", "imb", "keramaian", "legalisir")
_COLUMNS = (
    "unit_id, submitted_at, service_id, channel, respondent_key, ticketed, profile,"
    " u1, u2, u3, u4, u5, u6, u7, u8, u9"
)
INSERT = f"INSERT INTO survey_responses ({_COLUMNS}) VALUES ({', '.join('?' * 16)})"
BARE_SCAN = (
    "SELECT unit_id, COUNT(*), "
    + ", ".join(f"SUM(u{i})" for i in range(1, 10))
    + ", "
    + ", ".join(f"COUNT(u{i})" for i in range(1, 10))
    + " FROM survey_responses WHERE submitted_at >= ? AND submitted_at < ? GROUP BY unit_id"
)
PROFILES = [
    json.dumps({"jenis_kelamin": g, "pendidikan": e}, sort_keys=True)
    for g in ("L", "P")
    for e in ("SD", "SMA", "S1")
]

RollUp = Callable[[Database, datetime, datetime], Awaitable[object]]


@dataclass(frozen=True)
class KabupatenFigures:
    backend: str
    responses: int
    units: int
    bare_ms: float
    roll_up_ms: float

    @property
    def ratio(self) -> float:
        return self.roll_up_ms / self.bare_ms


def unit_ids(count: int) -> list[str]:
    return [f"kecamatan-{n:02d}" for n in range(1, count + 1)]


def side_by_side(content: Content, units: int) -> RollUp:
    """What a kabupaten official's /ringkasan of the year does: the side-by-side of every
    unit (tallies, populations, overdue plans, ranking), written out as its text."""
    named = {
        unit_id: dataclasses.replace(
            content,
            unit=content.unit.model_copy(update={"id": unit_id, "name": f"Kecamatan {n:02d}"}),
        )
        for n, unit_id in enumerate(unit_ids(units), start=1)
    }
    now = datetime.combine(PERIOD.last, datetime.min.time(), TIMEZONE)

    async def roll_up(db: Database, start: datetime, end: datetime) -> object:
        standings = await build_standings(db, named, "Kabupaten", PERIOD, now, TIMEZONE)
        return standings_text(standings, content)

    return roll_up


def rows(count: int, units: list[str]) -> Iterator[tuple[object, ...]]:
    """`count` responses spread over the year and over the units (some far busier than
    others, as kecamatan are)."""
    rng = random.Random(14_2017)
    start, end = PERIOD.utc_bounds(TIMEZONE)
    step = (end - start) / count
    weights = [1 + (n % 5) for n in range(len(units))]
    for n in range(count):
        answers: list[int | None] = [rng.choice((2, 3, 3, 4, 4, 4)) for _ in range(9)]
        if n % 97 == 0:
            answers[n % 9] = None
        yield (
            rng.choices(units, weights)[0],
            format_utc(start + step * n),
            SERVICES[n % len(SERVICES)],
            ("telegram", "whatsapp", "import")[n % 3],
            f"r{n:09d}",
            0,
            PROFILES[n % len(PROFILES)],
            *answers,
        )


async def _create_schema(target: str) -> None:
    db = await Database.open(target)
    await db.close()


def fill_sqlite(path: Path, count: int, units: list[str]) -> None:
    asyncio.run(_create_schema(str(path)))
    source = rows(count, units)
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("BEGIN")
        while batch := [row for _, row in zip(range(BATCH), source, strict=False)]:
            db.executemany(INSERT, batch)
        db.execute("COMMIT")
        db.execute("ANALYZE")


def fill_postgres(url: str, count: int, units: list[str]) -> None:
    asyncio.run(_create_schema(url))
    source = rows(count, units)
    with psycopg.connect(url) as db:
        with (
            db.cursor() as cursor,
            cursor.copy(f"COPY survey_responses ({_COLUMNS}) FROM STDIN") as copy,
        ):
            for row in source:
                copy.write_row(row)
        db.commit()
        db.execute("ANALYZE")


def bare_scan_sqlite(path: Path) -> float:
    params = _bounds()
    with closing(sqlite3.connect(path)) as db:
        db.execute(BARE_SCAN, params).fetchall()  # the same warm page cache as the others
        return median_seconds(lambda: db.execute(BARE_SCAN, params).fetchall(), REPEAT)


def bare_scan_postgres(url: str) -> float:
    params = _bounds()
    query = BARE_SCAN.replace("?", "%s")
    with psycopg.connect(url) as db:
        db.execute(query, params).fetchall()
        return median_seconds(lambda: db.execute(query, params).fetchall(), REPEAT)


def _bounds() -> tuple[str, str]:
    start, end = PERIOD.utc_bounds(TIMEZONE)
    return format_utc(start), format_utc(end)


async def through_the_code(target: str, roll_up: RollUp) -> float:
    start, end = PERIOD.utc_bounds(TIMEZONE)
    async with await Database.open(target) as db:

        async def once() -> None:
            await roll_up(db, start, end)

        await once()
        return await median_seconds_async(once, REPEAT)


def measure_sqlite(work_dir: Path, responses: int, units: int, roll_up: RollUp) -> KabupatenFigures:
    path = work_dir / "kabupaten" / "skm.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    fill_sqlite(path, responses, unit_ids(units))
    bare = bare_scan_sqlite(path)
    code = asyncio.run(through_the_code(str(path), roll_up))
    return KabupatenFigures("sqlite", responses, units, bare * 1000, code * 1000)


def measure_postgres(url: str, responses: int, units: int, roll_up: RollUp) -> KabupatenFigures:
    fill_postgres(url, responses, unit_ids(units))
    bare = bare_scan_postgres(url)
    code = asyncio.run(through_the_code(url, roll_up))
    return KabupatenFigures("postgresql", responses, units, bare * 1000, code * 1000)
