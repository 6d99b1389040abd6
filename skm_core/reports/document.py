"""The printed report as a document: cover, lembar pengesahan, Bab I–V and Lampiran.

Everything a reader sees is decided here, in plain strings from the templates of
content/report.yaml; `pdf.py` only lays it out. That keeps the wording testable without reading a
PDF back. The report follows the structure agencies use under PermenPANRB 14/2017 and the unit's
own report (its Tabel 2 of follow-up plans and Tabel 3 of their realisation).
"""

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.dates import date_text, period_label
from skm_core.ikm import (
    GRADE_FLOORS,
    MAX_SCORE,
    MIN_SCORE,
    SCALE,
    Grade,
    IkmResult,
    grade_for,
    round_half_up,
)
from skm_core.ikm_report import id_number
from skm_core.periods import period_between
from skm_core.reports.common import (
    IKM_PLACES,
    NRR_PLACES,
    channel_label,
    count_text,
    no_result_text,
    number_text,
    percent_text,
    performance_label,
    population_source_label,
    unsur_name,
)
from skm_core.reports.tables import (
    DataTable,
    period_plans,
    plans_table,
    profile_table,
    realisation_table,
    service_nrr_table,
    services_table,
    text_rows,
    unsur_table,
)
from skm_core.storage.followup import FollowUpPlan
from skm_core.summary import Summary

Align = Literal["L", "C", "R", "J"]


@dataclass(frozen=True)
class Heading:
    """A numbered sub-heading inside a chapter (1.1 Latar Belakang)."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    strong: bool = False
    """The sentence a reader looks for first (the IKM itself)."""


@dataclass(frozen=True)
class Table:
    caption: str
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    """Relative column widths."""
    align: tuple[Align, ...]
    grouped: int = 0
    """How many leading columns span the rows that repeat their value (No, Prioritas Unsur)."""


@dataclass(frozen=True)
class Picture:
    png: bytes
    caption: str


Block = Heading | Paragraph | Table | Picture


@dataclass(frozen=True)
class Section:
    """A chapter (BAB I ...) or the Lampiran; each starts on a new page."""

    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Cover:
    kop: tuple[str, ...]
    """The letterhead lines, the unit's name first after the government."""
    logo: bytes | None
    title: str
    lines: tuple[str, ...]
    """Under the title: unit, period, year."""


@dataclass(frozen=True)
class Approval:
    """The lembar pengesahan; blank lines to sign where the signatory is not in content."""

    title: str
    text: str
    place_date: str
    position: str
    name: str
    rank: str
    nip: str


@dataclass(frozen=True)
class Document:
    title: str
    cover: Cover
    approval: Approval
    sections: tuple[Section, ...]
    footer: str
    """Placeholders: {page}, {pages}."""

    def text(self) -> str:
        """Every word of the document, one block a line, for searching and for tests."""
        cover, approval = self.cover, self.approval
        parts = [*cover.kop, cover.title, *cover.lines]
        parts += [approval.title, approval.text, approval.place_date, approval.position]
        parts += [approval.name, approval.rank, approval.nip]
        for section in self.sections:
            parts.append(section.heading)
            for block in section.blocks:
                if isinstance(block, Heading | Paragraph):
                    parts.append(block.text)
                elif isinstance(block, Table):
                    parts += [block.caption, " | ".join(block.headings)]
                    parts += [" | ".join(row) for row in block.rows]
                else:
                    parts.append(block.caption)
        return "\n".join(parts)


# --- cover and lembar pengesahan --------------------------------------------------------------


def _kop_values(content: Content) -> dict[str, str]:
    unit = content.unit
    return {
        "unit": unit.name,
        "unit_upper": unit.name.upper(),
        "regency": unit.regency,
        "regency_upper": unit.regency.upper(),
        "province": unit.province,
        "address": unit.address,
        "postal_code": unit.postal_code,
        "phone": unit.phone,
        "email": unit.email,
        "website": unit.website,
    }


