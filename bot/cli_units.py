"""Which unit a command-line command works on (`--unit`), and the kabupaten's side-by-side
(`skm ikm --db --kabupaten`).

With several units in the content folder a command that reads one unit's rows must be told
which: a missing or unknown `--unit` is refused naming the known ids (exit status 2). With one
unit, `--unit` may be left out, or must name that unit.
"""

import argparse
import asyncio
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.cli_common import EXIT_CONFIG, EXIT_INPUT, EXIT_OK, database, fail, load
from bot.settings import Settings
from skm_core.calendar.periods import period_between
from skm_core.content import Content
from skm_core.reports.standings import (
    Standings,
    build_standings,
    lowest_text,
    standings_text,
)

Units = dict[str, Content]


def unit_id_of(content: Content) -> str:
    """The unit's id in the database's rows: its `unit.id`, or '' for content written before
    units had ids (the rows of a one-unit database carry '' too until they are adopted)."""
    return str(getattr(content.unit, "id", ""))


def load_units(settings: Settings) -> Units | None:
    """Every unit of the content folder by id, in the folder's order; None after printing
    the content's problems."""
    content = load(settings)
    return units_of(content) if content is not None else None


def units_of(content: Content) -> Units:
    """The units of loaded content by id: today's layout holds one."""
    return {unit_id_of(content): content}


def region_name(units: Mapping[str, Content]) -> str:
    return next(iter(units.values())).unit.regency


def chosen_unit(asked: str | None, units: Mapping[str, Content]) -> str | None:
    """The unit `--unit` names; None (after saying why) when it names none of them, or is
    left out while there are several."""
    known = ", ".join(units)
    if asked is None:
        if len(units) == 1:
            return next(iter(units))
        fail(f"--unit is required: this content folder holds several units ({known})")
        return None
    if asked in units:
        return asked
    if len(units) == 1 and asked == next(iter(units.values())).unit.short_name.casefold():
        return next(iter(units))
    fail(f"--unit: unknown unit {asked!r}; known: {known or '-'}")
    return None


def standings_json(standings: Standings, units: Mapping[str, Content]) -> dict[str, Any]:
    rows = []
    for s in standings.units:
        content = units[s.unit_id]
        rows.append(
            {
                "rank": s.rank,
                "unit": s.unit_id,
                "name": s.name,
                "respondents": s.respondents,
                "ikm": float(s.result.ikm_shown) if s.result is not None else None,
                "grade": s.result.grade.value if s.result is not None and s.graded else None,
                "graded": s.graded,
                "lowest": s.lowest,
                "lowest_text": lowest_text(s, content) if s.result is not None else None,
                "population": s.population.served if s.population is not None else None,
                "min_sample": s.min_sample,
                "sample_adequate": s.sample_adequate,
                "overdue_plans": s.overdue,
            }
        )
    return {
        "region": standings.region,
        "from": standings.period.first.isoformat(),
        "to": standings.period.last.isoformat(),
        "units": rows,
    }


async def _standings(settings: Settings, units: Units, args: argparse.Namespace) -> Standings:
    period = period_between(args.date_from, args.date_to)
    content = next(iter(units.values()))
    async with database(settings) as db:
        return await build_standings(
            db, units, region_name(units), period, datetime.now(UTC), settings.zone(content)
        )


def cmd_kabupaten(args: argparse.Namespace, settings: Settings) -> int:
    """`skm ikm --db --kabupaten --from ... --to ...`: every unit side by side, ranked."""
    units = load_units(settings)
    if units is None:
        return EXIT_CONFIG
    if args.date_from is None or args.date_to is None:
        return fail("--kabupaten needs --from and --to (the period to compare)", EXIT_INPUT)
    standings = asyncio.run(_standings(settings, units, args))
    content = next(iter(units.values()))
    if args.json:
        print(json.dumps(standings_json(standings, units), ensure_ascii=False))
    else:
        print(standings_text(standings, content))
    return EXIT_OK
