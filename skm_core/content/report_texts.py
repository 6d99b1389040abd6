"""Wording of the exported reports (XLSX, CSV, PDF) and of the summary chart."""

import re
from itertools import pairwise
from string import Formatter
from typing import ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator

from skm_core.content.models import UNSUR_CODES, NonEmpty, Strict

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
    source: NonEmpty
    strategy: NonEmpty
    next_target: NonEmpty
    stakeholder: NonEmpty


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
    published: NonEmpty
    """Legend of a point that comes from a recorded published result."""
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


def placeholders(template: str) -> set[str]:
    """The names in braces of a template; raises ValueError on unbalanced braces."""
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


def check_placeholders(template: str, allowed: frozenset[str]) -> str:
    try:
        used = placeholders(template)
    except ValueError as exc:
        raise ValueError(f"invalid braces: {exc}") from None
    unknown = sorted(used - allowed)
    if unknown:
        known = ", ".join("{" + name + "}" for name in sorted(allowed)) or "none"
        raise ValueError(f"unknown placeholder(s) {unknown}; this text may use: {known}")
    return template


class Templates(Strict):
    """Texts with placeholders: each may use only those listed for it in PLACEHOLDERS (a text
    not listed may use none), so a misspelt placeholder fails `skm content check`, not a report."""

    PLACEHOLDERS: ClassVar[dict[str, frozenset[str]]] = {}

    @field_validator("*")
    @classmethod
    def _known_placeholders(cls, value: object, info: ValidationInfo) -> object:
        allowed = cls.PLACEHOLDERS.get(info.field_name or "", frozenset())
        if isinstance(value, str):
            return check_placeholders(value, allowed)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    check_placeholders(item, allowed)
        return value


class PdfTexts(Templates):
    PLACEHOLDERS: ClassVar[dict[str, frozenset[str]]] = {
        "page": frozenset({"page", "pages"}),
        "table_caption": frozenset({"number", "title"}),
        "figure_caption": frozenset({"number", "title"}),
        "method": frozenset({"regulation"}),
        "sample_known": frozenset({"population", "source", "min_sample", "respondents"}),
        "sample_inadequate": frozenset({"short"}),
        "respondents_line": frozenset({"count"}),
        "unsur_title": frozenset({"period"}),
        "ikm_line": frozenset({"ikm", "grade", "label"}),
        "change_up": frozenset({"previous", "previous_ikm", "change"}),
        "change_down": frozenset({"previous", "previous_ikm", "change"}),
        "change_same": frozenset({"previous", "previous_ikm", "change"}),
        "change_unknown": frozenset({"previous"}),
        "lowest_item": frozenset({"rank", "code", "name", "nrr", "grade", "label"}),
    }

    page: NonEmpty
    """Placeholders: {page}, {pages}."""
    table_caption: NonEmpty
    """Placeholders: {number}, {title}."""
    figure_caption: NonEmpty
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
    suggestions_intro: NonEmpty


class Signatory(Strict):
    """Who signs the lembar pengesahan; empty name, rank or NIP print lines to sign."""

    place: NonEmpty
    position: NonEmpty
    name: str = ""
    rank: str = ""
    nip: str = ""


_UNIT = frozenset({"unit"})
_PERIOD = frozenset({"unit", "period"})
_KOP = frozenset(
    {
        "unit",
        "unit_upper",
        "regency",
        "regency_upper",
        "province",
        "address",
        "postal_code",
        "phone",
        "email",
        "website",
    }
)