def _logo(content: Content) -> bytes | None:
    name = content.report.document.logo
    if not name:
        return None
    path = content.directory / name
    return path.read_bytes() if path.is_file() else None


def _cover(summary: Summary, content: Content) -> Cover:
    words = content.report.document
    values = _kop_values(content)
    period = period_label(summary.period, content.texts)
    return Cover(
        kop=tuple(line.format(**values) for line in words.kop),
        logo=_logo(content),
        title=words.cover_title,
        lines=(
            words.cover_subtitle.format(unit=summary.unit_name),
            words.cover_period.format(unit=summary.unit_name, period=period),
            words.cover_year.format(year=summary.period.last.year),
        ),
    )


def _approval(summary: Summary, content: Content) -> Approval:
    words = content.report.document
    signer = words.signatory
    today = summary.generated_at.astimezone(summary.timezone).date()
    return Approval(
        title=words.approval_title,
        text=words.approval_text.format(
            unit=summary.unit_name,
            period=period_label(summary.period, content.texts),
            regulation=content.survey.regulation,
        ),
        place_date=words.approval_place_date.format(
            place=signer.place, date=date_text(today, content.texts)
        ),
        position=signer.position,
        name=signer.name or words.blank_name,
        rank=words.approval_rank.format(rank=signer.rank) if signer.rank else words.blank_rank,
        nip=words.approval_nip.format(nip=signer.nip) if signer.nip else words.blank_nip,
    )


# --- Bab I Pendahuluan ------------------------------------------------------------------------


def _introduction(summary: Summary, content: Content) -> Section:
    words = content.report.document
    legal = [
        f"{number}. "
        + item.format(
            regulation=content.survey.regulation,
            service_standard_decree=content.unit.service_standard_decree,
        )
        for number, item in enumerate(words.legal_basis, start=1)
    ]
    return Section(
        words.chapter_1,
        (
            Heading(words.background_title),
            Paragraph(words.background.format(unit=summary.unit_name)),
            Heading(words.legal_title),
            *(Paragraph(item) for item in legal),
            Heading(words.purpose_title),
            Paragraph(words.purpose.format(unit=summary.unit_name)),
        ),
    )


# --- Bab II Metode ----------------------------------------------------------------------------


def _interval_number(value: Decimal) -> str:
    """A bound as the regulation prints it: as many decimals as it has, at least two."""
    exact = value.normalize()
    exponent = exact.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        exact = exact.quantize(Decimal("0.01"))
    return id_number(exact)


def _grade_bounds() -> list[tuple[Grade, Decimal, Decimal]]:
    """Each grade's interval on the 25..100 scale, from D up, as in PermenPANRB 14/2017."""
    step = Decimal("0.01")
    floors = sorted(GRADE_FLOORS)
    lowers = [Decimal(SCALE * MIN_SCORE), *(floor for floor, _ in floors)]
    uppers = [*(floor - step for floor, _ in floors), Decimal(SCALE * MAX_SCORE)]
    grades = [Grade.D, *(grade for _, grade in floors)]
    return list(zip(grades, lowers, uppers, strict=True))


def _interval_table(content: Content) -> Table:
    columns = content.report.columns
    rows = []
    for grade, lower, upper in _grade_bounds():
        nrr = f"{_interval_number(lower / SCALE)} – {_interval_number(upper / SCALE)}"
        ikm = f"{_interval_number(lower)} – {_interval_number(upper)}"
        rows.append((nrr, ikm, grade.value, performance_label(grade, content)))
    return Table(
        caption=content.report.pdf.interval_title,
        headings=(columns.interval_nrr, columns.interval_ikm, columns.grade, columns.performance),
        rows=tuple(rows),
        widths=(3, 3, 1.4, 2.6),
        align=("C", "C", "C", "L"),
    )


def _unsur_list(content: Content) -> Table:
    columns = content.report.columns
    return Table(
        caption=content.report.document.unsur_list_title,
        headings=(columns.number, columns.unsur),
        rows=tuple((u.code, u.name) for u in content.survey.unsur),
        widths=(1, 8),
        align=("C", "L"),
    )


