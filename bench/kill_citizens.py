"""Citizens of the kill run: each fills in surveys by reading what the bot last showed them.

A citizen never assumes the bot did what was asked: the next action follows from the last
message, so a reply lost in a crash is noticed, and a survey that does not continue where it
was is reported. Only buttons are pressed (and the age typed): a repeated press is then
recognised by the bot as stale, whereas a repeated typed "4" would be a valid next answer.
"""

import re
from dataclasses import dataclass, field
from time import monotonic
from typing import Any

from bench.citizens import EDUCATION, GENDERS, THANKS, WORK, Action, press, scores, type_
from bench.fake_api import Message, TrackingBotApi, button_data, buttons
from skm_core.content import Content

QUESTIONS = 15
PROGRESS = re.compile(r"Pertanyaan (\d+) dari (\d+)")
ALREADY_TODAY = "sudah mengisi survei untuk layanan"
RESUMED = "Melanjutkan survei"
CONSENT = "Ya, saya bersedia"
SEND = "Kirim"
LOST_AFTER_S = 3.0
"""An update confirmed to the fake this long ago without a reply is taken as lost."""


@dataclass(frozen=True)
class SurveyPlan:
    service_id: str
    service_label: str
    gender: str
    age: int
    education: str
    work: str
    scores: tuple[int, ...]

    def action(self, question: int) -> Action:
        """What the citizen answers to question 1..15 of the survey."""
        if question == 1:
            return press(self.service_label)
        if question == 3:
            return type_(str(self.age))
        fixed = {2: self.gender, 4: self.education, 5: self.work, QUESTIONS: "Lewati"}
        if question in fixed:
            return press(fixed[question])
        return press(f"{self.scores[question - 6]} ·")


def plan_for(chat_id: int, survey: int, content: Content) -> SurveyPlan:
    service = content.services[(chat_id + survey) % len(content.services)]
    n = chat_id * 17 + survey
    return SurveyPlan(
        service_id=service.id,
        service_label=service.short_name,
        gender=GENDERS[n % len(GENDERS)],
        age=18 + n % 60,
        education=EDUCATION[n % len(EDUCATION)],
        work=WORK[n % len(WORK)],
        scores=tuple(scores(n)),
    )


@dataclass
class Pending:
    update: dict[str, Any]
    action: Action
    seen: int
    """How many messages the chat had when the update was pushed."""
    gone_at: float | None = None
    kills_when_gone: int = 0


@dataclass
class Citizen:
    chat_id: int
    content: Content
    survey: int = 0
    last_question: int = 0
    """The last question number shown in the current survey; 0 before its first."""
    new_survey_expected: bool = True
    stop_at: int | None = None
    idle: bool = False
    pending: Pending | None = None
    sent: set[str] = field(default_factory=set)
    """Services whose survey this citizen pressed "Kirim" for."""
    thanked: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    @property
    def plan(self) -> SurveyPlan:
        return plan_for(self.chat_id, self.survey, self.content)

    @property
    def retired(self) -> bool:
        """Every service surveyed: the daily limit allows no more."""
        return self.survey >= len(self.content.services)

    def violation(self, what: str) -> None:
        self.violations.append(f"chat {self.chat_id}, survey {self.survey + 1}: {what}")