class DocumentTexts(Templates):
    """Every text of the printed report; each may use only the placeholders listed for it."""

    PLACEHOLDERS: ClassVar[dict[str, frozenset[str]]] = {
        "kop": _KOP,
        "cover_subtitle": _UNIT,
        "cover_period": _PERIOD,
        "cover_year": frozenset({"year"}),
        "approval_text": frozenset({"unit", "period", "regulation"}),
        "approval_place_date": frozenset({"place", "date"}),
        "approval_rank": frozenset({"rank"}),
        "approval_nip": frozenset({"nip"}),
        "background": _UNIT,
        "legal_basis": frozenset({"regulation", "service_standard_decree"}),
        "purpose": _UNIT,
        "instrument": frozenset({"regulation"}),
        "versions": frozenset({"versions"}),
        "version_item": frozenset({"version", "count"}),
        "time_place": frozenset({"period", "first", "last", "place", "address"}),
        "highest": frozenset({"code", "name", "nrr"}),
        "suggestions_count": frozenset({"count"}),
        "complaints_received": frozenset({"received"}),
        "complaints_answered": frozenset({"answered", "median"}),
        "complaints_open": frozenset({"open"}),
        "duration_days": frozenset({"count"}),
        "duration_hours": frozenset({"count"}),
        "duration_minutes": frozenset({"count"}),
        "source_published": frozenset({"source"}),
        "conclusion": frozenset(
            {"unit", "period", "respondents", "ikm", "grade", "label", "lowest"}
        ),
        "realisation_intro": frozenset({"previous"}),
        "realisation_none": frozenset({"previous"}),
        "plans_open": frozenset({"open"}),
        "plans_overdue": frozenset({"open", "overdue"}),
        "questionnaire_profile": frozenset({"questions"}),
        "questionnaire_item": frozenset({"code", "question"}),
        "questionnaire_answers": frozenset({"answers"}),
        "answer_item": frozenset({"score", "label"}),
    }

    kop: list[NonEmpty] = Field(min_length=1)
    logo: str = ""
    """A picture file beside report.yaml, or empty."""
    cover_title: NonEmpty
    cover_subtitle: NonEmpty
    cover_period: NonEmpty
    cover_year: NonEmpty
    signatory: Signatory
    approval_title: NonEmpty
    approval_text: NonEmpty
    approval_place_date: NonEmpty
    approval_rank: NonEmpty
    approval_nip: NonEmpty
    blank_name: NonEmpty
    blank_rank: NonEmpty
    blank_nip: NonEmpty
    chapter_1: NonEmpty
    background_title: NonEmpty
    background: NonEmpty
    legal_title: NonEmpty
    legal_basis: list[NonEmpty] = Field(min_length=1)
    purpose_title: NonEmpty
    purpose: NonEmpty
    chapter_2: NonEmpty
    instrument_title: NonEmpty
    instrument: NonEmpty
    unsur_list_title: NonEmpty
    versions: NonEmpty
    version_item: NonEmpty
    computation_title: NonEmpty
    sample_title: NonEmpty
    sample_method: NonEmpty
    time_place_title: NonEmpty
    time_place: NonEmpty
    collection_title: NonEmpty
    collection: NonEmpty
    collection_table_title: NonEmpty
    chapter_3: NonEmpty
    profile_title: NonEmpty
    results_title: NonEmpty
    services_title: NonEmpty
    service_nrr_title: NonEmpty
    chapter_4: NonEmpty
    lowest_title: NonEmpty
    highest: NonEmpty
    suggestions_title: NonEmpty
    suggestions_count: NonEmpty
    suggestions_theme_title: NonEmpty
    suggestions_none: NonEmpty
    other_theme: NonEmpty
    complaints_title: NonEmpty
    complaints_none: NonEmpty
    complaints_received: NonEmpty
    complaints_answered: NonEmpty
    complaints_none_answered: NonEmpty
    complaints_open: NonEmpty
    complaints_all_answered: NonEmpty
    duration_days: NonEmpty
    duration_hours: NonEmpty
    duration_minutes: NonEmpty
    duration_under_minute: NonEmpty
    comparison_title: NonEmpty
    trend_title: NonEmpty
    source_answers: NonEmpty
    source_published: NonEmpty
    chart_title: NonEmpty
    chapter_5: NonEmpty
    conclusion_title: NonEmpty
    conclusion: NonEmpty
    conclusion_no_result: NonEmpty
    rtl_title: NonEmpty
    rtl_intro: NonEmpty
    realisation_title: NonEmpty
    realisation_intro: NonEmpty
    realisation_none: NonEmpty
    carried_title: NonEmpty
    carried_intro: NonEmpty
    carried_none: NonEmpty
    plans_none_open: NonEmpty
    plans_open: NonEmpty
    plans_overdue: NonEmpty
    appendix: NonEmpty
    questionnaire_title: NonEmpty
    questionnaire_profile: NonEmpty
    questionnaire_item: NonEmpty
    questionnaire_answers: NonEmpty
    answer_item: NonEmpty
    all_suggestions_title: NonEmpty
    computation_appendix_title: NonEmpty
    computation_note: NonEmpty
    themes: dict[str, list[NonEmpty]]
    """Per unsur code, words that put a suggestion under that unsur."""

    @field_validator("themes")
    @classmethod
    def _unsur_codes(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(UNSUR_CODES))
        if unknown:
            raise ValueError(f"themes are named by unsur codes U1..U9, not {unknown}")
        return value


class InfographicTexts(Templates):
    """The publication image; each text may use only the placeholders listed for it."""

    PLACEHOLDERS: ClassVar[dict[str, frozenset[str]]] = {
        "subtitle": frozenset({"unit", "period"}),
        "grade": frozenset({"grade", "label"}),
        "respondents": frozenset({"count"}),
        "lowest_item": frozenset({"code", "name", "nrr"}),
        "footer": frozenset({"unit", "website", "regulation"}),
    }

    title: NonEmpty
    subtitle: NonEmpty
    ikm_label: NonEmpty
    grade: NonEmpty
    respondents: NonEmpty
    nrr_title: NonEmpty
    lowest_title: NonEmpty
    lowest_item: NonEmpty
    no_plan: NonEmpty
    no_result: NonEmpty
    footer: NonEmpty


class HistoryTexts(Strict):
    """What `skm riwayat` says."""

    added: NonEmpty
    """Placeholders: {id}, {period}."""
    removed: NonEmpty
    """Placeholder: {id}."""
    empty: NonEmpty


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
    document: DocumentTexts
    history: HistoryTexts
    infographic: InfographicTexts

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
