"""The period's tables, built once and rendered by every format (PDF text, XLSX cells).

A table holds values, not text: counts stay integers and NRR, IKM and shares stay exact
fractions, each column saying what kind of figure it holds. The PDF writes them in Indonesian
style, the workbook as numbers with a display format, so both show the same figures.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from skm_core.calendar.dates import period_label
from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.compute import IkmResult, grade_for
from skm_core.reports.common import (
    IKM_PLACES,
    NRR_PLACES,
    count_text,
    number_text,
    percent_text,
    performance_label,
    profile_lines,
    ranked_plans,
    status_label,
    unsur_name,
)
from skm_core.reports.summary import Summary
from skm_core.storage.followup import FollowUpPlan

Align = Literal["L", "C", "R", "J"]


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    """A whole number: a count, a row number, a priority."""
    NRR = "nrr"
    """On the 1..4 scale, shown with two decimals."""
    SCORE = "score"
    """On the 25..100 scale (IKM, NRR x 25), shown with two decimals."""
    SHARE = "share"
    """A part of a whole, shown as a percentage."""


@dataclass(frozen=True)
class Small:
    """A figure of a small sample: shown, but marked."""

    value: Fraction


Value = str | int | Fraction | Small | None
"""None is "no value" (an IKM that cannot be computed, a realisation not written yet)."""


@dataclass(frozen=True)
class Column:
    heading: str
    kind: Kind
    width: float
    """Relative width on the page."""
    align: Align


@dataclass(frozen=True)
class DataTable:
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    grouped: int = 0
    """How many leading columns span the rows that repeat their value (No, Prioritas Unsur)."""


def value_text(value: Value, kind: Kind, content: Content) -> str:
    """A value as the printed report writes it."""
    texts = content.report
    if value is None:
        return texts.not_available
    if isinstance(value, Small):
        return texts.small_sample_mark.format(value=value_text(value.value, kind, content))
    if isinstance(value, str):
        return value
    if kind is Kind.SHARE:
        return percent_text(Fraction(value), texts)
    if kind is Kind.NRR:
        return number_text(Fraction(value), NRR_PLACES)
    if kind is Kind.SCORE:
        return number_text(Fraction(value), IKM_PLACES)
    return count_text(int(value))


def text_rows(table: DataTable, content: Content) -> tuple[tuple[str, ...], ...]:
    kinds = [column.kind for column in table.columns]
    return tuple(
        tuple(value_text(value, kind, content) for value, kind in zip(row, kinds, strict=True))
        for row in table.rows
    )


def _columns(*columns: tuple[str, Kind, float, Align]) -> tuple[Column, ...]:
    return tuple(Column(*column) for column in columns)


def profile_table(summary: Summary, content: Content) -> DataTable | None:
    lines = profile_lines(summary, content)
    if not lines:
        return None
    columns = content.report.columns
    return DataTable(
        caption=content.report.pdf.profile_title,
        columns=_columns(
            (columns.question, Kind.TEXT, 2.2, "L"),
            (columns.answer, Kind.TEXT, 3.4, "L"),
            (columns.count, Kind.NUMBER, 1.4, "R"),
            (columns.share, Kind.SHARE, 1.6, "R"),
        ),
        rows=tuple((line.question, line.answer, line.count, line.share) for line in lines),
        grouped=1,
    )


def unsur_table(result: IkmResult, summary: Summary, content: Content) -> DataTable:
    columns = content.report.columns
    rows = []
    for code in UNSUR_CODES:
        grade = result.unsur_grade(code)
        rows.append(
            (
                code,
                unsur_name(code, content),
                result.nrr[code],
                result.unsur_score(code),
                grade.value,
                performance_label(grade, content),
            )
        )
    return DataTable(
        caption=content.report.pdf.unsur_title.format(
            period=period_label(summary.period, content.texts)
        ),
        columns=_columns(
            (columns.number, Kind.TEXT, 0.9, "C"),
            (columns.unsur, Kind.TEXT, 5.6, "L"),
            (columns.nrr, Kind.NRR, 1.3, "R"),
            (columns.nrr_25, Kind.SCORE, 1.5, "R"),
            (columns.grade, Kind.TEXT, 1.1, "C"),
            (columns.performance, Kind.TEXT, 2.0, "L"),
        ),
        rows=tuple(rows),
    )


def _marked(value: Fraction | None, small: bool) -> Value:
    if value is None:
        return None
    return Small(value) if small else value


def services_table(summary: Summary, content: Content) -> DataTable:
    """Per service: respondents, IKM, grade; a small sample's IKM is marked and not graded."""
    texts = content.report
    columns = texts.columns
    rows: list[tuple[Value, ...]] = []
    for number, line in enumerate(summary.services, start=1):
        name = line.name if line.service_id is not None else texts.unnamed_service
        small = summary.is_small(line.respondents)
        grade: Value = None
        label: Value = None
        if line.ikm is not None and not small:
            shown = grade_for(line.ikm)
            grade, label = shown.value, performance_label(shown, content)
        rows.append((number, name, line.respondents, _marked(line.ikm, small), grade, label))
    return DataTable(
        caption=texts.pdf.services_title,
        columns=_columns(
            (columns.number, Kind.NUMBER, 0.8, "C"),
            (columns.service, Kind.TEXT, 5.4, "L"),
            (columns.respondents, Kind.NUMBER, 1.8, "R"),
            (columns.ikm, Kind.SCORE, 1.3, "R"),
            (columns.grade, Kind.TEXT, 1.1, "C"),
            (columns.performance, Kind.TEXT, 2.2, "L"),
        ),
        rows=tuple(rows),
    )


