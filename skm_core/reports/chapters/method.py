"""Bab II Metode: the unsur and questionnaire, the IKM, population and sample, time and place,
how answers were collected.
"""

from decimal import Decimal
from fractions import Fraction

from skm_core.calendar.dates import date_text, period_label
from skm_core.content.loader import Content
from skm_core.ikm.compute import GRADE_FLOORS, MAX_SCORE, MIN_SCORE, SCALE, Grade
from skm_core.ikm.report import id_number
from skm_core.reports.blocks import Block, Heading, Paragraph, Section, Table
from skm_core.reports.common import (
    channel_label,
    count_text,
    percent_text,
    performance_label,
    population_source_label,
)
from skm_core.reports.summary import Summary


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
    unknown = content.texts.summary.version_unknown
    items = ", ".join(
        words.version_item.format(version=version or unknown, count=count_text(count))
        for version, count in sorted(summary.versions.items(), key=lambda v: v[0] or "")
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


def method(summary: Summary, content: Content) -> Section:
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
