"""Pydantic models of everything in ``content/``.

The models are strict (unknown keys are refused) so that a misspelt key in a YAML file is
reported instead of silently ignored.
"""

import hashlib
import json
import re
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from skm_core.conversation.option_ids import (
    NONCE_CHARS,
    RESERVED_STEP_IDS,
    OptionIdTooLong,
    SurveyAnswer,
    encode,
)
from skm_core.problems import Problem

UNSUR_CODES: tuple[str, ...] = tuple(f"U{i}" for i in range(1, 10))

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
CommandName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,32}$")]
UnitId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]
"""A unit's id in a deployment of several units: it travels in links, QR posters and rows."""
DEFAULT_UNIT_ID = "unit"


def _keys(*required: str) -> AfterValidator:
    """A mapping that must name every one of `required`, and nothing else."""

    def check(value: dict[str, object]) -> dict[str, object]:
        missing = [k for k in required if k not in value]
        unknown = [k for k in value if k not in required]
        if missing or unknown:
            raise ValueError(
                f"expected the keys {list(required)}; missing {missing}, unknown {unknown}"
            )
        return value

    return AfterValidator(check)


ROLES = ("admin", "pejabat", "petugas")
REPORT_KINDS = ("weekly", "monthly", "semester")
COMPLAINT_KINDS = ("complaint", "question")
Words = dict[str, NonEmpty]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA timezone {value!r}") from exc
    return value


# --- the unit ------------------------------------------------------------------------------


class OpeningHours(Strict):
    days: NonEmpty
    hours: NonEmpty


class ComplaintChannel(Strict):
    name: NonEmpty
    contact: NonEmpty
    note: str | None = None


class FlowStep(Strict):
    """One step of the counter's SOP (the PATEN flow)."""

    step: int = Field(ge=1)
    description: NonEmpty
    actor: NonEmpty
    minutes: int = Field(ge=0)
    output: NonEmpty


class Unit(Strict):
    id: UnitId = DEFAULT_UNIT_ID
    """The unit's id among the units of a kabupaten; a unit.yaml written before there were
    several units has none and is the deployment's only unit."""
    name: NonEmpty
    short_name: NonEmpty
    regency: NonEmpty
    province: NonEmpty
    address: NonEmpty
    postal_code: str = ""
    """Empty while the unit's postal code is not known for sure."""
    phone: NonEmpty
    email: str = ""
    """Empty while the unit has no e-mail address it has confirmed: none is better than a
    guessed one that citizens would write to."""
    website: NonEmpty
    timezone: NonEmpty
    opening_hours: list[OpeningHours] = Field(min_length=1)
    complaint_channels: list[ComplaintChannel] = Field(min_length=1)
    complaint_answer_days: int = Field(ge=1, le=60)
    """Working days within which a complaint gets an answer, as the receipt promises."""
    service_standard_decree: NonEmpty
    paten_flow: list[FlowStep] = Field(default_factory=list)
    confirmed_by_unit: bool = False
    unconfirmed_fields: list[str] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return _known_zone(value)

    @field_validator("email")
    @classmethod
    def _plausible_email(cls, value: str) -> str:
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError(f"not an e-mail address: {value!r}")
        return value

    @field_validator("paten_flow")
    @classmethod
    def _steps_in_order(cls, steps: list[FlowStep]) -> list[FlowStep]:
        numbers = [s.step for s in steps]
        if numbers != list(range(1, len(steps) + 1)):
            raise ValueError(f"steps must be numbered 1..{len(steps)} in order, got {numbers}")
        return steps


# --- a kabupaten of several units ---------------------------------------------------------


class Region(Strict):
    """The kabupaten whose units one deployment serves, and who answers for their SKM."""

    name: NonEmpty
    short_name: NonEmpty
    province: NonEmpty
    timezone: Annotated[NonEmpty, AfterValidator(_known_zone)]
    """Every unit's timezone: the kabupaten's periods and schedules are one calendar."""
    organisation: NonEmpty


class UnitEntry(Strict):
    id: UnitId
    path: NonEmpty
    """The unit's folder, relative to the folder of kabupaten.yaml."""