def service_nrr_table(summary: Summary, content: Content) -> DataTable:
    """Per service, the NRR of every unsur (by row number of the services table)."""
    texts = content.report
    rows = tuple(
        (
            number,
            *(
                _marked(line.nrr.get(code), summary.is_small(line.respondents))
                for code in UNSUR_CODES
            ),
        )
        for number, line in enumerate(summary.services, start=1)
    )
    return DataTable(
        caption=texts.document.service_nrr_title,
        columns=(
            Column(texts.columns.number, Kind.NUMBER, 0.8, "C"),
            *(Column(code, Kind.NRR, 1.0, "R") for code in UNSUR_CODES),
        ),
        rows=rows,
    )


def plans_table(summary: Summary, content: Content) -> DataTable:
    """The RTL as the unit's Tabel 2: plans grouped by unsur, the weakest first."""
    columns = content.report.columns
    return DataTable(
        caption=content.report.pdf.plans_title,
        columns=_columns(
            (columns.number, Kind.NUMBER, 0.8, "C"),
            (columns.priority_unsur, Kind.TEXT, 2.6, "L"),
            (columns.plan_activity, Kind.TEXT, 4, "L"),
            (columns.time, Kind.TEXT, 2, "L"),
            (columns.responsible, Kind.TEXT, 2.6, "L"),
        ),
        rows=tuple(
            (
                item.priority,
                f"{item.plan.unsur} {unsur_name(item.plan.unsur, content)}",
                item.plan.activity,
                item.plan.target,
                item.plan.responsible,
            )
            for item in ranked_plans(summary)
        ),
        grouped=2,
    )


def realisation_table(plans: Sequence[FollowUpPlan], content: Content) -> DataTable:
    """Whether each plan was carried out, what was done (its documentation) and obstacles."""
    texts = content.report
    columns = texts.columns
    return DataTable(
        caption=texts.pdf.realisation_title,
        columns=_columns(
            (columns.number, Kind.NUMBER, 0.8, "C"),
            (columns.plan, Kind.TEXT, 3.1, "L"),
            (columns.plan_done, Kind.TEXT, 2.4, "C"),
            (columns.plan_description, Kind.TEXT, 3.1, "L"),
            (columns.plan_obstacles, Kind.TEXT, 3.0, "L"),
        ),
        rows=tuple(
            (
                number,
                plan.activity,
                status_label(plan.status, texts),
                plan.realisation,
                plan.obstacles,
            )
            for number, plan in enumerate(plans, start=1)
        ),
    )


def period_plans(summary: Summary) -> list[FollowUpPlan]:
    """The period's plans in the order of the RTL table."""
    return [item.plan for item in ranked_plans(summary)]