def _sample_paragraphs(summary: Summary, content: Content) -> list[Paragraph]:
    words = content.report.pdf
    minimum = summary.min_sample
    if summary.population is None or minimum is None:
        return [Paragraph(words.sample_unknown)]
    source = population_source_label(summary.population_source, content.report)
    known = words.sample_known.format(
        population=count_text(summary.population),
        source=source,
        min_sample=count_text(minimum),
        respondents=count_text(summary.respondents),
    )
    if summary.sample_adequate:
        verdict = words.sample_adequate
    else:
        verdict = words.sample_inadequate.format(short=count_text(minimum - summary.respondents))
    return [Paragraph(f"{known} {verdict}")]


def _versions(summary: Summary, content: Content) -> list[Paragraph]:
    words = content.report.document
    if not summary.versions:
        return []
    items = ", ".join(
        words.version_item.format(version=version, count=count_text(count))
        for version, count in summary.versions
    )
    return [Paragraph(words.versions.format(versions=items))]


def _collection_table(summary: Summary, content: Content) -> Table:
    columns = content.report.columns
    total = sum(summary.channels.values())
    return Table(
        caption=content.report.document.collection_table_title,
        headings=(columns.channel, columns.count, columns.share),
        rows=tuple(
            (
                channel_label(channel, content.report),
                count_text(count),
                percent_text(Fraction(count, total), content.report),
            )
            for channel, count in summary.channels.items()
        ),
        widths=(4, 2, 2),
        align=("L", "R", "R"),
    )


def _method(summary: Summary, content: Content) -> Section:
    words = content.report.document
    period = summary.period
    blocks: list[Block] = [
        Heading(words.instrument_title),
        Paragraph(words.instrument.format(regulation=content.survey.regulation)),
        _unsur_list(content),
        *_versions(summary, content),
        Heading(words.computation_title),
        Paragraph(content.report.pdf.method.format(regulation=content.survey.regulation)),
        _interval_table(content),
        Heading(words.sample_title),
        Paragraph(words.sample_method),
        *_sample_paragraphs(summary, content),
        Heading(words.time_place_title),
        Paragraph(
            words.time_place.format(
                period=period_label(period, content.texts),
                first=date_text(period.first, content.texts),
                last=date_text(period.last, content.texts),
                place=content.unit.short_name,
                address=content.unit.address,
            )
        ),
        Heading(words.collection_title),
    ]
    if summary.channels:
        blocks += [Paragraph(words.collection), _collection_table(summary, content)]
    else:
        blocks.append(Paragraph(content.report.no_responses))
    return Section(words.chapter_2, tuple(blocks))


# --- Bab III Hasil ----------------------------------------------------------------------------


def _ikm_line(result: IkmResult, content: Content) -> Paragraph:
    return Paragraph(
        content.report.pdf.ikm_line.format(
            ikm=id_number(result.ikm_shown),
            grade=result.grade.value,
            label=performance_label(result.grade, content),
        ),
        strong=True,
    )


def as_table(data: DataTable, content: Content) -> Table:
    """A shared table as the printed report writes it."""
    return Table(
        caption=data.caption,
        headings=tuple(column.heading for column in data.columns),
        rows=text_rows(data, content),
        widths=tuple(column.width for column in data.columns),
        align=tuple(column.align for column in data.columns),
        grouped=data.grouped,
    )


def _services_blocks(summary: Summary, content: Content) -> list[Block]:
    texts = content.report
    if not summary.services:
        return [Paragraph(texts.pdf.no_services)]
    blocks: list[Block] = [
        as_table(services_table(summary, content), content),
        as_table(service_nrr_table(summary, content), content),
    ]
    if any(summary.is_small(line.respondents) for line in summary.services):
        blocks.append(Paragraph(texts.small_sample_note.format(minimum=summary.small_sample)))
    if any(line.ikm is None for line in summary.services):
        blocks.append(Paragraph(texts.service_ikm_missing))
    return blocks