class RegionFile(Region):
    """kabupaten.yaml: the region, where the shared files live, and the units in order."""

    shared: NonEmpty = "."
    units: list[UnitEntry] = Field(min_length=1)

    def region(self) -> Region:
        return Region.model_validate(self.model_dump(include=set(Region.model_fields)))


class Overrides(Strict):
    """A unit's overrides.yaml: a partial mapping laid over the shared files."""

    texts: dict[str, Any] = Field(default_factory=dict)


# --- the questionnaire -----------------------------------------------------------------------


class Unsur(Strict):
    code: NonEmpty
    name: NonEmpty
    question: NonEmpty
    answers: list[NonEmpty] = Field(min_length=4, max_length=4)
    """Labels of the answers scored 1, 2, 3 and 4, worst first."""
    aliases: dict[int, list[NonEmpty]] = Field(default_factory=dict)
    """Per score, other words people type for that answer ("lambat", "gratis")."""

    @field_validator("aliases")
    @classmethod
    def _scores_only(
        cls, value: dict[int, list[str]], info: ValidationInfo
    ) -> dict[int, list[str]]:
        wrong = [score for score in value if not 1 <= score <= 4]
        if wrong:
            raise ValueError(f"aliases are keyed by the scores 1..4, not {wrong}")
        answers = info.data.get("answers") or []
        _one_answer_per_word(
            [[label, *value.get(score, [])] for score, label in enumerate(answers, start=1)]
        )
        return value


SPECIFIED_SUFFIX = "_lainnya"
"""The profile key of a "Lainnya (sebutkan)" answer's free text: ``pekerjaan_lainnya``."""


class ProfileOption(Strict):
    id: Identifier
    label: NonEmpty
    aliases: list[NonEmpty] = Field(default_factory=list)
    """Other words people type for this answer ("sma", "cewek", "tani")."""
    specify: NonEmpty | None = None
    """For "Lainnya (sebutkan)": the question asking for the free text."""


def _one_answer_per_word(names: list[list[str]]) -> None:
    """A word typed for one answer must not also name another answer of the same question."""
    seen: dict[str, int] = {}
    for index, words in enumerate(names):
        for word in words:
            key = " ".join(re.sub(r"[^0-9a-z]+", " ", word.casefold()).split())
            if seen.setdefault(key, index) != index:
                raise ValueError(f"{word!r} names two different answers")


class ProfileQuestion(Strict):
    id: Identifier
    label: NonEmpty
    prompt: NonEmpty
    kind: Literal["choice", "number"]
    options: list[ProfileOption] = Field(default_factory=list)
    min: int | None = None
    max: int | None = None

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_STEP_IDS:
            raise ValueError(
                f"{value!r} is a word the survey uses for its own steps "
                f"({', '.join(sorted(RESERVED_STEP_IDS))}); choose another id"
            )
        return value

    def number_range(self) -> tuple[int, int]:
        if self.min is None or self.max is None:
            raise ValueError(f"{self.id} is not a number question")
        return self.min, self.max

    @model_validator(mode="after")
    def _kind_matches(self) -> "ProfileQuestion":
        if self.kind == "choice":
            if len(self.options) < 2:
                raise ValueError("a choice question needs at least two options")
            ids = [o.id for o in self.options]
            if len(set(ids)) != len(ids):
                raise ValueError(f"option ids repeat: {ids}")
            _one_answer_per_word([[o.label, *o.aliases] for o in self.options])
            if sum(o.specify is not None for o in self.options) > 1:
                raise ValueError('at most one option asks to specify ("Lainnya (sebutkan)")')
            self._answers_fit_a_button()
        else:
            if self.options:
                raise ValueError("a number question has no options")
            if self.min is None or self.max is None or self.min > self.max:
                raise ValueError("a number question needs min <= max")
        return self

    def _answers_fit_a_button(self) -> None:
        for option in self.options:
            try:
                encode(SurveyAnswer("0" * NONCE_CHARS, self.id, option.id))
            except OptionIdTooLong as exc:
                raise ValueError(
                    f"option {option.id!r}: its button id would be too long; "
                    f"shorten the question's or the option's id ({exc})"
                ) from exc


