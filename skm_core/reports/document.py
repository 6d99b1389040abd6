"""The printed report as a document of sections, paragraphs, tables and pictures.

Everything a reader sees is decided here, in plain strings; `pdf.py` only lays it out. That keeps
the wording testable without reading a PDF back, and lets another format reuse it.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Literal

from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.dates import date_text, local_datetime_text, period_label
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
from skm_core.reports.common import (
    IKM_PLACES,
    NRR_PLACES,
    count_text,
    no_result_text,
    number_text,
    percent_text,
    performance_label,
    population_source_label,
    profile_lines,
    ranked_plans,
    status_label,
    unsur_name,
)
from skm_core.summary import Summary

Align = Literal["L", "C", "R", "J"]


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


Block = Paragraph | Table | Picture


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    title: str
    lines: tuple[str, ...]
    """Under the title: unit, period, when it was made."""
    sections: tuple[Section, ...]
    footer: str
    """Placeholders: {page}, {pages}."""

    def text(self) -> str:
        """Every word of the document, one block a line, for searching and for tests."""
        parts = [self.title, *self.lines]
        for section in self.sections:
            parts.append(section.heading)
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    parts.append(block.text)
                elif isinstance(block, Table):
                    parts += [block.caption, " | ".join(block.headings)]
                    parts += [" | ".join(row) for row in block.rows]
                else:
                    parts.append(block.caption)
        return "\n".join(parts)


# --- 1. method --------------------------------------------------------------------------------


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


def _method_section(summary: Summary, content: Content) -> Section:
    words = content.report.pdf
    method = Paragraph(words.method.format(regulation=content.survey.regulation))
    blocks: list[Block] = [method, _interval_table(content), *_sample_paragraphs(summary, content)]
    return Section(words.section_method, tuple(blocks))


# --- 2. respondents ---------------------------------------------------------------------------


def _profile_table(summary: Summary, content: Content) -> Table | None:
    lines = profile_lines(summary, content)
    if not lines:
        return None
    columns = content.report.columns
    return Table(
        caption=content.report.pdf.profile_title,
        headings=(columns.question, columns.answer, columns.count, columns.share),
        rows=tuple(
            (
                line.question,
                line.answer,
                count_text(line.count),
                percent_text(line.share, content.report),
            )
            for line in lines
        ),
        widths=(2.2, 3.4, 1.4, 1.6),
        align=("L", "L", "R", "R"),
        grouped=1,
    )


def _respondents_section(summary: Summary, content: Content) -> Section:
    words = content.report.pdf
    blocks: list[Block] = [
        Paragraph(words.respondents_line.format(count=count_text(summary.respondents)))
    ]
    table = _profile_table(summary, content)
    if table is None:
        blocks.append(Paragraph(content.report.no_responses))
    else:
        blocks.append(table)
    return Section(words.section_respondents, tuple(blocks))


# --- 3. unsur and the IKM ---------------------------------------------------------------------


def _unsur_table(result: IkmResult, summary: Summary, content: Content) -> Table:
    columns = content.report.columns
    rows = []
    for code in UNSUR_CODES:
        grade = result.unsur_grade(code)
        rows.append(
            (
                code,
                unsur_name(code, content),
                number_text(result.nrr[code], NRR_PLACES),
                number_text(result.unsur_score(code), IKM_PLACES),
                grade.value,
                performance_label(grade, content),
            )
        )
    return Table(
        caption=content.report.pdf.unsur_title.format(
            period=period_label(summary.period, content.texts)
        ),
        headings=(
            columns.number,
            columns.unsur,
            columns.nrr,
            columns.nrr_25,
            columns.grade,
            columns.performance,
        ),
        rows=tuple(rows),
        widths=(0.9, 5.6, 1.3, 1.5, 1.1, 2.0),
        align=("C", "L", "R", "R", "C", "L"),
    )


def _ikm_line(result: IkmResult, content: Content) -> Paragraph:
    return Paragraph(
        content.report.pdf.ikm_line.format(
            ikm=id_number(result.ikm_shown),
            grade=result.grade.value,
            label=performance_label(result.grade, content),
        ),
        strong=True,
    )


def _change_line(summary: Summary, content: Content) -> Paragraph:
    words = content.report.pdf
    previous_label = period_label(summary.period.previous(), content.texts)
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


def _unsur_section(summary: Summary, content: Content) -> Section:
    words = content.report.pdf
    result = summary.result
    if result is None:
        blocks: tuple[Block, ...] = (Paragraph(no_result_text(summary, content.report)),)
    else:
        blocks = (
            _unsur_table(result, summary, content),
            _ikm_line(result, content),
            _change_line(summary, content),
        )
    return Section(words.section_unsur, blocks)


# --- 4. the three lowest unsur ----------------------------------------------------------------


def _lowest_section(summary: Summary, content: Content) -> Section:
    words = content.report.pdf
    result = summary.result
    if result is None:
        return Section(words.section_lowest, (Paragraph(no_result_text(summary, content.report)),))
    items = [
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
    return Section(words.section_lowest, (Paragraph(words.lowest_intro), *items))


# --- 5. per service ---------------------------------------------------------------------------


def _services_table(summary: Summary, content: Content) -> Table:
    texts = content.report
    columns = texts.columns
    rows = []
    for number, line in enumerate(summary.services, start=1):
        name = line.name if line.service_id is not None else texts.unnamed_service
        if line.ikm is None:
            ikm, grade, label = texts.not_available, texts.not_available, texts.not_available
        else:
            shown = grade_for(line.ikm)
            ikm = number_text(line.ikm, IKM_PLACES)
            grade, label = shown.value, performance_label(shown, content)
        rows.append((str(number), name, count_text(line.respondents), ikm, grade, label))
    return Table(
        caption=texts.pdf.services_title,
        headings=(
            columns.number,
            columns.service,
            columns.respondents,
            columns.ikm,
            columns.grade,
            columns.performance,
        ),
        rows=tuple(rows),
        widths=(0.8, 5.4, 1.8, 1.3, 1.1, 2.2),
        align=("C", "L", "R", "R", "C", "L"),
    )


def _services_section(summary: Summary, content: Content) -> Section:
    texts = content.report
    if not summary.services:
        return Section(texts.pdf.section_services, (Paragraph(texts.pdf.no_services),))
    blocks: list[Block] = [_services_table(summary, content)]
    if any(line.ikm is None for line in summary.services):
        blocks.append(Paragraph(texts.service_ikm_missing))
    return Section(texts.pdf.section_services, tuple(blocks))


# --- 6. follow-up plans -----------------------------------------------------------------------


def _plans_table(summary: Summary, content: Content) -> Table:
    columns = content.report.columns
    rows = tuple(
        (
            str(item.priority),
            f"{item.plan.unsur} {unsur_name(item.plan.unsur, content)}",
            item.plan.activity,
            item.plan.target,
            item.plan.responsible,
        )
        for item in ranked_plans(summary)
    )
    return Table(
        caption=content.report.pdf.plans_title,
        headings=(
            columns.number,
            columns.priority_unsur,
            columns.plan_activity,
            columns.time,
            columns.responsible,
        ),
        rows=rows,
        widths=(0.8, 2.6, 4, 2, 2.6),
        align=("C", "L", "L", "L", "L"),
        grouped=2,
    )


def _realisation_table(summary: Summary, content: Content) -> Table:
    texts = content.report
    columns = texts.columns
    rows = tuple(
        (
            str(number),
            item.plan.activity,
            status_label(item.plan.status, texts),
            item.plan.realisation or texts.not_available,
            item.plan.obstacles or texts.not_available,
        )
        for number, item in enumerate(ranked_plans(summary), start=1)
    )
    return Table(
        caption=texts.pdf.realisation_title,
        headings=(
            columns.number,
            columns.plan,
            columns.plan_done,
            columns.plan_description,
            columns.plan_obstacles,
        ),
        rows=rows,
        widths=(0.8, 3.1, 2.4, 3.1, 3.0),
        align=("C", "L", "C", "L", "L"),
    )


def _local_today(summary: Summary) -> date:
    return summary.generated_at.astimezone(summary.timezone).date()


def _plans_section(summary: Summary, content: Content) -> Section:
    texts = content.report
    blocks: list[Block]
    if summary.plans_of_period:
        blocks = [_plans_table(summary, content), _realisation_table(summary, content)]
    else:
        blocks = [Paragraph(texts.no_plans)]
    overdue = summary.overdue_plans(_local_today(summary))
    blocks.append(
        Paragraph(
            texts.pdf.open_plans.format(
                open=count_text(len(summary.open_plans)), overdue=count_text(len(overdue))
            )
        )
    )
    return Section(texts.pdf.section_plans, tuple(blocks))


# --- 7. complaints, 8. chart, 9. suggestions --------------------------------------------------


def _complaints_section(summary: Summary, content: Content) -> Section | None:
    counts = summary.complaints
    if counts is None:
        return None
    words = content.report.pdf
    blocks: list[Block] = [Paragraph(words.complaints_open.format(count=count_text(counts.open)))]
    if counts.oldest_open_at is not None:
        moment = local_datetime_text(counts.oldest_open_at, summary.timezone, content.texts)
        blocks.append(Paragraph(words.complaints_oldest.format(moment=moment)))
    blocks.append(
        Paragraph(words.complaints_answered.format(count=count_text(counts.answered_last_30_days)))
    )
    return Section(words.section_complaints, tuple(blocks))


def _chart_section(chart_png: bytes | None, content: Content) -> Section | None:
    if chart_png is None:
        return None
    words = content.report.pdf
    return Section(words.section_chart, (Picture(chart_png, words.chart_title),))


def _suggestions_section(summary: Summary, content: Content) -> Section:
    texts = content.report
    words = texts.pdf
    if not summary.suggestions:
        return Section(words.section_suggestions, (Paragraph(words.no_suggestions),))
    rows = tuple(
        (
            date_text(s.submitted_at.astimezone(summary.timezone).date(), content.texts),
            s.service_name,
            s.text,
        )
        for s in summary.suggestions
    )
    table = Table(
        caption=words.section_suggestions,
        headings=(texts.columns.date, texts.columns.service, texts.columns.suggestion),
        rows=rows,
        widths=(2.2, 2.6, 7),
        align=("L", "L", "L"),
    )
    return Section(words.section_suggestions, (Paragraph(words.suggestions_intro), table))


# --- the whole document -----------------------------------------------------------------------


def _numbered(sections: list[Section], content: Content) -> tuple[Section, ...]:
    """Sections numbered 1, 2, ... and tables and pictures numbered through the document."""
    words = content.report.pdf
    tables = pictures = 0
    result = []
    for number, section in enumerate(sections, start=1):
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
        result.append(Section(f"{number}. {section.heading}", tuple(blocks)))
    return tuple(result)


def report_document(summary: Summary, content: Content, chart_png: bytes | None) -> Document:
    """The period's report for officials, in the unit's words and the layout of its own report."""
    words = content.report.pdf
    unit = content.unit
    optional = [_complaints_section(summary, content), _chart_section(chart_png, content)]
    sections = [
        _method_section(summary, content),
        _respondents_section(summary, content),
        _unsur_section(summary, content),
        _lowest_section(summary, content),
        _services_section(summary, content),
        _plans_section(summary, content),
        *(section for section in optional if section is not None),
        _suggestions_section(summary, content),
    ]
    lines = (
        words.unit_line.format(
            unit=summary.unit_name, regency=unit.regency, province=unit.province
        ),
        words.period_line.format(period=period_label(summary.period, content.texts)),
        words.generated_line.format(
            moment=local_datetime_text(summary.generated_at, summary.timezone, content.texts)
        ),
    )
    return Document(content.report.title, lines, _numbered(sections, content), words.page)