def _results(summary: Summary, content: Content) -> Section:
    words = content.report.document
    pdf = content.report.pdf
    blocks: list[Block] = [
        Heading(words.profile_title),
        Paragraph(pdf.respondents_line.format(count=count_text(summary.respondents))),
    ]
    profile = profile_table(summary, content)
    if profile is None:
        blocks.append(Paragraph(content.report.no_responses))
    else:
        blocks.append(as_table(profile, content))
    blocks.append(Heading(words.results_title))
    result = summary.result
    if result is None:
        blocks.append(Paragraph(no_result_text(summary, content.report)))
    else:
        blocks += [as_table(unsur_table(result, summary, content), content)]
        blocks.append(_ikm_line(result, content))
    blocks.append(Heading(words.services_title))
    blocks += _services_blocks(summary, content)
    return Section(words.chapter_3, tuple(blocks))


# --- Bab IV Analisis --------------------------------------------------------------------------


def _lowest_blocks(summary: Summary, content: Content) -> list[Block]:
    words = content.report.pdf
    result = summary.result
    if result is None:
        return [Paragraph(no_result_text(summary, content.report))]
    items: list[Block] = [
        Paragraph(
            words.lowest_item.format(
                rank=rank,
                code=code,
                name=unsur_name(code, content),
                nrr=number_text(result.nrr[code], NRR_PLACES),
                grade=result.unsur_grade(code).value,
                label=performance_label(result.unsur_grade(code), content),
            )
        )
        for rank, code in enumerate(result.lowest(), start=1)
    ]
    highest = result.lowest(len(UNSUR_CODES))[-1]
    top = content.report.document.highest.format(
        code=highest,
        name=unsur_name(highest, content),
        nrr=number_text(result.nrr[highest], NRR_PLACES),
    )
    return [Paragraph(words.lowest_intro), *items, Paragraph(top)]


def suggestion_theme(text: str, content: Content) -> str | None:
    """The unsur a suggestion speaks of: the first whose words start a word of the text."""
    said = text.casefold()
    for code in UNSUR_CODES:
        for word in content.report.document.themes.get(code, []):
            if re.search(rf"\b{re.escape(word.casefold())}", said):
                return code
    return None


def _theme_table(summary: Summary, content: Content) -> Table:
    words = content.report.document
    counts: dict[str | None, int] = {}
    for suggestion in summary.suggestions:
        theme = suggestion_theme(suggestion.text, content)
        counts[theme] = counts.get(theme, 0) + 1
    order = [*UNSUR_CODES, None]
    rows = tuple(
        (
            f"{code} {unsur_name(code, content)}" if code else words.other_theme,
            count_text(counts[code]),
            percent_text(Fraction(counts[code], len(summary.suggestions)), content.report),
        )
        for code in order
        if code in counts
    )
    columns = content.report.columns
    return Table(
        caption=words.suggestions_theme_title,
        headings=(columns.unsur, columns.count, columns.share),
        rows=rows,
        widths=(5, 1.5, 1.5),
        align=("L", "R", "R"),
    )


def _suggestion_blocks(summary: Summary, content: Content) -> list[Block]:
    words = content.report.document
    if not summary.suggestions:
        return [Paragraph(words.suggestions_none)]
    return [
        Paragraph(words.suggestions_count.format(count=count_text(summary.suggestion_total))),
        _theme_table(summary, content),
    ]


def duration_text(span: timedelta, content: Content) -> str:
    """A time to answer as people say it: '2 hari 3 jam', '5 jam', '40 menit'."""
    words = content.report.document
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [
        template.format(count=count)
        for count, template in (
            (days, words.duration_days),
            (hours, words.duration_hours),
            (minutes, words.duration_minutes),
        )
        if count
    ]
    # Two units say enough: "2 hari 3 jam" is read, "2 hari 3 jam 12 menit" is not.
    return " ".join(parts[:2]) if parts else words.duration_under_minute


