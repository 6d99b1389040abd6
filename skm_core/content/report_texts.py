"""Wording of the exported reports (XLSX, CSV, PDF) and of the summary chart."""

import re
from itertools import pairwise
from typing import Literal

from pydantic import Field, field_validator

from skm_core.content.models import NonEmpty, Strict

# Excel refuses sheet names longer than 31 characters or containing any of these.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31

PlanStatus = Literal["planned", "done", "not_done"]
PopulationSource = Literal["entered", "tickets", "given"]


class ColumnTexts(Strict):
    """Column headings shared by the spreadsheet and the PDF."""

    number: NonEmpty
    date: NonEmpty
    service: NonEmpty
    channel: NonEmpty
    ticket: NonEmpty
    suggestion: NonEmpty
    unsur_code: NonEmpty
    unsur: NonEmpty
    answer_sum: NonEmpty
    answer_count: NonEmpty
    nrr: NonEmpty
    nrr_weighted: NonEmpty
    nrr_25: NonEmpty
    grade: NonEmpty
    performance: NonEmpty
    question: NonEmpty
    answer: NonEmpty
    count: NonEmpty
    share: NonEmpty
    respondents: NonEmpty
    ikm: NonEmpty
    priority_unsur: NonEmpty
    plan: NonEmpty
    plan_activity: NonEmpty
    time: NonEmpty
    responsible: NonEmpty
    plan_done: NonEmpty
    plan_description: NonEmpty
    plan_obstacles: NonEmpty
    interval_nrr: NonEmpty
    interval_ikm: NonEmpty


class ChartTexts(Strict):
    title: NonEmpty
    """Placeholders: {unit}, {period}."""
    nrr_title: NonEmpty
    nrr_axis: NonEmpty
    unsur_axis: NonEmpty
    ikm_title: NonEmpty
    ikm_axis: NonEmpty
    period_axis: NonEmpty
    floor_label: NonEmpty
    """Placeholder: {grade}."""
    legend_item: NonEmpty
    """Placeholders: {grade}, {label}."""
    no_data: NonEmpty
    no_history: NonEmpty
    months_short: list[NonEmpty] = Field(min_length=12, max_length=12)
    short_week: NonEmpty
    """Placeholders: {day}, {month}, {year} of the week's first day."""
    short_month: NonEmpty
    short_quarter: NonEmpty
    short_semester: NonEmpty
    short_year: NonEmpty
    short_range: NonEmpty
    """Placeholders: {first}, {last} as day/month."""


class CsvTexts(Strict):
    """The columns the importer does not read; the others carry the importer's own names."""

    number: NonEmpty
    channel: NonEmpty
    ticket: NonEmpty
    ticket_yes: NonEmpty
    ticket_no: NonEmpty


class XlsxTexts(Strict):
    sheet_responses: NonEmpty
    sheet_ikm: NonEmpty
    sheet_profile: NonEmpty
    sheet_services: NonEmpty
    sheet_plans: NonEmpty
    unit: NonEmpty
    period: NonEmpty
    respondents: NonEmpty
    generated_at: NonEmpty
    total_weighted: NonEmpty
    ikm: NonEmpty
    grade: NonEmpty
    performance: NonEmpty
    ikm_title: NonEmpty
    profile_title: NonEmpty
    services_title: NonEmpty
    plans_title: NonEmpty
    realisation_title: NonEmpty

    @field_validator(
        "sheet_responses", "sheet_ikm", "sheet_profile", "sheet_services", "sheet_plans"
    )
    @classmethod
    def _valid_sheet_name(cls, value: str) -> str:
        if len(value) > SHEET_NAME_MAX:
            raise ValueError(f"a sheet name has at most {SHEET_NAME_MAX} characters")
        if _SHEET_NAME_FORBIDDEN.search(value):
            raise ValueError("a sheet name cannot contain [ ] : * ? / \\")
        return value


class PdfTexts(Strict):
    unit_line: NonEmpty
    """Placeholders: {unit}, {regency}, {province}."""
    period_line: NonEmpty
    generated_line: NonEmpty
    page: NonEmpty
    """Placeholders: {page}, {pages}."""
    table_caption: NonEmpty
    """Placeholders: {number}, {title}."""
    figure_caption: NonEmpty
    section_method: NonEmpty
    section_respondents: NonEmpty
    section_unsur: NonEmpty
    section_lowest: NonEmpty
    section_services: NonEmpty
    section_plans: NonEmpty
    section_complaints: NonEmpty
    section_chart: NonEmpty
    section_suggestions: NonEmpty
    method: NonEmpty
    """Placeholder: {regulation}."""
    interval_title: NonEmpty
    sample_known: NonEmpty
    sample_adequate: NonEmpty
    sample_inadequate: NonEmpty
    sample_unknown: NonEmpty
    respondents_line: NonEmpty
    profile_title: NonEmpty
    unsur_title: NonEmpty
    ikm_line: NonEmpty
    change_up: NonEmpty
    change_down: NonEmpty
    change_same: NonEmpty
    change_unknown: NonEmpty
    lowest_intro: NonEmpty
    lowest_item: NonEmpty
    services_title: NonEmpty
    no_services: NonEmpty
    plans_title: NonEmpty
    realisation_title: NonEmpty
    open_plans: NonEmpty
    complaints_open: NonEmpty
    complaints_oldest: NonEmpty
    complaints_answered: NonEmpty
    chart_title: NonEmpty
    suggestions_intro: NonEmpty
    no_suggestions: NonEmpty


class ReportTexts(Strict):
    title: NonEmpty
    no_responses: NonEmpty
    incomplete: NonEmpty
    """When responses exist but some unsur has no answer, so no IKM exists."""
    unnamed_service: NonEmpty
    not_answered: NonEmpty
    answer_yes: NonEmpty
    answer_no: NonEmpty
    not_available: NonEmpty
    service_ikm_missing: NonEmpty
    no_plans: NonEmpty
    percent: NonEmpty
    """Placeholder: {value}."""
    small_sample: int = Field(ge=1)
    """A service with fewer respondents than this is flagged as a small sample, with no grade."""
    small_sample_mark: NonEmpty
    """Placeholder: {value}; a figure of a small sample, e.g. "{value}*"."""
    small_sample_note: NonEmpty
    """Placeholder: {minimum}."""
    number_bands: list[int] = Field(min_length=1)
    """Lower bounds of the groups in which number answers (age) are counted, ascending."""
    band_first: NonEmpty
    band_middle: NonEmpty
    band_last: NonEmpty
    channels: dict[NonEmpty, NonEmpty]
    status: dict[PlanStatus, NonEmpty]
    population_sources: dict[PopulationSource, NonEmpty]
    columns: ColumnTexts
    chart: ChartTexts
    csv: CsvTexts
    xlsx: XlsxTexts
    pdf: PdfTexts

    @field_validator("number_bands")
    @classmethod
    def _ascending(cls, value: list[int]) -> list[int]:
        if any(b <= a for a, b in pairwise(value)):
            raise ValueError(f"bands must be strictly ascending, got {value}")
        return value

    @field_validator("status")
    @classmethod
    def _every_status(cls, value: dict[str, str]) -> dict[str, str]:
        missing = {"planned", "done", "not_done"} - set(value)
        if missing:
            raise ValueError(f"labels missing for statuses {sorted(missing)}")
        return value

    @field_validator("population_sources")
    @classmethod
    def _every_source(cls, value: dict[str, str]) -> dict[str, str]:
        missing = {"entered", "tickets", "given"} - set(value)
        if missing:
            raise ValueError(f"labels missing for population sources {sorted(missing)}")
        return value
