"""A period's survey summary: everything an official's report shows, gathered from storage.

Everything numeric comes from SQL aggregates (sums and counts per unsur) fed to the same IKM
engine as everywhere else, so a summary's numbers are the engine's numbers.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from skm_core.calendar.periods import Period
from skm_core.clean_text import clean_text
from skm_core.content.loader import Content
from skm_core.content.models import SPECIFIED_SUFFIX, UNSUR_CODES
from skm_core.ikm.compute import IkmResult, Tally, UnansweredUnsur, compute_ikm
from skm_core.ikm.sample import krejcie_morgan
from skm_core.storage.complaints import (
    ComplaintCounts,
    PeriodComplaints,
    complaint_counts,
    complaints_of_period,
)
from skm_core.storage.database import Reader
from skm_core.storage.followup import FollowUpPlan, open_plans, plans_for_period
from skm_core.storage.history import PublishedResult, published_within
from skm_core.storage.population import population_figure, tickets_issued
from skm_core.storage.responses import (
    channel_counts,
    latest_suggestions,
    profile_tallies,
    questionnaire_versions,
    suggestion_count,
    tally_by_service,
    tally_responses,
)

HISTORY_LENGTH = 6
SUGGESTIONS_SHOWN = 5
SUGGESTION_SHOWN_CHARS = 500


@dataclass(frozen=True)
class ServiceLine:
    service_id: str | None
    name: str
    respondents: int
    ikm: Fraction | None
    """None when some unsur has no answer for this service in the period."""
    nrr: dict[str, Fraction | None] = field(default_factory=dict)
    """Per unsur code, the service's NRR; None for an unsur none of its respondents answered."""


def unsur_nrr(tally: Tally) -> dict[str, Fraction | None]:
    return {
        code: Fraction(total, n) if n else None
        for code, total, n in zip(UNSUR_CODES, tally.sums, tally.counts, strict=True)
    }


@dataclass(frozen=True)
class Suggestion:
    submitted_at: datetime
    service_name: str
    text: str


@dataclass(frozen=True)
class HistoryPoint:
    period: Period
    respondents: int
    ikm: Fraction | None
    published: PublishedResult | None = None
    """The unit's published result this point comes from, when no answers are stored for it."""


@dataclass(frozen=True)
class Summary:
    unit_name: str
    period: Period
    generated_at: datetime
    timezone: ZoneInfo
    respondents: int
    result: IkmResult | None
    """None when the period has no response (or an unsur nobody answered)."""
    previous: IkmResult | None
    services: list[ServiceLine]
    population: int | None
    """People served in the period: a figure an official entered, else tickets issued."""
    population_source: str | None  # "entered" | "tickets" | None
    suggestions: list[Suggestion]
    profile: dict[str, dict[str, int]]
    """Per profile question id, the count of each answer id ('' for not answered); for a
    question with "Lainnya (sebutkan)", also ``<id>_lainnya``: the count of each free text."""
    history: list[HistoryPoint]
    """The IKM of this period and the ones before it, oldest first."""
    plans_of_period: list[FollowUpPlan] = field(default_factory=list)
    open_plans: list[FollowUpPlan] = field(default_factory=list)
    complaints: ComplaintCounts | None = None
    versions: dict[str | None, int] = field(default_factory=dict)
    """Responses per questionnaire version (None: stored before versions were recorded)."""
    period_complaints: PeriodComplaints | None = None
    """Complaints received in the period: answered, how fast, still open."""
    suggestion_total: int = 0
    """Every suggestion of the period, also those not in `suggestions`."""
    previous_plans: list[FollowUpPlan] = field(default_factory=list)
    """The plans made for the previous period: their realisation is reported now."""
    small_sample: int = 1
    tally: Tally = field(default_factory=Tally.empty)
    """The period's sums and counts of answers per unsur, for the computation table."""
    channels: dict[str, int] = field(default_factory=dict)
    """Responses per channel: how the answers were collected."""
    """A service with fewer respondents than this gets its figures flagged and no grade."""

    def is_small(self, respondents: int) -> bool:
        return respondents < self.small_sample

    @property
    def previous_point(self) -> "HistoryPoint | None":
        return self.history[-2] if len(self.history) > 1 else None

    @property
    def carried_plans(self) -> list[FollowUpPlan]:
        """Plans of earlier periods still not carried out: the plans carried forward."""
        return [p for p in self.open_plans if p.period_last < self.period.first]

    @property
    def min_sample(self) -> int | None:
        return krejcie_morgan(self.population) if self.population is not None else None

    @property
    def sample_adequate(self) -> bool | None:
        minimum = self.min_sample
        return None if minimum is None else self.respondents >= minimum

    @property
    def change(self) -> Fraction | None:
        """IKM now minus IKM in the previous period of the same length."""
        if self.result is None or self.previous is None:
            return None
        return self.result.ikm - self.previous.ikm

    def overdue_plans(self, today: date) -> list[FollowUpPlan]:
        return [p for p in self.open_plans if p.due_date is not None and p.due_date < today]