def _complaint_blocks(summary: Summary, content: Content) -> list[Block]:
    words = content.report.document
    counts = summary.period_complaints
    if counts is None or counts.received == 0:
        return [Paragraph(words.complaints_none)]
    lines = [words.complaints_received.format(received=count_text(counts.received))]
    if counts.median_answer_time is None:
        lines.append(words.complaints_none_answered)
    else:
        median = duration_text(counts.median_answer_time, content)
        lines.append(
            words.complaints_answered.format(answered=count_text(counts.answered), median=median)
        )
    if counts.still_open:
        lines.append(words.complaints_open.format(open=count_text(counts.still_open)))
    else:
        lines.append(words.complaints_all_answered)
    return [Paragraph(" ".join(lines))]


def _previous_label(summary: Summary, content: Content) -> str:
    """The previous period, or the published period that stands for it."""
    point = summary.previous_point
    if point is not None and point.published is not None:
        published = point.published
        return period_label(period_between(published.first, published.last), content.texts)
    return period_label(summary.period.previous(), content.texts)


def _change_line(summary: Summary, content: Content) -> Paragraph:
    words = content.report.pdf
    previous_label = _previous_label(summary, content)
    change = summary.change
    if summary.previous is None or change is None:
        return Paragraph(words.change_unknown.format(previous=previous_label))
    rounded = round_half_up(abs(change), IKM_PLACES)
    if rounded == 0:
        template = words.change_same
    else:
        template = words.change_up if change > 0 else words.change_down
    return Paragraph(
        template.format(
            previous=previous_label,
            previous_ikm=id_number(summary.previous.ikm_shown),
            change=id_number(rounded),
        )
    )


def _trend_table(summary: Summary, content: Content) -> Table:
    words = content.report.document
    texts = content.report
    rows = []
    for point in summary.history:
        if point.ikm is None:
            continue
        if point.published is not None:
            published = point.published
            shown = period_between(published.first, published.last)
            label = period_label(shown, content.texts)
            source = words.source_published.format(source=published.source)
        else:
            label = period_label(point.period, content.texts)
            source = words.source_answers
        grade = grade_for(point.ikm)
        rows.append(
            (
                label,
                count_text(point.respondents),
                number_text(point.ikm, IKM_PLACES),
                f"{grade.value} ({performance_label(grade, content)})",
                source,
            )
        )
    return Table(
        caption=words.trend_title,
        headings=(
            texts.xlsx.period,
            texts.columns.respondents,
            texts.columns.ikm,
            texts.columns.grade,
            texts.columns.source,
        ),
        rows=tuple(rows),
        widths=(3.2, 1.6, 1.2, 2.2, 3.6),
        align=("L", "R", "R", "L", "L"),
    )


def _comparison_blocks(summary: Summary, content: Content, chart_png: bytes | None) -> list[Block]:
    words = content.report.document
    blocks: list[Block] = [_change_line(summary, content)]
    if any(point.ikm is not None for point in summary.history):
        blocks.append(_trend_table(summary, content))
    if chart_png is not None:
        blocks.append(Picture(chart_png, words.chart_title))
    return blocks


def _analysis(summary: Summary, content: Content, chart_png: bytes | None) -> Section:
    words = content.report.document
    return Section(
        words.chapter_4,
        (
            Heading(words.lowest_title),
            *_lowest_blocks(summary, content),
            Heading(words.suggestions_title),
            *_suggestion_blocks(summary, content),
            Heading(words.complaints_title),
            *_complaint_blocks(summary, content),
            Heading(words.comparison_title),
            *_comparison_blocks(summary, content, chart_png),
        ),
    )


# --- Bab V Kesimpulan dan Rencana Tindak Lanjut -----------------------------------------------


def _conclusion(summary: Summary, content: Content) -> Paragraph:
    words = content.report.document
    result = summary.result
    if result is None:
        return Paragraph(words.conclusion_no_result)
    lowest = ", ".join(f"{code} {unsur_name(code, content)}" for code in result.lowest())
    return Paragraph(
        words.conclusion.format(
            unit=summary.unit_name,
            period=period_label(summary.period, content.texts),
            respondents=count_text(summary.respondents),
            ikm=id_number(result.ikm_shown),
            grade=result.grade.value,
            label=performance_label(result.grade, content),
            lowest=lowest,
        )
    )