class Driver:
    """Moves every citizen one reply at a time; knows nothing of the process behind the API."""

    def __init__(self, api: TrackingBotApi) -> None:
        self.api = api
        self.kills = 0
        self.retries = 0
        self.update_ids: list[int] = []

    def push(self, citizen: Citizen, action: Action) -> None:
        chat = citizen.chat_id
        if action.kind == "type":
            update = self.api.text_update(chat, action.value)
        else:
            message = self.api.last_with_buttons(chat)
            data = button_data(message, action.value)
            if message is None or data is None:
                citizen.violation(f"no button {action.value!r} where one was expected")
                citizen.idle = True
                return
            update = self.api.button_update(chat, data, message)
        self._send(citizen, update, action)

    def _send(self, citizen: Citizen, update: dict[str, Any], action: Action) -> None:
        citizen.pending = Pending(update, action, self.api.count(citizen.chat_id))
        self.update_ids.append(update["update_id"])
        self.api.push(update)

    def step(self, citizen: Citizen) -> None:
        pending = citizen.pending
        if pending is None:
            if not citizen.idle:
                self.push(citizen, type_("/survei"))
            return
        if self.api.count(citizen.chat_id) > pending.seen:
            citizen.pending = None
            message = self.api.last(citizen.chat_id)
            if message is not None:
                self.on_reply(citizen, message, pending.action)
            return
        self._maybe_retry(citizen, pending)

    def _maybe_retry(self, citizen: Citizen, pending: Pending) -> None:
        """Repeat an action whose update the bot took and then lost (killed before replying)."""
        if self.api.queued(pending.update["update_id"]):
            return
        now = monotonic()
        if pending.gone_at is None:
            pending.gone_at, pending.kills_when_gone = now, self.kills
            return
        if self.kills > pending.kills_when_gone or now - pending.gone_at > LOST_AFTER_S:
            self.retries += 1
            if pending.action.kind == "type":
                self.push(citizen, pending.action)
                return
            query = pending.update["callback_query"]
            update = self.api.button_update(citizen.chat_id, query["data"], query["message"])
            self._send(citizen, update, pending.action)

    def on_reply(self, citizen: Citizen, message: Message, action: Action) -> None:
        text = str(message.get("text", ""))
        labels = [label for label, _ in buttons(message)]
        question = PROGRESS.search(text)
        if THANKS in text:
            citizen.thanked.append(citizen.plan.service_id)
            self._next_survey(citizen)
        elif ALREADY_TODAY in text:
            self._already_recorded(citizen)
        elif question is not None:
            self._question(citizen, int(question[1]))
        elif SEND in labels:
            self._review(citizen)
        elif CONSENT in labels:
            self._consent(citizen)
        elif action.value == SEND:
            # The "Kirim" was handled but its answer was lost with the process: the draft is
            # gone and the survey stored, which the daily limit will confirm.
            citizen.new_survey_expected = True
            self.push(citizen, type_("/survei"))
        else:
            citizen.violation(f"{action.value!r} was answered with {text[:70]!r}")
            citizen.new_survey_expected = True
            self.push(citizen, type_("/survei"))

    def _next_survey(self, citizen: Citizen) -> None:
        citizen.survey += 1
        citizen.last_question = 0
        citizen.new_survey_expected = True
        if citizen.retired:
            citizen.idle = True
        else:
            self.push(citizen, type_("/survei"))

    def _already_recorded(self, citizen: Citizen) -> None:
        service = citizen.plan.service_id
        if service not in citizen.sent:
            citizen.violation(f"{service} refused as already done, but it was never sent")
        self._next_survey(citizen)

    def _question(self, citizen: Citizen, number: int) -> None:
        last = citizen.last_question
        # The question shown last (a repeat, a resume) or the next one; a new survey starts at 1.
        expected = {last, last + 1} if last else {1}
        if number not in expected:
            citizen.violation(f"question {number} shown after question {last}")
        citizen.last_question = number
        citizen.new_survey_expected = False
        if citizen.stop_at == number:
            citizen.idle = True
            return
        self.push(citizen, citizen.plan.action(number))

    def _review(self, citizen: Citizen) -> None:
        if citizen.last_question != QUESTIONS:
            citizen.violation(f"review shown after question {citizen.last_question}")
        citizen.sent.add(citizen.plan.service_id)
        self.push(citizen, press(SEND))

    def _consent(self, citizen: Citizen) -> None:
        if not citizen.new_survey_expected:
            citizen.violation(f"started again from consent after question {citizen.last_question}")
        citizen.last_question = 0
        citizen.new_survey_expected = False
        self.push(citizen, press(CONSENT))
