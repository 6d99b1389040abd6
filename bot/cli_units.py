"""Which unit a command-line command works on (`--unit`), and the kabupaten's side-by-side
(`skm ikm --db --kabupaten`).

With several units in the content folder a command that reads one unit's rows must be told
which: a missing or unknown `--unit` is refused naming the known ids (exit status 2). With one
unit, `--unit` may be left out, or must name that unit.
"""

import argparse
import asyncio
import functools
import json
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.cli_common import (
    EXIT_CONFIG,
    EXIT_INPUT,
    EXIT_OK,
    Command,
    adopted_database,
    deployment_of,
    fail,
)
from bot.settings import Settings
from skm_core.calendar.periods import period_between
from skm_core.content import Content
from skm_core.content.deployment import stored_unit
from skm_core.reports.standings import (
    Standings,
    build_standings,
    lowest_text,
    standings_text,
)
from skm_core.storage import Database


@dataclass(frozen=True)
class Units:
    """The units of the content folder, by id in its order, and the kabupaten's name."""

    by_id: dict[str, Content]
    region: str
    single: bool
    """Today's layout of one unit: its database may hold rows from before units."""

    @property
    def first(self) -> Content:
        return next(iter(self.by_id.values()))

    @property
    def stored(self) -> dict[str, Content]:
        """The units by the id their rows are stored under."""
        return {stored_unit(c, self.single): c for c in self.by_id.values()}


def load_units(settings: Settings) -> Units | None:
    """Every unit of the content folder; None after printing the content's problems."""
    deployment = deployment_of(settings)
    if deployment is None:
        return None
    units = {content.unit.id: content for content in deployment.units}
    first = deployment.units[0]
    region = deployment.region.name if deployment.region is not None else first.unit.regency
    return Units(units, region, deployment.single)


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
    fail(f"--unit: unknown unit {asked!r}; known: {known}")
    return None


@dataclass(frozen=True)
class ChosenUnit:
    id: str
    single: bool
    """The deployment's only unit: rows stored before units are its own."""
    stored: str
    """The unit its rows are stored under (see `stored_unit`)."""

    @classmethod
    def of(cls, content: Content, single: bool) -> "ChosenUnit":
        return cls(content.unit.id, single, stored_unit(content, single))


UnitCommand = Callable[[argparse.Namespace, Settings, Content, ChosenUnit], int]


def with_unit(command: UnitCommand) -> Command:
    """The command, given the content of the unit it works on and the unit's id. A command
    that reads no stored rows (`skm ikm FILE`) gets the first unit's (its words are shared)."""

    @functools.wraps(command)
    def run(args: argparse.Namespace, settings: Settings) -> int:
        units = load_units(settings)
        if units is None:
            return EXIT_CONFIG
        if not getattr(args, "db", True):
            return command(args, settings, units.first, ChosenUnit.of(units.first, units.single))
        unit = chosen_unit(args.unit, units.by_id)
        if unit is None:
            return EXIT_INPUT
        content = units.by_id[unit]
        return command(args, settings, content, ChosenUnit.of(content, units.single))

    return run


@asynccontextmanager
async def unit_database(settings: Settings, unit: ChosenUnit) -> AsyncIterator[Database]:
    """The database seen as the unit's. In a deployment of one unit, rows stored before
    units are the unit's, as the bot's start-up makes them."""
    async with adopted_database(settings, unit.stored if unit.single else "") as db:
        yield db.for_unit(unit.stored)


def standings_json(standings: Standings, units: Mapping[str, Content]) -> dict[str, Any]:
    """The side-by-side for other programs: numbers as numbers, ids as the content names them."""
    rows = []
    for s in standings.units:
        content = units[s.unit_id]
        rows.append(
            {
                "rank": s.rank,
                "unit": content.unit.id,
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
    first = units.first
    owner = stored_unit(first, units.single) if units.single else ""
    async with adopted_database(settings, owner) as db:
        return await build_standings(
            db, units.stored, units.region, period, datetime.now(UTC), settings.zone(first)
        )


def cmd_kabupaten(args: argparse.Namespace, settings: Settings) -> int:
    """`skm ikm --db --kabupaten --from ... --to ...`: every unit side by side, ranked."""
    units = load_units(settings)
    if units is None:
        return EXIT_CONFIG
    if args.date_from is None or args.date_to is None:
        return fail("--kabupaten needs --from and --to (the period to compare)", EXIT_INPUT)
    standings = asyncio.run(_standings(settings, units, args))
    if args.json:
        print(json.dumps(standings_json(standings, units.stored), ensure_ascii=False))
    else:
        print(standings_text(standings, units.first))
    return EXIT_OK
