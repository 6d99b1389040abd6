"""The units of a kabupaten side by side for a period, ranked by IKM: what the kabupaten's
officials read in the chat, receive on a schedule, export, and what `skm ikm --kabupaten`
prints.

The figures come from the roll-up (one query per kind, every unit at once) and go through
the same IKM arithmetic as a unit's own summary, so each unit's line shows its own IKM.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from skm_core.calendar.dates import period_label
from skm_core.calendar.periods import Period
from skm_core.content.loader import Content
from skm_core.ikm.compute import IkmResult, Tally, UnansweredUnsur, compute_ikm
from skm_core.ikm.report import id_number
from skm_core.ikm.sample import krejcie_morgan
from skm_core.storage.database import Reader
from skm_core.storage.rollup import (
    Population,
    overdue_plans_per_unit,
    unit_populations,
    unit_tallies,
)


@dataclass(frozen=True)
class UnitFigures:
    """One unit's raw figures of a period, as the roll-up reads them."""

    tally: Tally
    population: Population | None = None
    overdue: int = 0


@dataclass(frozen=True)
class Standing:
    unit_id: str
    name: str
    respondents: int
    result: IkmResult | None
    """None when the unit has no response in the period (or an unsur nobody answered)."""
    graded: bool
    """False for a unit with fewer respondents than the report's small sample: its IKM is
    shown marked, and it is neither graded nor ranked, as a small service in a unit's report."""
    rank: int | None
    population: Population | None
    overdue: int

    @property
    def lowest(self) -> str | None:
        return self.result.lowest(1)[0] if self.result is not None else None

    @property
    def min_sample(self) -> int | None:
        return krejcie_morgan(self.population.served) if self.population is not None else None

    @property
    def sample_adequate(self) -> bool | None:
        minimum = self.min_sample
        return None if minimum is None else self.respondents >= minimum


def _result(tally: Tally) -> IkmResult | None:
    try:
        return compute_ikm(tally)
    except UnansweredUnsur:
        return None


def rank_units(
    names: Mapping[str, str], figures: Mapping[str, UnitFigures], small_sample: int
) -> list[Standing]:
    """Every unit of `names` (in the deployment's order), ranked.

    Graded units come first, by IKM as shown (two decimals) from the highest; units showing
    the same IKM share a rank (1, 1, 3) and keep the deployment's order among themselves.
    Units with too few respondents follow, unranked, in the deployment's order."""
    standings: list[Standing] = []
    for unit_id, name in names.items():
        found = figures.get(unit_id, UnitFigures(Tally.empty()))
        result = _result(found.tally)
        enough = result is not None and found.tally.respondents >= small_sample
        standings.append(
            Standing(
                unit_id,
                name,
                found.tally.respondents,
                result,
                enough,
                None,
                found.population,
                found.overdue,
            )
        )
    graded = [s for s in standings if s.graded]
    # sorted() is stable: ties keep the deployment's order.
    graded.sort(key=lambda s: -_shown(s))
    ranked: list[Standing] = []
    for position, standing in enumerate(graded, start=1):
        tied = ranked and _shown(ranked[-1]) == _shown(standing)
        rank = ranked[-1].rank if tied else position
        ranked.append(_with_rank(standing, rank))
    return ranked + [s for s in standings if not s.graded]


def _shown(standing: Standing) -> Decimal:
    return standing.result.ikm_shown if standing.result is not None else Decimal(0)


def _with_rank(standing: Standing, rank: int | None) -> Standing:
    return Standing(
        standing.unit_id,
        standing.name,
        standing.respondents,
        standing.result,
        standing.graded,
        rank,
        standing.population,
        standing.overdue,
    )


async def unit_figures(
    db: Reader, period: Period, tz: ZoneInfo, today: date
) -> dict[str, UnitFigures]:
    """Every unit's figures of the period, read across units (the kabupaten's reads)."""
    start, end = period.utc_bounds(tz)
    tallies = await unit_tallies(db, start, end)
    populations = await unit_populations(db, period.key(), start, end)
    overdue = await overdue_plans_per_unit(db, today)
    units = set(tallies) | set(populations) | set(overdue)
    return {
        unit: UnitFigures(
            tallies.get(unit, Tally.empty()), populations.get(unit), overdue.get(unit, 0)
        )
        for unit in units
    }


@dataclass(frozen=True)
class Standings:
    region: str
    period: Period
    generated_at: datetime
    units: list[Standing]


async def build_standings(
    db: Reader,
    units: Mapping[str, Content],
    region: str,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
) -> Standings:
    """The side-by-side of the period for these units (a unit id to its content)."""
    figures = await unit_figures(db, period, tz, now.astimezone(tz).date())
    names = {unit_id: content.unit.name for unit_id, content in units.items()}
    small = min((c.report.small_sample for c in units.values()), default=1)
    return Standings(region, period, now, rank_units(names, figures, small))


def _count(number: int) -> str:
    return id_number(Decimal(number))


def sample_text(standing: Standing, content: Content) -> str:
    t = content.texts.kabupaten
    minimum = standing.min_sample
    if minimum is None:
        return t.sample_unknown
    if standing.respondents >= minimum:
        return t.sample_adequate
    return t.sample_short.format(short=_count(minimum - standing.respondents))


def ikm_text(standing: Standing, content: Content) -> str:
    if standing.result is None:
        return content.texts.kabupaten.no_ikm
    shown = id_number(standing.result.ikm_shown)
    return shown if standing.graded else content.report.small_sample_mark.format(value=shown)


def lowest_text(standing: Standing, content: Content) -> str:
    code = standing.lowest
    if code is None or standing.result is None:
        return content.texts.kabupaten.no_ikm
    name = content.survey.unsur_by_code(code).name
    return f"{code} {name} ({id_number(standing.result.nrr_shown(code))})"


def standings_text(standings: Standings, content: Content) -> str:
    """The side-by-side as one chat message's text (split by the caller where too long)."""
    t = content.texts.kabupaten
    label = period_label(standings.period, content.texts)
    blocks = [t.title.format(region=standings.region, period=label)]
    ranked = [s for s in standings.units if s.graded]
    lines = []
    for s in ranked:
        lines.append(
            t.unit_line.format(
                rank=s.rank,
                unit=s.name,
                ikm=ikm_text(s, content),
                grade=s.result.grade.value if s.result is not None else t.no_ikm,
                respondents=_count(s.respondents),
                sample=sample_text(s, content),
                lowest=lowest_text(s, content),
                overdue=_count(s.overdue),
            )
        )
    if lines:
        blocks.append("\n".join(lines))
    rest = [s for s in standings.units if not s.graded]
    if rest:
        tail = [t.ungraded_title.format(minimum=content.report.small_sample)]
        tail += [
            t.ungraded_line.format(
                unit=s.name,
                respondents=_count(s.respondents),
                ikm=ikm_text(s, content),
                sample=sample_text(s, content),
                overdue=_count(s.overdue),
            )
            for s in rest
        ]
        blocks.append("\n".join(tail))
    return "\n\n".join(blocks)
