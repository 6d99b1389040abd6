"""What every export shows the same way: numbers, names, profile counts and plan order."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES, ProfileQuestion
from skm_core.content.report_texts import ReportTexts
from skm_core.conversation.typed import whole_number
from skm_core.ikm.compute import Grade, round_half_up
from skm_core.ikm.report import id_number
from skm_core.reports.summary import Summary
from skm_core.storage.followup import FollowUpPlan

NRR_PLACES = 2
IKM_PLACES = 2
PERCENT_PLACES = 2


def number_text(value: Fraction, places: int = 2) -> str:
    """An exact value rounded half up for display, with the Indonesian decimal comma."""
    return id_number(round_half_up(value, places))


def count_text(count: int) -> str:
    return id_number(Decimal(count))


def percent_text(share: Fraction, texts: ReportTexts) -> str:
    return texts.percent.format(value=number_text(share * 100, PERCENT_PLACES))


def performance_label(grade: Grade, content: Content) -> str:
    return content.texts.performance[grade.value]


def unsur_name(code: str, content: Content) -> str:
    return content.survey.unsur_by_code(code).name


def service_name(service_id: str | None, content: Content) -> str:
    """The service's full name; a response without a service, or of a removed one, says so."""
    if service_id is None:
        return content.report.unnamed_service
    service = content.service(service_id)
    return service.name if service is not None else service_id


def channel_label(channel: str, texts: ReportTexts) -> str:
    return texts.channels.get(channel, channel)


def status_label(status: str, texts: ReportTexts) -> str:
    """Whether a plan was carried out, in the words of the realisation table (Sudah/Belum)."""
    for key, label in texts.status.items():
        if key == status:
            return label
    return status


def population_source_label(source: str | None, texts: ReportTexts) -> str:
    """Where the number of people served comes from: entered by an official, or tickets."""
    for key, label in texts.population_sources.items():
        if key == source:
            return label
    return source or ""


def choice_label(question: ProfileQuestion, value: str | int) -> str:
    """The label of a chosen option; an id no longer in the questionnaire is shown as it is."""
    for option in question.options:
        if option.id == str(value):
            return option.label
    return str(value)


def band_label(lower: int | None, upper: int | None, texts: ReportTexts) -> str:
    """The name of an inclusive group of numbers; the first group is named by its limit."""
    if lower is None:
        return texts.band_first.format(limit=(upper or 0) + 1)
    if upper is None:
        return texts.band_last.format(lower=lower)
    return texts.band_middle.format(lower=lower, upper=upper)


def band_limits(bands: list[int]) -> list[tuple[int | None, int | None]]:
    """Inclusive (lower, upper) of each group; None where a group is open-ended."""
    limits: list[tuple[int | None, int | None]] = [(None, bands[0] - 1)]
    limits += [(low, high - 1) for low, high in pairwise(bands)]
    limits.append((bands[-1], None))
    return limits


@dataclass(frozen=True)
class ProfileLine:
    question: str
    answer: str
    count: int
    share: Fraction
    """Of all respondents of the period."""


def _choice_counts(question: ProfileQuestion, counts: dict[str, int]) -> list[tuple[str, int]]:
    known = {option.id for option in question.options}
    lines = [(option.label, counts.get(option.id, 0)) for option in question.options]
    lines += [(value, n) for value, n in counts.items() if value and value not in known]
    return lines


def _in_band(number: int, lower: int | None, upper: int | None) -> bool:
    return (lower is None or number >= lower) and (upper is None or number <= upper)


def _number_counts(counts: dict[str, int], texts: ReportTexts) -> list[tuple[str, int]]:
    numbers = {
        number: n for v, n in counts.items() if (number := whole_number(v, signed=True)) is not None
    }
    lines = [
        (
            band_label(lower, upper, texts),
            sum(n for number, n in numbers.items() if _in_band(number, lower, upper)),
        )
        for lower, upper in band_limits(texts.number_bands)
    ]
    # Whatever is not a number (an edited database) is still counted, under its own text.
    lines += [(v, n) for v, n in counts.items() if v and whole_number(v, signed=True) is None]
    return lines


def profile_lines(summary: Summary, content: Content) -> list[ProfileLine]:
    """Every profile question's answers with counts and shares; none without respondents."""
    if summary.respondents == 0:
        return []
    texts = content.report
    lines: list[ProfileLine] = []
    for question in content.survey.profile:
        counts = summary.profile.get(question.id, {})
        if question.kind == "number":
            answers = _number_counts(counts, texts)
        else:
            answers = _choice_counts(question, counts)
        unanswered = counts.get("", 0)
        if unanswered:
            answers.append((texts.not_answered, unanswered))
        lines += [
            ProfileLine(question.label, label, n, Fraction(n, summary.respondents))
            for label, n in answers
        ]
    return lines


@dataclass(frozen=True)
class RankedPlan:
    priority: int
    """1 for the unsur with the lowest NRR among those with plans."""
    plan: FollowUpPlan


def unsur_priority(summary: Summary) -> list[str]:
    """Unsur from the lowest NRR up; in code order when the period has no IKM."""
    if summary.result is None:
        return list(UNSUR_CODES)
    return summary.result.lowest(len(UNSUR_CODES))


def ranked_plans(summary: Summary) -> list[RankedPlan]:
    """The period's plans grouped by unsur, the weakest unsur first, as the RTL table lists them."""
    order = unsur_priority(summary)
    plans = sorted(
        summary.plans_of_period,
        key=lambda p: (order.index(p.unsur) if p.unsur in order else len(order), p.id),
    )
    ranked: list[RankedPlan] = []
    for plan in plans:
        if ranked and ranked[-1].plan.unsur == plan.unsur:
            priority = ranked[-1].priority
        else:
            priority = ranked[-1].priority + 1 if ranked else 1
        ranked.append(RankedPlan(priority, plan))
    return ranked


def no_result_text(summary: Summary, texts: ReportTexts) -> str:
    """Why a period has no IKM: no response at all, or an unsur nobody answered."""
    return texts.no_responses if summary.respondents == 0 else texts.incomplete