def _carried_table(plans: list[FollowUpPlan], content: Content) -> Table:
    """The unit's "Rencana Lanjutan": how each unfinished plan will now be completed."""
    texts = content.report
    columns = texts.columns
    rows = tuple(
        (
            str(number),
            f"{plan.unsur} {plan.activity}",
            plan.strategy or texts.not_available,
            plan.next_target or plan.target,
            plan.responsible,
            plan.stakeholder or texts.not_available,
        )
        for number, plan in enumerate(plans, start=1)
    )
    return Table(
        caption=texts.document.carried_title.split(" ", 1)[-1],
        headings=(
            columns.number,
            columns.plan,
            columns.strategy,
            columns.next_target,
            columns.responsible,
            columns.stakeholder,
        ),
        rows=rows,
        widths=(0.8, 3, 3, 2.2, 2.2, 2.2),
        align=("C", "L", "L", "L", "L", "L"),
    )


def _open_plans_line(summary: Summary, content: Content) -> Paragraph:
    words = content.report.document
    open_count = len(summary.open_plans)
    overdue = len(summary.overdue_plans(_local_today(summary)))
    if open_count == 0:
        return Paragraph(words.plans_none_open)
    if overdue == 0:
        return Paragraph(words.plans_open.format(open=count_text(open_count)))
    return Paragraph(
        words.plans_overdue.format(open=count_text(open_count), overdue=count_text(overdue))
    )


def _local_today(summary: Summary) -> date:
    return summary.generated_at.astimezone(summary.timezone).date()


def _plans_blocks(summary: Summary, content: Content) -> list[Block]:
    words = content.report.document
    previous = period_label(summary.period.previous(), content.texts)
    blocks: list[Block] = [Heading(words.rtl_title)]
    if summary.plans_of_period:
        blocks += [
            Paragraph(words.rtl_intro),
            as_table(plans_table(summary, content), content),
            as_table(realisation_table(period_plans(summary), content), content),
        ]
    else:
        blocks.append(Paragraph(content.report.no_plans))
    blocks.append(Heading(words.realisation_title))
    if summary.previous_plans:
        blocks += [
            Paragraph(words.realisation_intro.format(previous=previous)),
            as_table(realisation_table(summary.previous_plans, content), content),
        ]
    else:
        blocks.append(Paragraph(words.realisation_none.format(previous=previous)))
    blocks.append(Heading(words.carried_title))
    carried = summary.carried_plans
    if carried:
        blocks += [Paragraph(words.carried_intro), _carried_table(carried, content)]
    else:
        blocks.append(Paragraph(words.carried_none))
    blocks.append(_open_plans_line(summary, content))
    return blocks


def _closing(summary: Summary, content: Content) -> Section:
    words = content.report.document
    return Section(
        words.chapter_5,
        (
            Heading(words.conclusion_title),
            _conclusion(summary, content),
            *_plans_blocks(summary, content),
        ),
    )


# --- Lampiran ---------------------------------------------------------------------------------


def _questionnaire(content: Content) -> list[Block]:
    words = content.report.document
    survey = content.survey
    blocks: list[Block] = [
        Heading(words.questionnaire_title),
        Paragraph(
            words.questionnaire_profile.format(
                questions=", ".join(question.label for question in survey.profile)
            )
        ),
    ]
    for unsur in survey.unsur:
        answers = "; ".join(
            words.answer_item.format(score=score, label=label)
            for score, label in enumerate(unsur.answers, start=1)
        )
        blocks.append(
            Paragraph(
                words.questionnaire_item.format(code=unsur.code, question=unsur.question)
                + " "
                + words.questionnaire_answers.format(answers=answers)
            )
        )
    return blocks


