"""The kabupaten figure reads what it claims: every unit's year, through the side-by-side."""

import asyncio
from pathlib import Path

from bench import kabupaten
from skm_core.content import Content
from skm_core.storage import Database
from skm_core.storage.responses import tally_responses


def test_the_side_by_side_of_the_bench_names_every_unit_and_counts_every_response(
    tmp_path: Path, content: Content
) -> None:
    path = tmp_path / "skm.sqlite3"
    kabupaten.fill_sqlite(path, 600, kabupaten.unit_ids(5))
    roll_up = kabupaten.side_by_side(content, 5)
    start, end = kabupaten.PERIOD.utc_bounds(kabupaten.TIMEZONE)

    async def read() -> tuple[object, int]:
        async with await Database.open(path) as db:
            counted = [
                (await tally_responses(db.for_unit(unit), start, end)).respondents
                for unit in kabupaten.unit_ids(5)
            ]
            return await roll_up(db, start, end), sum(counted)

    text, respondents = asyncio.run(read())
    assert respondents == 600
    assert all(f"Kecamatan {n:02d}" in str(text) for n in range(1, 6))
