"""A period's summary as the chat message officials read (numbers in Indonesian style)."""

from decimal import Decimal

from skm_core.calendar.dates import date_text, period_label
from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.compute import IkmResult, round_half_up
from skm_core.ikm.report import id_number
from skm_core.reports.summary import Summary


def _count(number: int) -> str:
    """A count as the unit writes it: 1.250, not 1250."""
    return id_number(Decimal(number))


def summary_text(summary: Summary, content: Content) -> str:
    t = content.texts.summary
    blocks = [
        t.title.format(unit=summary.unit_name, period=period_label(summary.period, content.texts))
    ]
    if summary.result is None:
        blocks.append(t.no_responses)
    else:
        blocks += [
            _head(summary, summary.result, content),
            _unsur(summary.result, content),
            _lowest(summary.result, content),
            _services(summary, content),
        ]
    blocks.append(_sample(summary, content))
    if summary.suggestions:
        blocks.append(_suggestions(summary, content))
    blocks.append("\n".join([_plans(summary, content), *_complaints(summary, content)]))
    return "\n\n".join(blocks)


def _head(summary: Summary, result: IkmResult, content: Content) -> str:
    t = content.texts.summary
    head = [
        t.respondents.format(count=_count(summary.respondents)),
        t.ikm.format(
            ikm=id_number(result.ikm_shown),
            grade=result.grade.value,
            label=content.texts.performance[result.grade.value],
        ),
        _change(summary, content),
    ]
    if summary.versions:
        head.append(_versions(summary, content))
    return "\n".join(head)


def _unsur(result: IkmResult, content: Content) -> str:
    t = content.texts.summary
    lines = [t.unsur_title]
    for code in UNSUR_CODES:
        lines.append(
            t.unsur_line.format(
                code=code,
                name=content.survey.unsur_by_code(code).name,
                nrr=id_number(result.nrr_shown(code)),
                grade=result.unsur_grade(code).value,
            )
        )
    return "\n".join(lines)


def _lowest(result: IkmResult, content: Content) -> str:
    t = content.texts.summary
    lines = [t.lowest_title]
    for rank, code in enumerate(result.lowest(), start=1):
        lines.append(
            t.lowest_line.format(
                rank=rank,
                code=code,
                name=content.survey.unsur_by_code(code).name,
                nrr=id_number(result.nrr_shown(code)),
            )
        )
    return "\n".join(lines)


def _services(summary: Summary, content: Content) -> str:
    t = content.texts.summary
    lines = [t.services_title]
    for line in sorted(summary.services, key=lambda s: -s.respondents):
        ikm = id_number(round_half_up(line.ikm)) if line.ikm is not None else t.no_ikm
        if line.ikm is not None and summary.is_small(line.respondents):
            ikm = content.report.small_sample_mark.format(value=ikm)
        lines.append(
            t.service_line.format(name=line.name, respondents=_count(line.respondents), ikm=ikm)
        )
    if any(summary.is_small(line.respondents) for line in summary.services):
        lines.append(content.report.small_sample_note.format(minimum=summary.small_sample))
    return "\n".join(lines)


def _suggestions(summary: Summary, content: Content) -> str:
    t = content.texts.summary
    lines = [t.suggestions_title]
    for s in summary.suggestions:
        shown = date_text(s.submitted_at.astimezone(summary.timezone).date(), content.texts)
        lines.append(t.suggestion_line.format(date=shown, service=s.service_name, text=s.text))
    more = summary.suggestion_total - len(summary.suggestions)
    if more > 0:
        lines.append(t.suggestions_more.format(more=_count(more)))
    return "\n".join(lines)


def _complaints(summary: Summary, content: Content) -> list[str]:
    t = content.texts.summary
    complaints = summary.complaints
    if complaints is None:
        return []
    if complaints.open == 0:
        return [t.complaints_none]
    oldest = ""
    if complaints.oldest_open_at is not None:
        since = complaints.oldest_open_at.astimezone(summary.timezone).date()
        oldest = t.complaints_oldest.format(date=date_text(since, content.texts))
    return [t.complaints_line.format(open=_count(complaints.open), oldest=oldest)]


def _plans(summary: Summary, content: Content) -> str:
    """Open plans in words that never say "0 ... of which 0"."""
    t = content.texts.summary
    today = summary.generated_at.astimezone(summary.timezone).date()
    open_count, overdue = len(summary.open_plans), len(summary.overdue_plans(today))
    if open_count == 0:
        return t.plans_none
    if overdue == 0:
        return t.plans_not_overdue.format(open=_count(open_count))
    return t.plans_line.format(open=_count(open_count), overdue=_count(overdue))


def _change(summary: Summary, content: Content) -> str:
    t = content.texts.summary
    change = summary.change
    if change is None or summary.previous is None:
        return t.no_previous
    previous = id_number(summary.previous.ikm_shown)
    shown = round_half_up(abs(change))
    if shown == 0:
        return t.change_same.format(previous=previous)
    template = t.change_up if change > 0 else t.change_down
    return template.format(change=id_number(shown), previous=previous)


def _versions(summary: Summary, content: Content) -> str:
    """Which questionnaire versions the period's responses answered, and how many each."""
    t = content.texts.summary
    items = [
        t.version_item.format(version=version or t.version_unknown, count=count)
        for version, count in sorted(summary.versions.items(), key=lambda v: v[0] or "")
    ]
    return t.versions_line.format(versions=", ".join(items))


def _sample(summary: Summary, content: Content) -> str:
    t = content.texts.summary
    if summary.population is None or summary.min_sample is None:
        return t.sample_unknown
    template = t.sample_entered if summary.population_source == "entered" else t.sample_tickets
    line = template.format(
        population=_count(summary.population), minimum=_count(summary.min_sample)
    )
    if summary.respondents >= summary.min_sample:
        return f"{line}\n{t.sample_adequate}"
    short = _count(summary.min_sample - summary.respondents)
    return f"{line}\n{t.sample_short.format(short=short)}"