def _all_suggestions(summary: Summary, content: Content) -> list[Block]:
    texts = content.report
    words = texts.document
    if not summary.suggestions:
        return [Heading(words.all_suggestions_title), Paragraph(words.suggestions_none)]
    rows = tuple(
        (
            str(number),
            date_text(s.submitted_at.astimezone(summary.timezone).date(), content.texts),
            s.service_name,
            s.text,
        )
        for number, s in enumerate(summary.suggestions, start=1)
    )
    table = Table(
        caption=words.all_suggestions_title.split(" ", 2)[-1],
        headings=(
            texts.columns.number,
            texts.columns.date,
            texts.columns.service,
            texts.columns.suggestion,
        ),
        rows=rows,
        widths=(0.8, 2.9, 2.6, 6.3),
        align=("C", "L", "L", "L"),
    )
    return [Heading(words.all_suggestions_title), Paragraph(texts.pdf.suggestions_intro), table]


def _computation_table(summary: Summary, result: IkmResult, content: Content) -> Table:
    columns = content.report.columns
    tally = summary.tally
    rows = [
        (
            code,
            unsur_name(code, content),
            count_text(tally.sums[index]),
            count_text(tally.counts[index]),
            number_text(result.nrr[code], 3),
            number_text(result.nrr[code] / len(UNSUR_CODES), 3),
        )
        for index, code in enumerate(UNSUR_CODES)
    ]
    weighted = result.ikm / SCALE
    rows.append(("", content.report.xlsx.total_weighted, "", "", "", number_text(weighted, 3)))
    rows.append(("", content.report.xlsx.ikm, "", "", "", id_number(result.ikm_shown)))
    return Table(
        caption=content.report.xlsx.ikm_title,
        headings=(
            columns.number,
            columns.unsur,
            columns.answer_sum,
            columns.answer_count,
            columns.nrr,
            columns.nrr_weighted,
        ),
        rows=tuple(rows),
        widths=(0.9, 4.2, 1.6, 2.2, 1.3, 2.2),
        align=("C", "L", "R", "R", "R", "R"),
    )


def _computation(summary: Summary, content: Content) -> list[Block]:
    words = content.report.document
    result = summary.result
    if result is None:
        return [
            Heading(words.computation_appendix_title),
            Paragraph(no_result_text(summary, content.report)),
        ]
    return [
        Heading(words.computation_appendix_title),
        _computation_table(summary, result, content),
        Paragraph(words.computation_note),
    ]


def _appendix(summary: Summary, content: Content) -> Section:
    return Section(
        content.report.document.appendix,
        (
            *_questionnaire(content),
            *_all_suggestions(summary, content),
            *_computation(summary, content),
        ),
    )


# --- the whole document -----------------------------------------------------------------------


def _numbered(sections: list[Section], content: Content) -> tuple[Section, ...]:
    """Tables and pictures numbered through the document (Tabel 1., Gambar 1.)."""
    words = content.report.pdf
    tables = pictures = 0
    result = []
    for section in sections:
        blocks: list[Block] = []
        for block in section.blocks:
            if isinstance(block, Table):
                tables += 1
                caption = words.table_caption.format(number=tables, title=block.caption)
                blocks.append(replace(block, caption=caption))
            elif isinstance(block, Picture):
                pictures += 1
                caption = words.figure_caption.format(number=pictures, title=block.caption)
                blocks.append(replace(block, caption=caption))
            else:
                blocks.append(block)
        result.append(Section(section.heading, tuple(blocks)))
    return tuple(result)


def report_document(summary: Summary, content: Content, chart_png: bytes | None) -> Document:
    """The period's SKM report as the unit files and publishes it."""
    sections = [
        _introduction(summary, content),
        _method(summary, content),
        _results(summary, content),
        _analysis(summary, content, chart_png),
        _closing(summary, content),
        _appendix(summary, content),
    ]
    return Document(
        title=content.report.title,
        cover=_cover(summary, content),
        approval=_approval(summary, content),
        sections=_numbered(sections, content),
        footer=content.report.pdf.page,
    )
