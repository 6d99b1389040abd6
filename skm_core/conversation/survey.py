"""The citizen survey: consent, service, profile, the nine unsur, a suggestion, review, send.

The draft lives in the conversation state, so an interruption or a restart resumes it at the
same question. Every option id carries the draft's nonce and its step (``sv:ab12:U3:4``): a
button from an older message or an older survey is recognised and changes nothing.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction

from pydantic import BaseModel

from skm_core.clean_text import clean_text
from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES, ProfileQuestion
from skm_core.conversation.channels import ChannelProfile
from skm_core.conversation.messages import Option
from skm_core.conversation.typed import typed_option, whole_number
from skm_core.conversation.view import View, paged
from skm_core.ikm import round_half_up
from skm_core.ikm_report import id_number
from skm_core.responses import SurveyResponse

PREFIX = "sv:"
CONSENT = "consent"
SERVICE = "service"
SUGGESTION = "suggestion"
REVIEW = "review"
CHANGE = "change"
MAX_SUGGESTION_CHARS = 1000

# Actions that are not answers to a step.
BACK = "back"
CANCEL = "cancel"
PAGE = "page"
SEND = "send"
EDIT = "edit"
SKIP = "skip"
RESTART = "restart"
ANSWER = "answer"
"""Not an action: the person answered the current step."""


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


@dataclass(frozen=True)
class SurveyPolicy:
    expiry: timedelta = timedelta(hours=24)
    accept_unticketed: bool = True
    daily_limit_per_service: int = 1
    """Finished surveys without a ticket per person, service and local day (0: no limit)."""


@dataclass(frozen=True)
class TicketInfo:
    status: str  # "valid" | "used" | "expired" | "unknown"
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

    action: str  # ANSWER, or one of the actions above
    value: str = ""


def option_id(draft: SurveyDraft, step: str, value: str = "") -> str:
    return f"{PREFIX}{draft.nonce}:{step}:{value}" if value else f"{PREFIX}{draft.nonce}:{step}"


def parse_option(option: str) -> tuple[str, str, str] | None:
    """(nonce, step or action, value) of a survey option id, or None if it is not one."""
    if not option.startswith(PREFIX):
        return None
    parts = option.removeprefix(PREFIX).split(":", 2)
    if len(parts) < 2:
        return None
    return parts[0], parts[1], parts[2] if len(parts) == 3 else ""


class SurveyFlow:
    def __init__(self, content: Content, policy: SurveyPolicy) -> None:
        self.content = content
        self.policy = policy
        self.t = content.texts.survey
        self._profile = {q.id: q for q in content.survey.profile}

    # --- the draft's steps ----------------------------------------------------------------

    def new_draft(self, now: datetime, ticket: TicketInfo | None = None) -> SurveyDraft:
        draft = SurveyDraft(nonce=secrets.token_hex(3), started_at=now)
        if ticket is not None and ticket.status == "valid":
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
        if step == CONSENT:
            text = self.t.consent.format(unit=self.content.unit.name)
            return View(
                text,
                (
                    Option(option_id(draft, CONSENT, "yes"), self.t.opt_agree),
                    Option(option_id(draft, CONSENT, "no"), self.t.opt_decline),
                ),
            )
        if step == REVIEW:
            return self._review(draft)
        if step == CHANGE:
            return self._change(draft, profile)
        lines = [self._progress(draft)]
        if draft.service_fixed and step == self.questions(draft)[0]:
            lines.insert(0, self.t.service_fixed.format(service=self._service_name(draft)))
        answers: list[Option] = []
        if step == SERVICE:
            lines.append(self.t.service_question)
            answers = self._paged(
                draft,
                profile,
                [
                    Option(option_id(draft, SERVICE, s.id), s.short_name)
                    for s in self.content.services
                ],
            )
        elif step in self._profile:
            question = self._profile[step]
            lines.append(question.prompt)
            answers = [Option(option_id(draft, step, o.id), o.label) for o in question.options]
        elif step in UNSUR_CODES:
            unsur = self.content.survey.unsur_by_code(step)
            lines.append(unsur.question)
            answers = [
                Option(option_id(draft, step, str(score)), self.answer_label(step, score))
                for score in range(1, 5)
            ]
        elif step == SUGGESTION:
            lines.append(self.t.suggestion_question)
            answers = [Option(option_id(draft, SKIP), self.t.opt_skip)]
        return View("\n\n".join(lines), (*answers, *self._navigation(draft)))

    def answer_label(self, code: str, score: int) -> str:
        label = self.content.survey.unsur_by_code(code).answers[score - 1]
        return self.t.answer_label.format(score=score, label=label)

    def _navigation(self, draft: SurveyDraft) -> tuple[Option, ...]:
        return (
            Option(option_id(draft, BACK), self.t.opt_back),
            Option(option_id(draft, CANCEL), self.t.opt_cancel),
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
            lambda n: option_id(draft, PAGE, str(n)),
            (chat.opt_prev, chat.opt_next),
        )
        return shown.options

    def _service_name(self, draft: SurveyDraft) -> str:
        service = self.content.service(draft.service_id or "")
        return service.name if service else "-"

    def _answer_text(self, draft: SurveyDraft, step: str) -> str:
        if step == SERVICE:
            return self._service_name(draft)
        if step in self._profile:
            return self._profile_answer(self._profile[step], draft.profile.get(step))
        if step in UNSUR_CODES:
            score = draft.answers.get(step)
            return self.answer_label(step, score) if score else "-"
        return draft.suggestion or self.t.no_suggestion

    @staticmethod
    def _profile_answer(question: ProfileQuestion, value: str | int | None) -> str:
        if value is None:
            return "-"
        for option in question.options:
            if option.id == value:
                return option.label
        return str(value)

    def _step_label(self, step: str) -> str:
        if step == SERVICE:
            return self.t.review_service
        if step in self._profile:
            return self._profile[step].label
        if step in UNSUR_CODES:
            return f"{step} {self.content.survey.unsur_by_code(step).name}"
        return self.t.review_suggestion

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
            Option(option_id(draft, SEND), self.t.opt_send),
            Option(option_id(draft, CHANGE), self.t.opt_change),
            Option(option_id(draft, CANCEL), self.t.opt_cancel),
        )
        return View("\n".join(lines), options)

    def _change(self, draft: SurveyDraft, profile: ChannelProfile) -> View:
        items = [
            Option(option_id(draft, EDIT, step), f"{number}. {self._step_label(step)}")
            for number, step in enumerate(self.questions(draft), start=1)
        ]
        options = self._paged(draft, profile, items)
        return View(self.t.change_prompt, (*options, *self._navigation(draft)))

    # --- understanding input -----------------------------------------------------------

    def interpret_option(self, draft: SurveyDraft, option: str) -> Answered | None:
        """What a chosen option means now; None when it belongs to another step or survey."""
        parsed = parse_option(option)
        if parsed is None or parsed[0] != draft.nonce:
            return None
        _, step, value = parsed
        if step in (BACK, CANCEL, SEND, SKIP, RESTART):
            return Answered(step)
        if step in (PAGE, EDIT):
            return Answered(step, value)
        if step == CHANGE:
            return Answered(CHANGE) if draft.step == REVIEW else None
        if step != draft.step:
            return None
        return Answered(ANSWER, value)

    def interpret_text(self, draft: SurveyDraft, text: str, view: View) -> Answered | None:
        """Typed input: an option's number or words, an age, or a suggestion."""
        step = draft.step
        bare = text.strip(" .)")
        score = whole_number(bare, max_digits=1)
        if step in UNSUR_CODES and score is not None and 1 <= score <= 4:
            return Answered(ANSWER, bare)
        question = self._profile.get(step)
        if question is not None and question.kind == "number":
            written = whole_number(bare, signed=True)
            chosen = typed_option(view.options, text) if written is None else None
            return self.interpret_option(draft, chosen.id) if chosen else Answered(ANSWER, bare)
        chosen = typed_option(view.options, text)
        if chosen is not None:
            return self.interpret_option(draft, chosen.id)
        if step in UNSUR_CODES:
            labels = self.content.survey.unsur_by_code(step).answers
            for score, label in enumerate(labels, start=1):
                if label.casefold() == text:
                    return Answered(ANSWER, str(score))
        if step == SUGGESTION and text:
            return Answered(ANSWER, text)
        return None

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
        if step == CONSENT:
            return None
        if step == SERVICE:
            if self.content.service(value) is None:
                return self.t.invalid_choice
            draft.service_id = value
            return None
        question = self._profile.get(step)
        if question is not None:
            if question.kind == "number":
                low, high = question.number_range()
                number = whole_number(value, max_digits=5, signed=True)
                if number is None or not low <= number <= high:
                    return self.t.invalid_number.format(min=low, max=high)
                draft.profile[step] = number
                return None
            if value not in {o.id for o in question.options}:
                return self.t.invalid_choice
            draft.profile[step] = value
            return None
        if step in UNSUR_CODES:
            if value not in {"1", "2", "3", "4"}:
                return self.t.invalid_choice
            draft.answers[step] = int(value)
            return None
        if step == SUGGESTION:
            said = clean_text((raw_text or value).strip(), MAX_SUGGESTION_CHARS).strip()
            draft.suggestion = said or None
            return None
        return self.t.invalid_choice

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
        )

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