def wording_fingerprint(unsur: list[Unsur], profile: list[ProfileQuestion]) -> str:
    """A digest of what respondents read and choose from: questions, answers, options.
    Aliases and other ways of reading typed replies are not part of it."""
    wording = {
        "unsur": [[u.code, u.name, u.question, u.answers] for u in unsur],
        "profile": [
            [q.id, q.label, q.prompt, q.kind, q.min, q.max]
            + [[o.id, o.label, o.specify] for o in q.options]
            for q in profile
        ],
    }
    canonical = json.dumps(wording, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


class Survey(Strict):
    title: NonEmpty
    regulation: NonEmpty
    unsur: list[Unsur]
    profile: list[ProfileQuestion] = Field(min_length=1)
    # Validated after the questions, whose wording they stand for.
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z._-]{1,20}$")]
    """The questionnaire's version, recorded with every response that answers it."""
    earlier_versions: dict[str, str] = Field(default_factory=dict)
    """Versions used before, with their fingerprints: a version never names two wordings."""
    fingerprint: NonEmpty
    """The wording and options this version stands for (see `wording_fingerprint`)."""
    negations: list[NonEmpty] = Field(default_factory=list)
    """Words that turn an answer around ("tidak", "kurang", Banjar "kada"): a typed reply with
    one is never read as a choice without one."""

    @field_validator("unsur")
    @classmethod
    def _nine_in_order(cls, unsur: list[Unsur]) -> list[Unsur]:
        codes = tuple(u.code for u in unsur)
        if codes != UNSUR_CODES:
            raise ValueError(f"expected the nine unsur U1..U9 in order, got {list(codes)}")
        return unsur

    @field_validator("profile")
    @classmethod
    def _unique_profile_ids(cls, profile: list[ProfileQuestion]) -> list[ProfileQuestion]:
        ids = [q.id for q in profile]
        if len(set(ids)) != len(ids):
            raise ValueError(f"profile question ids repeat: {ids}")
        # A "Lainnya (sebutkan)" answer's words are kept beside the answer under this name.
        taken = [
            i
            for i in ids
            if i.removesuffix(SPECIFIED_SUFFIX) in ids and i.endswith(SPECIFIED_SUFFIX)
        ]
        if taken:
            raise ValueError(
                f"{taken[0]!r} is where the survey keeps the own words of "
                f"{taken[0].removesuffix(SPECIFIED_SUFFIX)!r}; choose another id"
            )
        return profile

    def wording_fingerprint(self) -> str:
        return wording_fingerprint(self.unsur, self.profile)

    @field_validator("earlier_versions")
    @classmethod
    def _version_not_reused(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        version = info.data.get("version")
        if version in value:
            raise ValueError(f"version {version!r} was used before, for other wording")
        return value

    @field_validator("fingerprint")
    @classmethod
    def _version_matches_wording(cls, value: str, info: ValidationInfo) -> str:
        unsur, profile = info.data.get("unsur"), info.data.get("profile")
        if unsur is None or profile is None:
            return value  # already reported as invalid
        actual = wording_fingerprint(unsur, profile)
        if value != actual:
            version = info.data.get("version")
            raise ValueError(
                f"the wording or options are not those of version {version!r}: give the "
                f"questionnaire a new version, move {version!r}: {value} to earlier_versions, "
                f"and record fingerprint: {actual}"
            )
        return value

    def unsur_by_code(self, code: str) -> Unsur:
        for u in self.unsur:
            if u.code == code:
                return u
        raise KeyError(code)

    def profile_question(self, question_id: str) -> ProfileQuestion:
        for q in self.profile:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


# --- the services (Standar Pelayanan) ------------------------------------------------------


class RequirementCase(Strict):
    """The requirements that apply in one case of a service (KK for a new family, lost KK)."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    requirements: list[NonEmpty] = Field(min_length=1)


class Service(Strict):
    id: Identifier
    order: int = Field(ge=1)
    """Position in the unit's decree on its service standard."""
    name: NonEmpty
    short_name: NonEmpty
    aliases: list[NonEmpty] = Field(default_factory=list)
    """Names people use for the service: each matches as a whole phrase."""
    keywords: list[NonEmpty] = Field(default_factory=list)
    """Single words that point to the service on their own, with less weight than a name."""
    summary: NonEmpty
    requirements: list[NonEmpty] = Field(default_factory=list)
    """What every applicant brings; with `cases`, what every case shares (may be empty)."""
    cases: list[RequirementCase] = Field(default_factory=list, max_length=8)
    """Requirements that differ by the applicant's case, each shown on its own screen."""
    procedure: list[NonEmpty] = Field(min_length=1)
    duration: NonEmpty
    cost: NonEmpty
    product: NonEmpty
    where_when: NonEmpty
    legal_basis: list[NonEmpty] = Field(default_factory=list)
    notes: list[NonEmpty] = Field(default_factory=list)
    confirmed_by_unit: bool
    sources: list[NonEmpty] = Field(default_factory=list)

    @model_validator(mode="after")
    def _some_requirement(self) -> "Service":
        if not self.requirements and not self.cases:
            raise ValueError("a service needs requirements, cases with requirements, or both")
        return self


class Referral(Strict):
    """Something people ask for that the unit does not serve, and where it is served."""

    id: Identifier
    name: NonEmpty
    aliases: list[NonEmpty] = Field(min_length=1)
    """Names people use: each matches as a whole phrase, as a service's aliases do."""
    keywords: list[NonEmpty] = Field(default_factory=list)
    where: NonEmpty
    note: NonEmpty | None = None
    related_service: Identifier | None = None
    """A service of the unit that belongs with it (akta kematian: the legalisation of the
    surat keterangan kematian), offered beside the referral."""
    sources: list[NonEmpty] = Field(default_factory=list)


class Referrals(Strict):
    referrals: list[Referral]

    @field_validator("referrals")
    @classmethod
    def _unique_ids(cls, value: list[Referral]) -> list[Referral]:
        ids = [r.id for r in value]
        if len(set(ids)) != len(ids):
            raise ValueError(f"referral ids repeat: {ids}")
        return value


# --- free-text search -----------------------------------------------------------------------


class ComplaintWords(Strict):
    names: list[NonEmpty] = Field(min_length=1)
    """Words that name a complaint ("pengaduan", "komplain"): the complaint form opens."""
    bare_names: list[NonEmpty] = Field(default_factory=list)
    """Words that name a complaint only when nothing else is said: "lapor" alone is a
    complaint, "pindah datang lapor ke mana" a question about a service."""
    signals: list[NonEmpty] = Field(default_factory=list)
    """A bad experience told in words ("judes", "dimintai uang"); each word of a phrase must
    appear, in order. The typed text becomes the complaint's draft."""
    filler: list[NonEmpty] = Field(default_factory=list)
    """Words around a complaint's name that say nothing more ("mau", "saya")."""


class SearchSettings(Strict):
    complaints: ComplaintWords
    filler: list[NonEmpty]
    """Words that carry no meaning for finding a service (syarat, gimana, mau, bikin, ...)."""
    word_similarity_floor: float = Field(ge=0, le=1)
    keyword_ceiling: float = Field(gt=0, le=100)
    specificity_bias: float = Field(ge=0)
    suggest_floor: float = Field(ge=0, le=100)
    confident_floor: float = Field(ge=0, le=100)
    confident_margin: float = Field(ge=0, le=100)
    max_query_chars: int = Field(ge=10)


# --- what the bot says -----------------------------------------------------------------------

Text = NonEmpty


class CliTexts(Strict):
    """Words of the ``skm`` command's reports for officials."""

    ikm_title: Text
    col_unsur: Text
    col_nrr: Text
    col_nilai: Text
    col_mutu: Text
    respondents: Text
    ikm_line: Text
    lowest_title: Text
    lowest_item: Text
    sample_line: Text
    sample_adequate: Text
    sample_inadequate: Text
    legacy_note: Text
    no_data: Text
    import_done: Text
    order_missing: Text
    content_ok: Text
    content_units: Text
    search_none: Text
    search_referral: Text
    to_confirm_title: Text
    to_confirm_line: Text
    to_confirm_reasons: Annotated[Words, _keys("unconfirmed", "unsourced")]
    to_confirm_none: Text
    already_imported: Text
    erased: Text
    erased_nothing: Text
    errors: dict[Problem, Text]

    @field_validator("errors")
    @classmethod
    def _every_problem(cls, value: dict[Problem, str]) -> dict[Problem, str]:
        missing = [p.value for p in Problem if p not in value]
        if missing:
            raise ValueError(f"wording missing for {missing}")
        return value


class CommandWords(Strict):
    """What a person may type for each command, on channels with or without slash commands."""

    start: list[NonEmpty]
    menu: list[NonEmpty]
    layanan: list[NonEmpty]
    survei: list[NonEmpty]
    batal: list[NonEmpty]
    bantuan: list[NonEmpty]
    back: list[NonEmpty]
    yes: list[NonEmpty]
    """Agreement, understood where a question asks for it (the survey's consent)."""
    no: list[NonEmpty]
    ganti_kecamatan: list[NonEmpty] = Field(default_factory=list)
    """Asks for the choice of units again; understood only where there are several units."""

    @model_validator(mode="after")
    def _no_word_twice(self) -> "CommandWords":
        seen: dict[str, str] = {}
        for command, typed in self:
            for word in typed:
                key = word.casefold()
                if key in seen:
                    raise ValueError(f"{word!r} is a word of both {seen[key]} and {command}")
                seen[key] = command
        return self


class ChatTexts(Strict):
    welcome: Text
    survey_lost: Text
    """An unfinished survey stored by an earlier version that can no longer be continued."""
    menu_prompt: Text
    menu_info: Text
    menu_survey: Text
    menu_flow: Text
    menu_contacts: Text
    menu_help: Text
    opt_back: Text
    opt_menu: Text
    opt_next: Text
    opt_prev: Text
    opt_services: Text
    services_prompt: Text
    services_page: Text
    section_requirements: Text
    section_procedure: Text
    section_duration: Text
    section_cost: Text
    section_product: Text
    section_where: Text
    section_hours: Text
    section_legal: Text
    section_notes: Text
    opt_requirements: Text
    opt_procedure: Text
    opt_time_cost: Text
    opt_where: Text
    opt_legal_notes: Text
    no_legal_notes: Text
    unconfirmed: Text
    cases_prompt: Text
    case_title: Text
    hours_line: Text
    flow_title: Text
    flow_step: Text
    flow_total: Text
    contacts_title: Text
    contacts_address: Text
    contacts_phone: Text
    contacts_email: Text
    contacts_website: Text
    contacts_channels: Text
    channel_line: Text
    help: Text
    search_unsure: Text
    referral: Text
    referral_where: Text
    search_none: Text
    stale_option: Text
    cancelled: Text
    invalid_number: Text
    error: Text
    non_text: Text
    opt_complaint: Text
    opt_question: Text
    complaint_prompt: Text
    question_prompt: Text
    complaint_received: Text
    question_received: Text
    complaint_confirm: Text
    opt_send_complaint: Text
    opt_edit_complaint: Text
    complaint_edit_prompt: Text
    complaint_kinds: Annotated[Words, _keys(*COMPLAINT_KINDS)]
    menu_change_unit: Text
    """The menu's option to choose another unit, in a deployment of several units."""
    units_welcome: Text
    units_prompt: Text
    units_unknown: Text
    """Typed text at the choice of units that names none of them."""


class SurveyTexts(Strict):
    consent: Text
    opt_agree: Text
    opt_decline: Text
    declined: Text
    service_question: Text
    service_offered: Text
    service_fixed: Text
    ambiguous: Text
    or_word: Text
    scale_hint: Text
    choose_number: Text
    specified_answer: Text
    progress: Text
    answer_label: Text
    invalid_choice: Text
    invalid_number: Text
    suggestion_question: Text
    opt_skip: Text
    review_title: Text
    review_line: Text
    review_service: Text
    review_suggestion: Text
    no_suggestion: Text
    opt_send: Text
    opt_change: Text
    change_prompt: Text
    thanks: Text
    cancelled: Text
    expired: Text
    opt_restart: Text
    resumed: Text
    kept: Text
    already_today: Text
    stale_answer: Text
    opt_back: Text
    opt_cancel: Text
    ticket_used: Text
    ticket_expired: Text
    ticket_unknown: Text
    unticketed_closed: Text


class OfficialTexts(Strict):
    apps: Annotated[Words, _keys("telegram", "whatsapp")]
    ticket_choose_service: Text
    ticket_unknown_service: Text
    ticket_issued: Text
    ticket_link: Text
    ticket_issued_no_link: Text
    ticket_caption: Text
    kiosk_code: Text
    kiosk_unknown_service: Text
    kiosk_none: Text
    kiosk_started: Text
    roles: Annotated[Words, _keys(*ROLES)]
    invite_usage: Text
    invite_created: Text
    registered: Text
    already_registered: Text
    officials_title: Text
    official_line: Text
    officials_none: Text
    officials_hint: Text
    removed: Text
    remove_usage: Text
    remove_last_admin: Text
    register_locked: Text
    remove_unknown: Text
    period_unknown: Text
    period_out_of_range: Text
    export_caption: Text
    export_kinds: Annotated[Words, _keys("xlsx", "csv", "pdf", "infografis")]
    population_usage: Text
    population_set: Text
    plans_title: Text
    plan_line: Text
    plan_overdue: Text
    plan_status: Annotated[Words, _keys("planned", "done", "not_done")]
    plans_none: Text
    plans_usage: Text
    plan_added: Text
    plan_updated: Text
    plan_carried: Text
    plan_invalid: Text
    plan_reasons: Annotated[
        Words, _keys("fields", "period", "unsur", "empty", "carry_empty", "plan")
    ]
    complaints_title: Text
    complaint_line: Text
    complaints_none: Text
    complaints_hint: Text
    complaint_kinds: Annotated[Words, _keys(*COMPLAINT_KINDS)]
    age_days: Text
    age_hours: Text
    complaint_forward: Text
    answer_usage: Text
    answer_unknown: Text
    answer_sent: Text
    answer_queued: Text
    answer_in_flight: Text
    answer_failed: Text
    complaint_sending: Text
    complaint_undelivered: Text
    delivery_reasons: Annotated[Words, _keys("blocked", "undeliverable", "gave_up")]
    official_unreachable: Text
    unreachable_notice: Text
    answer_to_citizen: Text
    schedules_title: Text
    schedule_line: Text
    schedule_on: Text
    schedule_off: Text
    schedule_usage: Text
    schedule_names: Annotated[Words, _keys(*REPORT_KINDS)]
    schedule_words: Annotated[dict[str, list[NonEmpty]], _keys(*REPORT_KINDS)]
    schedule_on_words: list[NonEmpty]
    schedule_off_words: list[NonEmpty]
    report_intro: Text
    desk_link: Text
    desk_link_unset: Text
    publish_done: Text
    publish_exists: Text
    publish_empty: Text
    publish_usage: Text

    def role_name(self, role: str) -> str:
        return self.roles.get(role, role)

    def delivery_reason(self, kind: str) -> str:
        return self.delivery_reasons.get(kind, self.delivery_reasons["undeliverable"])

    def schedule_name(self, report: str) -> str:
        return self.schedule_names.get(report, report)

    def report_for_word(self, word: str) -> str | None:
        return next((kind for kind, words in self.schedule_words.items() if word in words), None)


class CommandMenu(Strict):
    """Commands and their descriptions, for citizens and for each role of officials."""

    citizen: dict[CommandName, Text]
    petugas: dict[CommandName, Text]
    pejabat: dict[CommandName, Text]
    admin: dict[CommandName, Text]

    def for_roles(self, roles: frozenset[str]) -> dict[str, str]:
        """The commands a person with these roles may use (an admin may use all)."""
        menu = dict(self.citizen)
        if "admin" in roles or "petugas" in roles:
            menu.update(self.petugas)
        if "admin" in roles or "pejabat" in roles:
            menu.update(self.pejabat)
        if "admin" in roles:
            menu.update(self.admin)
        return menu


class PeriodTexts(Strict):
    week: Text
    month: Text
    quarter: Text
    semester: Text
    year: Text
    range: Text
    date: Text
    words: dict[
        Literal[
            "this_week",
            "last_week",
            "this_month",
            "last_month",
            "this_year",
            "last_year",
            "quarter",
            "semester",
            "year",
        ],
        list[NonEmpty],
    ]


class SummaryTexts(Strict):
    title: Text
    no_responses: Text
    respondents: Text
    ikm: Text
    change_up: Text
    change_down: Text
    change_same: Text
    no_previous: Text
    versions_line: Text
    version_item: Text
    version_unknown: Text
    unsur_title: Text
    unsur_line: Text
    lowest_title: Text
    lowest_line: Text
    services_title: Text
    service_line: Text
    no_ikm: Text
    sample_entered: Text
    sample_tickets: Text
    sample_unknown: Text
    sample_adequate: Text
    sample_short: Text
    suggestions_title: Text
    suggestion_line: Text
    suggestions_more: Text
    plans_line: Text
    plans_none: Text
    plans_not_overdue: Text
    complaints_line: Text
    complaints_none: Text
    complaints_oldest: Text


class WhatsAppTexts(Strict):
    list_button: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    list_section: Annotated[str, StringConstraints(min_length=1, max_length=24)]
    start_word: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,20}$")]
    """The word before a ticket token in a wa.me link's prefilled text."""
    nothing_held: Text
    """A template's button pressed when what it invited to has already been sent or is gone."""


