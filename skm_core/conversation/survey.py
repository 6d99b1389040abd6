"""The citizen survey: consent, service, profile, the nine unsur, a suggestion, review, send.

The draft lives in the conversation state, so an interruption or a restart resumes it at the
same question. Every option id carries the draft's nonce and its step (``sv:ab12:U3:4``): a
button from an older message or an older survey is recognised and changes nothing.

A step is named by a string, because content names most of them (a profile question's id, an
unsur's code); `step_kind` says which kind of step a name is, and the code branches on that.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum, auto
from fractions import Fraction
from typing import assert_never

from pydantic import BaseModel

from skm_core.clean_text import clean_text
from skm_core.content.loader import Content
from skm_core.content.models import (
    SPECIFIED_SUFFIX,
    UNSUR_CODES,
    ProfileOption,
    ProfileQuestion,
)
from skm_core.conversation.channels import ChannelProfile
from skm_core.conversation.choices import Choice, ChoiceReader, Reading
from skm_core.conversation.messages import Option
from skm_core.conversation.option_ids import (
    NONCE_CHARS,
    SurveyAct,
    SurveyAction,
    SurveyAnswer,
    SurveyEdit,
    SurveyOptionId,
    SurveyPage,
    SurveyStep,
    decode,
    encode,
)
from skm_core.conversation.typed import typed_age, typed_number, typed_option, whole_number
from skm_core.conversation.view import View, paged
from skm_core.ikm.compute import round_half_up
from skm_core.ikm.report import id_number
from skm_core.ikm.responses import SurveyResponse
from skm_core.search import ServiceSearch

CONSENT = SurveyStep.CONSENT.value
SERVICE = SurveyStep.SERVICE.value
SUGGESTION = SurveyStep.SUGGESTION.value
REVIEW = SurveyStep.REVIEW.value
CHANGE = SurveyStep.CHANGE.value
MAX_SUGGESTION_CHARS = 1000
MAX_SPECIFIED_CHARS = 100
MAX_OFFERED = 5


class StepKind(Enum):
    CONSENT = auto()
    SERVICE = auto()
    PROFILE = auto()
    UNSUR = auto()
    SUGGESTION = auto()
    REVIEW = auto()
    CHANGE = auto()
    UNKNOWN = auto()
    """A step the content no longer has (a draft stored before the content changed)."""


class Action(Enum):
    """What a person's input does to the survey."""

    ANSWER = auto()
    """The person answered the current step."""
    PREVIOUS = auto()
    CANCEL = auto()
    PAGE = auto()
    SEND = auto()
    EDIT = auto()
    SKIP = auto()
    CHANGE = auto()
    OFFER = auto()
    """The service question's closest matches, offered as its options (value: ids, comma-joined)."""
    SPECIFY = auto()
    """The free text of a "Lainnya (sebutkan)" answer."""


_ACTS = {
    SurveyAct.PREVIOUS: Action.PREVIOUS,
    SurveyAct.CANCEL: Action.CANCEL,
    SurveyAct.SEND: Action.SEND,
    SurveyAct.SKIP: Action.SKIP,
    SurveyAct.CHANGE: Action.CHANGE,
}


class SurveyDraft(BaseModel):
    nonce: str
    started_at: datetime
    step: str = CONSENT
    service_id: str | None = None
    service_fixed: bool = False
    ticket_id: int | None = None
    profile: dict[str, str | int] = {}
    answers: dict[str, int] = {}
    suggestion: str | None = None
    reviewing: bool = False
    page: int = 0
    offered: list[str] = []
    """Service ids the search offered for a service typed in words."""
    specifying: bool = False
    """"Lainnya (sebutkan)" was chosen: the question now waits for the free text."""

    def go_to(self, step: str) -> None:
        self.step, self.page, self.offered, self.specifying = step, 0, [], False


@dataclass(frozen=True)
class SurveyPolicy:
    expiry: timedelta = timedelta(hours=24)
    accept_unticketed: bool = True
    daily_limit_per_service: int = 1
    """Finished surveys without a ticket per person, service and local day (0: no limit)."""