def _ikm_or_none(tally: Tally) -> IkmResult | None:
    try:
        return compute_ikm(tally)
    except UnansweredUnsur:
        return None


def _index(tally: Tally) -> Fraction | None:
    result = _ikm_or_none(tally)
    return result.ikm if result else None


def published_ikm(published: PublishedResult) -> IkmResult:
    """A published result as the engine's result: its NRR and its IKM exactly as printed."""
    nrr = {code: Fraction(value) for code, value in published.nrr.items()}
    return IkmResult(published.respondents, nrr, Fraction(published.ikm))


def _point(period: Period, tally: Tally, published: PublishedResult | None) -> HistoryPoint:
    if tally.respondents == 0 and published is not None:
        return HistoryPoint(period, published.respondents, Fraction(published.ikm), published)
    return HistoryPoint(period, tally.respondents, _index(tally))


async def _history(
    db: Reader, period: Period, tally: Tally, tz: ZoneInfo
) -> tuple[list[HistoryPoint], IkmResult | None]:
    """This period and the ones before it, oldest first, and the previous period's result.

    A period without stored answers takes the unit's published result that lies inside it, so
    a trend starts with the results the unit had before the bot.
    """
    points = [HistoryPoint(period, tally.respondents, _index(tally))]
    previous: IkmResult | None = None
    cursor = period
    for step in range(HISTORY_LENGTH - 1):
        cursor = cursor.previous()
        start, end = cursor.utc_bounds(tz)
        earlier = await tally_responses(db, start, end)
        published = None
        if earlier.respondents == 0:
            published = await published_within(db, cursor.first, cursor.last)
        points.append(_point(cursor, earlier, published))
        if step == 0:
            previous = published_ikm(published) if published else _ikm_or_none(earlier)
    return points[::-1], previous


async def build_summary(
    db: Reader,
    content: Content,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    *,
    population: int | None = None,
    every_suggestion: bool = False,
) -> Summary:
    """The period's summary; `population` (people served) overrides what is stored, and
    `every_suggestion` gathers all the period's suggestions (the printed report lists them)."""
    start, end = period.utc_bounds(tz)
    per_service = await tally_by_service(db, start, end)
    tally = sum(per_service.values(), Tally.empty())
    history, previous = await _history(db, period, tally, tz)
    services = []
    for service in content.services:
        service_tally = per_service.get(service.id)
        if service_tally is not None:
            services.append(
                ServiceLine(
                    service.id,
                    service.name,
                    service_tally.respondents,
                    _index(service_tally),
                    unsur_nrr(service_tally),
                )
            )
    if None in per_service:
        unnamed = per_service[None]
        services.append(
            ServiceLine(None, "-", unnamed.respondents, _index(unnamed), unsur_nrr(unnamed))
        )
    source: str | None = "given" if population is not None else None
    if population is None:
        population = await population_figure(db, period.key())
        source = "entered" if population is not None else None
    if population is None:
        issued = await tickets_issued(db, start, end)
        if issued:
            population, source = issued, "tickets"
    names = {s.id: s.short_name for s in content.services}
    total = await suggestion_count(db, start, end)
    shown = total if every_suggestion else SUGGESTIONS_SHOWN
    suggestions = [
        # Shown in a chat message and a PDF table row: a suggestion stored before it was
        # cleaned, or imported at any length, must fit both.
        Suggestion(at, names.get(service_id or "", "-"), clean_text(text, SUGGESTION_SHOWN_CHARS))
        for at, service_id, text in await latest_suggestions(db, start, end, shown)
    ]
    if every_suggestion:
        suggestions.reverse()
    questions = [q.id for q in content.survey.profile]
    # "Lainnya (sebutkan)": the words people gave are tallied beside the option they chose.
    questions += [
        q.id + SPECIFIED_SUFFIX for q in content.survey.profile if any(o.specify for o in q.options)
    ]
    profile = await profile_tallies(db, start, end, questions, tally.respondents)
    return Summary(
        unit_name=content.unit.name,
        period=period,
        generated_at=now,
        timezone=tz,
        respondents=tally.respondents,
        result=_ikm_or_none(tally),
        previous=previous,
        services=services,
        population=population,
        population_source=source,
        suggestions=suggestions,
        profile=profile,
        history=history,
        plans_of_period=await plans_for_period(db, period.first, period.last),
        open_plans=await open_plans(db),
        complaints=await complaint_counts(db, now),
        versions=await questionnaire_versions(db, start, end),
        period_complaints=await complaints_of_period(db, start, end),
        suggestion_total=total,
        previous_plans=await _previous_plans(db, period),
        small_sample=content.report.small_sample,
        tally=tally,
        channels=await channel_counts(db, start, end),
    )


async def _previous_plans(db: Reader, period: Period) -> list[FollowUpPlan]:
    earlier = period.previous()
    return [
        plan
        for plan in await plans_for_period(db, earlier.first, earlier.last)
        if plan.period_last < period.first
    ]