WEB_MESSAGES = (
    "not_signed_in_title",
    "not_signed_in",
    "forbidden_title",
    "forbidden",
    "form_expired_title",
    "form_expired",
    "link_invalid_title",
    "link_invalid",
    "not_found_title",
    "not_found",
    "withdraw_title",
    "withdraw_needs",
    "withdrawn",
    "not_published",
    "saved",
    "unchanged",
    "restored_shipped",
    "version_restored",
    "version_unknown",
    "chart_unsur",
    "chart_unsur_period",
    "chart_trend",
    "chart_trend_published",
    "api_none",
    "api_withdrawn",
    "chat_too_fast",
    "chat_origin_refused",
    "chat_bad_request",
    "api_period_unknown",
    "api_unpublished",
    "unnamed_service",
)
WEB_PAGES = ("rtl", "ekspor", "populasi", "tiket", "pejabat", "undang", "hapus", "jadwal")


class WebTexts(Strict):
    """What the web pages say: messages from code, page titles, and the templates' wording."""

    messages: Annotated[Words, _keys(*WEB_MESSAGES)]
    pages: Annotated[Words, _keys(*WEB_PAGES)]
    """Titles of the desk's pages that run a chat command, by command."""
    labels: Words
    """The pages' own wording, by the name the templates use (every name a template uses
    must be here: a test reads the templates)."""