class TicketStatus(Enum):
    VALID = auto()
    USED = auto()
    EXPIRED = auto()
    UNKNOWN = auto()


@dataclass(frozen=True)
class TicketInfo:
    status: TicketStatus
    ticket_id: int | None = None
    service_id: str | None = None


@dataclass(frozen=True)
class StepContext:
    now: datetime
    profile: ChannelProfile
    channel: str = ""
    user_key: str = ""
    finished_today: Mapping[str, int] = field(default_factory=dict)
    """Surveys this person finished today without a ticket, per service id."""
    ticket: TicketInfo | None = None


@dataclass(frozen=True)
class Answered:
    """What a person's input meant for the current survey step."""

    action: Action
    value: str = ""


@dataclass(frozen=True)
class Refused:
    """Typed input that answers nothing yet: the question is asked again after this lead."""

    lead: str


def answer_id(draft: SurveyDraft, step: str, value: str) -> str:
    return encode(SurveyAnswer(draft.nonce, step, value))


def act_id(draft: SurveyDraft, act: SurveyAct) -> str:
    return encode(SurveyAction(draft.nonce, act))


class SurveyFlow:
    def __init__(
        self, content: Content, policy: SurveyPolicy, search: ServiceSearch | None = None
    ) -> None:
        self.content = content
        self.policy = policy
        self.search = search
        self.t = content.texts.survey
        self._profile = {q.id: q for q in content.survey.profile}
        self._kinds: dict[str, StepKind] = {
            **{s.value: StepKind[s.name] for s in SurveyStep},
            **dict.fromkeys(self._profile, StepKind.PROFILE),
            **dict.fromkeys(UNSUR_CODES, StepKind.UNSUR),
        }
        self.reader = ChoiceReader(content.survey.negations)

    # --- the draft's steps ----------------------------------------------------------------

    def new_draft(self, now: datetime, ticket: TicketInfo | None = None) -> SurveyDraft:
        draft = SurveyDraft(nonce=secrets.token_hex(NONCE_CHARS // 2), started_at=now)
        if ticket is not None and ticket.status is TicketStatus.VALID:
            draft.service_id = ticket.service_id
            draft.service_fixed = ticket.service_id is not None
            draft.ticket_id = ticket.ticket_id
        return draft

    def steps(self, draft: SurveyDraft) -> list[str]:
        steps = [CONSENT]
        if not draft.service_fixed:
            steps.append(SERVICE)
        steps += [q.id for q in self.content.survey.profile]
        steps += list(UNSUR_CODES)
        steps += [SUGGESTION, REVIEW]
        return steps

    def questions(self, draft: SurveyDraft) -> list[str]:
        """The steps that are questions, in order (what the progress line counts)."""
        return [s for s in self.steps(draft) if s not in (CONSENT, REVIEW)]

    def step_kind(self, step: str) -> StepKind:
        return self._kinds.get(step, StepKind.UNKNOWN)

    def expired(self, draft: SurveyDraft, now: datetime) -> bool:
        return now - draft.started_at > self.policy.expiry

    def expiry_hours(self) -> str:
        """The expiry in hours as people read it: '24', or '0,5' for half an hour."""
        hours = Fraction(int(self.policy.expiry.total_seconds()), 3600)
        if hours.denominator == 1:
            return str(hours.numerator)
        return id_number(round_half_up(hours, 1))

    # --- showing a step ----------------------------------------------------------------

    def view(self, draft: SurveyDraft, profile: ChannelProfile) -> View:
        step = draft.step
        match self.step_kind(step):
            case StepKind.CONSENT:
                return self._consent(draft)
            case StepKind.REVIEW:
                return self._review(draft)
            case StepKind.CHANGE:
                return self._change(draft, profile)
            case StepKind.SERVICE:
                lines = [self.t.service_offered if draft.offered else self.t.service_question]
                answers = self._paged(draft, profile, self._answer_options(draft))
            case StepKind.PROFILE:
                lines, answers = self._profile_prompt(draft, profile)
            case StepKind.UNSUR:
                lines = [self.content.survey.unsur_by_code(step).question]
                answers = [
                    Option(answer_id(draft, step, str(s)), self.answer_label(step, s, profile))
                    for s in range(1, 5)
                ]
            case StepKind.SUGGESTION:
                lines = [self.t.suggestion_question]
                answers = [Option(act_id(draft, SurveyAct.SKIP), self.t.opt_skip)]
            case StepKind.UNKNOWN:
                lines, answers = [], []
            case unknown:
                assert_never(unknown)
        return View(
            "\n\n".join([*self._heading(draft), *lines]), (*answers, *self._navigation(draft))
        )

    def _consent(self, draft: SurveyDraft) -> View:
        text = self.t.consent.format(unit=self.content.unit.name)
        options = (
            Option(answer_id(draft, CONSENT, "yes"), self.t.opt_agree),
            Option(answer_id(draft, CONSENT, "no"), self.t.opt_decline),
        )
        return View(text, options)

    def _profile_prompt(
        self, draft: SurveyDraft, profile: ChannelProfile
    ) -> tuple[list[str], list[Option]]:
        other = self._specify_option(draft.step)
        if draft.specifying and other is not None:
            return [other.specify or ""], []
        options = self._paged(draft, profile, self._answer_options(draft))
        return [self._profile[draft.step].prompt], options

    def _heading(self, draft: SurveyDraft) -> list[str]:
        lines = [self._progress(draft)]
        if draft.service_fixed and draft.step == self.questions(draft)[0]:
            # The short name: the decree's full names all begin "Pelayanan", after "layanan".
            service = self.content.service(draft.service_id or "")
            name = service.short_name if service else "-"
            lines.insert(0, self.t.service_fixed.format(service=name))
        return lines

    def _choices(self, draft: SurveyDraft) -> list[Choice]:
        """The current question's answers, in the order their numbers count."""
        step = draft.step
        if step == SERVICE:
            services = [self.content.service(i) for i in draft.offered] or self.content.services
            return [Choice(s.id, s.short_name, (s.name,)) for s in services if s is not None]
        if step in UNSUR_CODES:
            unsur = self.content.survey.unsur_by_code(step)
            return [
                Choice(str(score), label, tuple(unsur.aliases.get(score, ())))
                for score, label in enumerate(unsur.answers, start=1)
            ]
        question = self._profile.get(step)
        if question is None:
            return []
        return [Choice(o.id, o.label, tuple(o.aliases)) for o in question.options]

    def _answer_options(self, draft: SurveyDraft) -> list[Option]:
        step = draft.step
        return [Option(answer_id(draft, step, c.value), c.label) for c in self._choices(draft)]

    def _specify_option(self, step: str) -> ProfileOption | None:
        """The question's "Lainnya (sebutkan)"; None where there is none (or no longer is, in
        a draft stored before the content changed)."""
        question = self._profile.get(step)
        options = question.options if question is not None else []
        return next((o for o in options if o.specify), None)

    def answer_label(self, code: str, score: int, profile: ChannelProfile | None = None) -> str:
        """An unsur answer's words, after its score where the channel does not number them."""
        label = self.content.survey.unsur_by_code(code).answers[score - 1]
        if profile is not None and profile.numbered:
            return label
        return self.t.answer_label.format(score=score, label=label)

    def _navigation(self, draft: SurveyDraft) -> tuple[Option, ...]:
        return (
            Option(act_id(draft, SurveyAct.PREVIOUS), self.t.opt_back, navigation=True),
            Option(act_id(draft, SurveyAct.CANCEL), self.t.opt_cancel, navigation=True),
        )

    def _progress(self, draft: SurveyDraft) -> str:
        questions = self.questions(draft)
        number = questions.index(draft.step) + 1 if draft.step in questions else len(questions)
        return self.t.progress.format(number=number, total=len(questions))

    def _paged(
        self, draft: SurveyDraft, profile: ChannelProfile, items: list[Option]
    ) -> list[Option]:
        # Two places stay for "Kembali" and "Batal"; `paged` keeps one of them itself.
        room = None if profile.max_options is None else profile.max_options - 1
        chat = self.content.texts.chat
        shown = paged(
            items,
            draft.page,
            room,
            lambda n: encode(SurveyPage(draft.nonce, n)),
            (chat.opt_prev, chat.opt_next),
        )
        return shown.options

    def _service_name(self, draft: SurveyDraft) -> str:
        service = self.content.service(draft.service_id or "")
        return service.name if service else "-"

    def _answer_text(self, draft: SurveyDraft, step: str) -> str:
        match self.step_kind(step):
            case StepKind.SERVICE:
                return self._service_name(draft)
            case StepKind.PROFILE:
                return self._profile_answer(draft, self._profile[step])
            case StepKind.UNSUR:
                score = draft.answers.get(step)
                return self.answer_label(step, score) if score else "-"
            case StepKind.SUGGESTION:
                return draft.suggestion or self.t.no_suggestion
            case StepKind.CONSENT | StepKind.REVIEW | StepKind.CHANGE | StepKind.UNKNOWN:
                # Not questions: the review never lists them.
                return "-"
            case unknown:
                assert_never(unknown)

    def _profile_answer(self, draft: SurveyDraft, question: ProfileQuestion) -> str:
        value = draft.profile.get(question.id)
        if value is None:
            return "-"
        for option in question.options:
            if option.id == value:
                specified = draft.profile.get(question.id + SPECIFIED_SUFFIX)
                if option.specify and specified:
                    return self.t.specified_answer.format(specified=specified)
                return option.label
        return str(value)

    def _step_label(self, step: str) -> str:
        match self.step_kind(step):
            case StepKind.SERVICE:
                return self.t.review_service
            case StepKind.PROFILE:
                return self._profile[step].label
            case StepKind.UNSUR:
                return f"{step} {self.content.survey.unsur_by_code(step).name}"
            case StepKind.SUGGESTION:
                return self.t.review_suggestion
            case StepKind.CONSENT | StepKind.REVIEW | StepKind.CHANGE | StepKind.UNKNOWN:
                return step
            case unknown:
                assert_never(unknown)

    def _review(self, draft: SurveyDraft) -> View:
        lines = [self.t.review_title]
        if draft.service_fixed:
            lines.append(f"{self.t.review_service}: {self._service_name(draft)}")
        for number, step in enumerate(self.questions(draft), start=1):
            lines.append(
                self.t.review_line.format(
                    number=number,
                    question=self._step_label(step),
                    answer=self._answer_text(draft, step),
                )
            )
        options = (
            Option(act_id(draft, SurveyAct.SEND), self.t.opt_send),
            Option(act_id(draft, SurveyAct.CHANGE), self.t.opt_change),
            Option(act_id(draft, SurveyAct.CANCEL), self.t.opt_cancel, navigation=True),
        )
        return View("\n".join(lines), options)

    def _change(self, draft: SurveyDraft, profile: ChannelProfile) -> View:
        # Where the channel numbers options itself, the label would carry a second number.
        items = [
            Option(
                encode(SurveyEdit(draft.nonce, step)),
                label if profile.numbered else f"{number}. {label}",
            )
            for number, step in enumerate(self.questions(draft), start=1)
            for label in [self._step_label(step)]
        ]
        options = self._paged(draft, profile, items)
        return View(self.t.change_prompt, (*options, *self._navigation(draft)))

    # --- understanding input -----------------------------------------------------------

    def interpret_option(self, draft: SurveyDraft, option: SurveyOptionId) -> Answered | None:
        """What a chosen option means now; None when it belongs to another step or survey."""
        if option.nonce != draft.nonce:
            return None
        match option:
            case SurveyAction(_, SurveyAct.CHANGE):
                return Answered(Action.CHANGE) if draft.step == REVIEW else None
            case SurveyAction(_, act):
                return Answered(_ACTS[act])
            case SurveyPage(_, page):
                return Answered(Action.PAGE, str(page))
            case SurveyEdit(_, step):
                return Answered(Action.EDIT, step)
            case SurveyAnswer(_, step, value):
                return Answered(Action.ANSWER, value) if step == draft.step else None
            case _:
                assert_never(option)

    def interpret_id(self, draft: SurveyDraft, option_id: str) -> Answered | None:
        """What an option on the survey's screen, chosen by its number or words, means now."""
        option = decode(option_id)
        if not isinstance(option, SurveyAnswer | SurveyAction | SurveyPage | SurveyEdit):
            return None
        return self.interpret_option(draft, option)

    def interpret_text(
        self, draft: SurveyDraft, text: str, raw: str, view: View
    ) -> Answered | Refused | None:
        """Typed input: an answer, a reason to ask again, or None when it answers nothing
        (then it may be a question or a complaint, for the dialogue to take elsewhere)."""
        step = draft.step
        if draft.specifying and self._specify_option(step) is not None:
            return Answered(Action.SPECIFY, raw.strip()) if raw.strip() else None
        if step == SUGGESTION:
            # "1" or "lewati" where "1. Lewati" is shown skips; any other text is the suggestion.
            chosen = typed_option(view.options, text)
            if chosen is not None:
                return self.interpret_id(draft, chosen.id)
            return Answered(Action.ANSWER, text) if text else None
        question = self._profile.get(step)
        if question is not None and question.kind == "number":
            age = typed_age(text)
            return None if age is None else Answered(Action.ANSWER, str(age))
        if step == SERVICE or step in UNSUR_CODES or question is not None:
            return self._typed_answer(draft, text, raw)
        chosen = typed_option(view.options, text)
        return self.interpret_id(draft, chosen.id) if chosen is not None else None

    def _typed_answer(self, draft: SurveyDraft, text: str, raw: str) -> Answered | Refused | None:
        choices = self._choices(draft)
        number = typed_number(text)
        if number is not None:
            # At a question that takes numbers, a number is an answer or nothing: never
            # "Kembali" or "Batal", which are words and buttons.
            if 1 <= number <= len(choices):
                return Answered(Action.ANSWER, choices[number - 1].value)
            return Refused(self._number_hint(draft, number, choices))
        if draft.step == SERVICE:
            reading = self.reader.read_exact(text, choices)
            if reading.chosen is None:
                return self._service_in_words(text)
        else:
            reading = self.reader.read(text, choices, by_word=draft.step in self._profile)
        return self._reading(draft, reading, raw)

    def _reading(self, draft: SurveyDraft, reading: Reading, raw: str) -> Answered | Refused | None:
        if reading.chosen is not None:
            return Answered(Action.ANSWER, reading.chosen.value)
        if reading.candidates:
            names = f" {self.t.or_word} ".join(
                [", ".join(c.label for c in reading.candidates[:-1]), reading.candidates[-1].label]
            )
            return Refused(self.t.ambiguous.format(text=raw.strip(), choices=names))
        question = self._profile.get(draft.step)
        free = question is not None and any(o.specify for o in question.options)
        if free and not self._is_service_question(raw):
            # Anything else typed here is the person's own word for their occupation.
            return Answered(Action.SPECIFY, raw.strip())
        return None

    def _service_in_words(self, text: str) -> Answered | None:
        if self.search is None:
            return None
        found = self.search.search(text)
        if found.confident and found.best is not None:
            return Answered(Action.ANSWER, found.best.service.id)
        if found.matches:
            return Answered(
                Action.OFFER, ",".join(m.service.id for m in found.matches[:MAX_OFFERED])
            )
        return None

    def _is_service_question(self, text: str) -> bool:
        return self.search is not None and self.search.search(text).confident

    def _number_hint(self, draft: SurveyDraft, number: int, choices: list[Choice]) -> str:
        if draft.step in UNSUR_CODES:
            scale = ", ".join(f"{c.value} = {c.label}" for c in choices)
            return self.t.scale_hint.format(number=number, scale=scale)
        return self.t.choose_number.format(number=number, count=len(choices))

    def invalid_lead(self, draft: SurveyDraft) -> str:
        """Why typed input was not taken, in the terms of the question on screen."""
        question = self._profile.get(draft.step)
        if question is not None and question.kind == "number" and not draft.specifying:
            low, high = question.number_range()
            return self.t.invalid_number.format(min=low, max=high)
        return self.t.invalid_choice

    # --- applying input ----------------------------------------------------------------

    def next_step(self, draft: SurveyDraft) -> str:
        if draft.reviewing:
            return REVIEW
        steps = self.steps(draft)
        return steps[steps.index(draft.step) + 1]

    def previous_step(self, draft: SurveyDraft) -> str | None:
        """The step before this one; None when the survey is left (back from consent)."""
        if draft.step == CHANGE or (draft.reviewing and draft.step != REVIEW):
            return REVIEW
        steps = self.steps(draft)
        index = steps.index(draft.step)
        return steps[index - 1] if index > 0 else None

    def accept(self, draft: SurveyDraft, value: str, raw_text: str = "") -> str | None:
        """Store an answer for the current step; returns the wording of a refusal, if any."""
        step = draft.step
        match self.step_kind(step):
            case StepKind.SERVICE:
                if self.content.service(value) is None:
                    return self.t.invalid_choice
                draft.service_id = value
                return None
            case StepKind.PROFILE:
                return self._accept_profile(draft, self._profile[step], value)
            case StepKind.UNSUR:
                if value not in {"1", "2", "3", "4"}:
                    return self.t.invalid_choice
                draft.answers[step] = int(value)
                return None
            case StepKind.SUGGESTION:
                said = clean_text((raw_text or value).strip(), MAX_SUGGESTION_CHARS).strip()
                draft.suggestion = said or None
                return None
            case StepKind.CONSENT | StepKind.REVIEW | StepKind.CHANGE | StepKind.UNKNOWN:
                # Nothing to store: consent is decided by the dialogue, the others ask nothing.
                return self.t.invalid_choice
            case unknown:
                assert_never(unknown)

    def _accept_profile(
        self, draft: SurveyDraft, question: ProfileQuestion, value: str
    ) -> str | None:
        step = question.id
        if question.kind == "number":
            low, high = question.number_range()
            number = whole_number(value, max_digits=5, signed=True)
            if number is None or not low <= number <= high:
                return self.t.invalid_number.format(min=low, max=high)
            draft.profile[step] = number
            return None
        chosen = next((o for o in question.options if o.id == value), None)
        if chosen is None:
            return self.t.invalid_choice
        draft.profile[step] = value
        draft.profile.pop(step + SPECIFIED_SUFFIX, None)
        # "Lainnya (sebutkan)" stays on the question until the free text is typed.
        draft.specifying = chosen.specify is not None
        return None

    def response(self, draft: SurveyDraft, ctx: StepContext) -> SurveyResponse:
        return SurveyResponse(
            submitted_at=ctx.now,
            channel=ctx.channel,
            answers=tuple(draft.answers.get(code) for code in UNSUR_CODES),
            service_id=draft.service_id,
            respondent_key=ctx.user_key or None,
            ticket_id=draft.ticket_id,
            profile=dict(draft.profile),
            suggestion=draft.suggestion,
            questionnaire_version=self.content.survey.version,
        )

    def specify(self, draft: SurveyDraft, text: str) -> str | None:
        """Store the free text of "Lainnya (sebutkan)"; returns a refusal, if any."""
        other = self._specify_option(draft.step)
        cleaned = " ".join(text.split())[:MAX_SPECIFIED_CHARS]
        if other is None or not cleaned:
            draft.specifying = False
            return self.t.invalid_choice
        draft.profile[draft.step] = other.id
        draft.profile[draft.step + SPECIFIED_SUFFIX] = cleaned
        draft.specifying = False
        return None

    def complete(self, draft: SurveyDraft) -> bool:
        return (
            draft.service_id is not None
            and all(code in draft.answers for code in UNSUR_CODES)
            and all(q.id in draft.profile for q in self.content.survey.profile)
        )

    def over_daily_limit(self, service_id: str | None, ctx: StepContext) -> bool:
        limit = self.policy.daily_limit_per_service
        return (
            bool(limit)
            and service_id is not None
            and ctx.finished_today.get(service_id, 0) >= limit
        )
