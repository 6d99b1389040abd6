"""A period's survey summary: everything an official's report shows, gathered from storage.

Everything numeric comes from SQL aggregates (sums and counts per unsur) fed to the same IKM
engine as everywhere else, so a summary's numbers are the engine's numbers.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from skm_core.clean_text import clean_text
from skm_core.content.loader import Content
from skm_core.content.models import SPECIFIED_SUFFIX
from skm_core.ikm import IkmResult, Tally, UnansweredUnsur, compute_ikm
from skm_core.periods import Period
from skm_core.sample import krejcie_morgan
from skm_core.storage.complaints import ComplaintCounts, complaint_counts
from skm_core.storage.database import Reader
from skm_core.storage.followup import FollowUpPlan, open_plans, plans_for_period
from skm_core.storage.population import population_figure, tickets_issued
from skm_core.storage.responses import (
    latest_suggestions,
    profile_tallies,
    questionnaire_versions,
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


async def _history(
    db: Reader, period: Period, tally: Tally, tz: ZoneInfo
) -> list[tuple[Period, Tally]]:
    """This period's tally and those of the periods before it, oldest first."""
    history = [(period, tally)]
    cursor = period
    for _ in range(HISTORY_LENGTH - 1):
        cursor = cursor.previous()
        start, end = cursor.utc_bounds(tz)
        history.append((cursor, await tally_responses(db, start, end)))
    return history[::-1]


async def build_summary(
    db: Reader, content: Content, period: Period, now: datetime, tz: ZoneInfo
) -> Summary:
    start, end = period.utc_bounds(tz)
    per_service = await tally_by_service(db, start, end)
    tally = sum(per_service.values(), Tally.empty())
    history = await _history(db, period, tally, tz)
    previous = _ikm_or_none(history[-2][1])
    services = []
    for service in content.services:
        service_tally = per_service.get(service.id)
        if service_tally is not None:
            services.append(
                ServiceLine(
                    service.id, service.name, service_tally.respondents, _index(service_tally)
                )
            )
    if None in per_service:
        unnamed = per_service[None]
        services.append(ServiceLine(None, "-", unnamed.respondents, _index(unnamed)))
    population: int | None = await population_figure(db, period.key())
    source: str | None = "entered" if population is not None else None
    if population is None:
        issued = await tickets_issued(db, start, end)
        if issued:
            population, source = issued, "tickets"
    names = {s.id: s.short_name for s in content.services}
    suggestions = [
        # Shown in a chat message and a PDF table row: a suggestion stored before it was
        # cleaned, or imported at any length, must fit both.
        Suggestion(at, names.get(service_id or "", "-"), clean_text(text, SUGGESTION_SHOWN_CHARS))
        for at, service_id, text in await latest_suggestions(db, start, end, SUGGESTIONS_SHOWN)
    ]
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
        history=[HistoryPoint(p, t.respondents, _index(t)) for p, t in history],
        plans_of_period=await plans_for_period(db, period.first, period.last),
        open_plans=await open_plans(db),
        complaints=await complaint_counts(db, now),
        versions=await questionnaire_versions(db, start, end),
    )