class KabupatenTexts(Strict):
    """What the kabupaten's officials read: the units side by side, and the invitations that
    name a unit."""

    title: Text
    unit_line: Text
    ungraded_title: Text
    ungraded_line: Text
    no_ikm: Text
    sample_adequate: Text
    sample_short: Text
    sample_unknown: Text
    usage: Text
    report_intro: Text
    export_caption: Text
    export_kinds: Annotated[Words, _keys("xlsx", "csv")]
    columns: Annotated[
        Words,
        _keys(
            "rank",
            "unit",
            "respondents",
            "ikm",
            "grade",
            "lowest",
            "population",
            "min_sample",
            "sample",
            "overdue",
        ),
    ]
    invite_usage: Text
    scope_all: Text
    other_unit: Text


class Texts(Strict):
    whatsapp: WhatsAppTexts
    summary: SummaryTexts
    command_menu: CommandMenu
    periods: PeriodTexts
    performance: dict[Literal["A", "B", "C", "D"], Text]
    months: list[NonEmpty] = Field(min_length=12, max_length=12)
    datetime_format: Text
    officials: OfficialTexts
    kabupaten: KabupatenTexts
    cli: CliTexts
    commands: CommandWords
    chat: ChatTexts
    survey: SurveyTexts
    web: WebTexts

    @field_validator("performance")
    @classmethod
    def _all_grades(cls, value: dict[str, str]) -> dict[str, str]:
        missing = {"A", "B", "C", "D"} - set(value)
        if missing:
            raise ValueError(f"labels missing for grades {sorted(missing)}")
        return value
