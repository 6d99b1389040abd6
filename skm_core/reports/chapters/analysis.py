"""Bab IV Analisis: lowest unsur, suggestions by theme, complaints, earlier periods."""

import re
from datetime import timedelta
from fractions import Fraction

from skm_core.calendar.dates import period_label
from skm_core.calendar.periods import period_between
from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.compute import grade_for, round_half_up
from skm_core.ikm.report import id_number
from skm_core.reports.blocks import Block, Heading, Paragraph, Picture, Section, Table
from skm_core.reports.common import (
    IKM_PLACES,
    NRR_PLACES,
    count_text,
    no_result_text,
    number_text,
    percent_text,
    performance_label,
    unsur_name,
)
from skm_core.reports.summary import Summary


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


def analysis(summary: Summary, content: Content, chart_png: bytes | None) -> Section:
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
