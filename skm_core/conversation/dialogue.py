"""One step of the conversation: (state, event, context) -> (new state, replies, effects), no I/O.

Typed input is understood in this order: a command ("/menu" or the word "menu"), then the
survey's answer when a survey is on screen, then the number or the words of an option on the
current screen, and otherwise a question for the service search.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import assert_never

from skm_core.clean_text import clean_text
from skm_core.content.loader import Content
from skm_core.content.models import COMPLAINT_KINDS, UNSUR_CODES
from skm_core.conversation.channels import ChannelProfile
from skm_core.conversation.complaint_words import ComplaintDetector
from skm_core.conversation.messages import Event, EventKind, Option, Reply
from skm_core.conversation.option_ids import (
    CaseChoice,
    ComplaintDraft,
    ComplaintStart,
    Destination,
    DraftAction,
    Go,
    HeldMessage,
    SectionChoice,
    ServiceChoice,
    ServicesPage,
    SurveyAct,
    SurveyAction,
    SurveyAnswer,
    SurveyEdit,
    SurveyOptionId,
    SurveyPage,
    TicketPage,
    TicketService,
    UnitChoice,
    UnitsPage,
    Up,
    decode,
)
from skm_core.conversation.screens import MENU, SURVEY, Screens, page_of
from skm_core.conversation.state import DialogState, Screen, Section
from skm_core.conversation.survey import (
    CHANGE,
    CONSENT,
    REVIEW,
    SERVICE,
    SUGGESTION,
    Action,
    Answered,
    Refused,
    StepContext,
    SurveyDraft,
    SurveyFlow,
    SurveyPolicy,
    TicketStatus,
)
from skm_core.conversation.text_split import split_text
from skm_core.conversation.typed import normalise, typed_number, typed_option, whole_number
from skm_core.conversation.view import View
from skm_core.ikm.responses import SurveyResponse
from skm_core.search import ServiceSearch
from skm_core.tickets import POSTER_PAYLOAD

MAX_SUGGESTIONS = 5
MAX_COMPLAINT_CHARS = 2000

ScreenOptionId = (
    Go | Up | ServicesPage | ServiceChoice | SectionChoice | CaseChoice | ComplaintStart
)
_SCREENS = {
    Destination.MENU: Screen.MENU,
    Destination.INFO: Screen.SERVICES,
    Destination.FLOW: Screen.FLOW,
    Destination.CONTACTS: Screen.CONTACTS,
    Destination.HELP: Screen.HELP,
}


class Command(StrEnum):
    """What the words of `texts.commands` ask for; the names are the content's keys."""

    START = "start"
    MENU = "menu"
    LAYANAN = "layanan"
    SURVEI = "survei"
    BATAL = "batal"
    BANTUAN = "bantuan"
    BACK = "back"
    YES = "yes"
    NO = "no"
    GANTI_KECAMATAN = "ganti_kecamatan"


@dataclass
class Outcome:
    state: DialogState
    replies: list[Reply] = field(default_factory=list)
    submissions: list[SurveyResponse] = field(default_factory=list)
    """Finished surveys to store, in the same transaction as the new state."""
    complaints: list[tuple[str, str]] = field(default_factory=list)
    """(kind, text) of complaints and questions to store and forward to the officials."""
    change_unit: bool = False
    """The person asked to choose another unit: the engine shows the choice of units."""


class Dialogue:
    def __init__(
        self,
        content: Content,
        search: ServiceSearch,
        policy: SurveyPolicy | None = None,
        change_unit: bool = False,
    ) -> None:
        self.content = content
        self.search = search
        self.screens = Screens(content, change_unit)
        self.complaints = ComplaintDetector(content.search.complaints)
        self.survey = SurveyFlow(content, policy or SurveyPolicy(), search)
        # With one unit there is no other to change to: its words stay ordinary text.
        self._commands: dict[str, Command] = {
            word.casefold(): Command(command)
            for command, words in content.texts.commands
            for word in words
            if change_unit or command != Command.GANTI_KECAMATAN
        }

    # --- entry --------------------------------------------------------------------------

    def step(self, state: DialogState, event: Event, ctx: StepContext) -> Outcome:
        if event.kind is EventKind.START:
            return self._start(state, ctx, event.value.strip())
        if event.kind is EventKind.COMMAND:
            name = event.value.strip().split(" ", 1)[0].casefold()
            command = self._commands.get(name)
            if command is None:
                # Answered exactly as the same text typed, so no command is revealed.
                return self._typed(state, f"/{event.value}", ctx)
            return self._command(state, command, ctx)
        if event.kind is EventKind.UNREADABLE:
            return self._again(state, ctx, self.content.texts.chat.non_text)
        if event.kind is EventKind.OPTION:
            return self._choose(state, event.value, ctx)
        return self._typed(state, event.value, ctx)

    def _typed(self, state: DialogState, raw: str, ctx: StepContext) -> Outcome:
        text = normalise(raw)
        command = self._typed_command(text)
        if command is not None and command not in (Command.YES, Command.NO):
            return self._command(state, command, ctx)
        if state.screen is Screen.SURVEY and state.survey is not None:
            return self._survey_text(state, state.survey, text, raw, command, ctx)
        if state.screen is Screen.COMPLAINT and state.complaint_kind and text:
            if state.complaint_draft:
                # "kirim", "ubah" or their numbers act on the draft; other text replaces it.
                shown = self.screens.render(state, ctx.profile)
                option = typed_option(shown.options, text)
                if option is not None:
                    return self._choose(state, option.id, ctx)
            if state.complaint_kind == "complaint":
                return self._complaint_form(state, raw, ctx, as_typed=True)
            return self._complain(state, state.complaint_kind, raw, ctx)
        view = self.screens.render(state, ctx.profile)
        option = typed_option(view.options, text)
        if option is not None:
            return self._choose(state, option.id, ctx)
        # An unknown slash command is answered as text, but never taken for a complaint.
        if not text.startswith("/") and self.complaints.is_complaint(text):
            return self._complaint_form(state, raw, ctx)
        number = typed_number(text)
        if number is not None and view.options:
            lead = self.content.texts.chat.invalid_number.format(
                number=number, count=len([o for o in view.options if not o.navigation])
            )
            return self._show(state, ctx.profile, lead=lead)
        return self._ask(state, text, ctx)

    def _again(self, state: DialogState, ctx: StepContext, lead: str) -> Outcome:
        """The current screen once more, after a word about why."""
        if state.screen is Screen.SURVEY and state.survey is not None:
            return self._show_survey(state.survey, ctx.profile, lead=lead)
        return self._show(state, ctx.profile, lead=lead)

    def is_command(self, raw: str) -> bool:
        """Whether typed text is one of the words of a command ("halo", "menu", "/start")."""
        return self._typed_command(normalise(raw)) is not None

    def _typed_command(self, text: str) -> Command | None:
        if text.startswith("/"):
            name = text[1:].split(" ", 1)[0].split("@", 1)[0]
            return self._commands.get(name)
        return self._commands.get(text.strip(" .!?"))

    # --- commands ----------------------------------------------------------------------

    def _command(self, state: DialogState, command: Command, ctx: StepContext) -> Outcome:
        keep = state.survey
        match command:
            case Command.START:
                return self._start(state, ctx)
            case Command.LAYANAN:
                return self._show(DialogState(screen=Screen.SERVICES, survey=keep), ctx.profile)
            case Command.BANTUAN:
                return self._show(DialogState(screen=Screen.HELP, survey=keep), ctx.profile)
            case Command.BACK:
                return self._back(state, ctx)
            case Command.BATAL:
                if state.survey is not None:
                    return self._leave_survey(self.content.texts.survey.cancelled, ctx)
                lead = self.content.texts.chat.cancelled
                return self._show(DialogState(), ctx.profile, lead=lead)
            case Command.SURVEI:
                return self._open_survey(state, ctx)
            case Command.GANTI_KECAMATAN:
                return Outcome(DialogState(), change_unit=True)
            case Command.MENU | Command.YES | Command.NO:
                # Agreement outside a question that asks for it: the menu, as for "menu".
                return self._show(DialogState(survey=keep), ctx.profile)
            case _:
                assert_never(command)

    def _back(self, state: DialogState, ctx: StepContext) -> Outcome:
        """ "Kembali" typed: the survey's previous question, or the screen above this one."""
        if state.screen is Screen.SURVEY and state.survey is not None:
            previous = SurveyAction(state.survey.nonce, SurveyAct.PREVIOUS)
            return self._survey_option(state, previous, ctx)
        return self._go(state, Up(), ctx)

    def _start(self, state: DialogState, ctx: StepContext, payload: str = "") -> Outcome:
        if payload == POSTER_PAYLOAD:
            return self._open_survey(state, ctx)
        ticket = ctx.ticket
        if ticket is None:
            return self._show(
                DialogState(survey=state.survey), ctx.profile, lead=self.screens.welcome()
            )
        t = self.content.texts.survey
        match ticket.status:
            case TicketStatus.VALID:
                draft = self.survey.new_draft(ctx.now, ticket)
                return self._show_survey(draft, ctx.profile, lead=self.screens.welcome())
            case TicketStatus.USED:
                lead = t.ticket_used
            case TicketStatus.EXPIRED:
                lead = t.ticket_expired
            case TicketStatus.UNKNOWN:
                lead = t.ticket_unknown
            case _:
                assert_never(ticket.status)
        return self._show(DialogState(survey=state.survey), ctx.profile, lead=lead)

    # --- options -----------------------------------------------------------------------

    def _choose(self, state: DialogState, option_id: str, ctx: StepContext) -> Outcome:
        option = decode(option_id)
        match option:
            case ComplaintDraft(action):
                return self._complaint_option(state, action, ctx)
            case Go(Destination.SURVEY):
                return self._open_survey(state, ctx)
            case Go(Destination.UNITS) if self.screens.change_unit:
                return Outcome(DialogState(), change_unit=True)
            case SurveyAnswer() | SurveyAction() | SurveyPage() | SurveyEdit():
                return self._survey_option(state, option, ctx)
            case Go() | Up() | ServicesPage() | ServiceChoice() | SectionChoice() | CaseChoice():
                return self._go(state, option, ctx)
            case ComplaintStart():
                return self._go(state, option, ctx)
            case None if state.screen is Screen.SURVEY and state.survey is not None:
                # A mangled or retired button in the middle of a survey: the question stays.
                lead = self.content.texts.survey.stale_answer
                return self._show_survey(state.survey, ctx.profile, lead=lead)
            case None | TicketService() | TicketPage() | HeldMessage() | UnitChoice() | UnitsPage():
                # Unknown, retired, or an officials' option pressed by someone who is not one.
                return self._stale(state, ctx)
            case _:
                assert_never(option)

    def _stale(self, state: DialogState, ctx: StepContext) -> Outcome:
        lead = self.content.texts.chat.stale_option
        return self._show(DialogState(survey=state.survey), ctx.profile, lead=lead)

    def _go(self, state: DialogState, option: ScreenOptionId, ctx: StepContext) -> Outcome:
        target = self._target(state, option, ctx.profile)
        if target is None:
            return self._stale(state, ctx)
        target.survey = state.survey
        return self._show(target, ctx.profile)

    def _complaint_form(
        self, state: DialogState, raw: str, ctx: StepContext, as_typed: bool = False
    ) -> Outcome:
        """The complaint form, with what was typed as the draft to confirm or change."""
        # Cleaned before it is kept even as a draft: the state is stored as JSON.
        text = clean_text(raw if as_typed else self.complaints.draft(raw), MAX_COMPLAINT_CHARS)
        form = DialogState(
            screen=Screen.COMPLAINT,
            complaint_kind="complaint",
            complaint_draft=text.strip() or None,
            survey=state.survey,
        )
        return self._show(form, ctx.profile)

    def _complaint_option(
        self, state: DialogState, action: DraftAction, ctx: StepContext
    ) -> Outcome:
        draft = state.complaint_draft if state.screen is Screen.COMPLAINT else None
        if draft is None:
            return self._stale(state, ctx)
        match action:
            case DraftAction.SEND:
                return self._complain(state, "complaint", draft, ctx)
            case DraftAction.EDIT:
                form = DialogState(
                    screen=Screen.COMPLAINT, complaint_kind="complaint", survey=state.survey
                )
                lead = self.content.texts.chat.complaint_edit_prompt
                view = View(lead, self.screens.complaint(None).options)
                return Outcome(form, self.replies(view, ctx.profile))
            case _:
                assert_never(action)

    def _complain(self, state: DialogState, kind: str, raw: str, ctx: StepContext) -> Outcome:
        outcome = self._show(DialogState(survey=state.survey), ctx.profile)
        outcome.complaints.append((kind, clean_text(raw.strip(), MAX_COMPLAINT_CHARS)))
        return outcome

    def _target(
        self, state: DialogState, option: ScreenOptionId, profile: ChannelProfile
    ) -> DialogState | None:
        """Where an information option leads; None where it names what is not (or no longer)
        in the content."""
        match option:
            case Go(destination):
                screen = _SCREENS.get(destination)
                return DialogState(screen=screen) if screen is not None else None
            case Up():
                return self._parent(state, profile)
            case ComplaintStart(kind):
                if kind not in COMPLAINT_KINDS:
                    return None
                return DialogState(screen=Screen.COMPLAINT, complaint_kind=kind)
            case ServicesPage(page):
                return DialogState(screen=Screen.SERVICES, page=page)
            case ServiceChoice(service_id):
                if self.content.service(service_id) is None:
                    return None
                return DialogState(screen=Screen.SERVICE, service_id=service_id)
            case CaseChoice(service_id, case):
                found = self.content.service(service_id)
                if found is None or case >= len(found.cases):
                    return None
                return DialogState(screen=Screen.SERVICE, service_id=service_id, case=case)
            case SectionChoice(service_id, section):
                if self.content.service(service_id) is None:
                    return None
                return DialogState(screen=Screen.SERVICE, service_id=service_id, section=section)
            case _:
                assert_never(option)

    def _parent(self, state: DialogState, profile: ChannelProfile) -> DialogState:
        if state.screen is Screen.SERVICE:
            if state.section is not Section.REQUIREMENTS or state.case is not None:
                return DialogState(screen=Screen.SERVICE, service_id=state.service_id)
            page = page_of(self.content, state.service_id, profile)
            return DialogState(screen=Screen.SERVICES, page=page)
        return DialogState()

    # --- questions ---------------------------------------------------------------------

    def _ask(self, state: DialogState, text: str, ctx: StepContext) -> Outcome:
        result = self.search.search(text)
        if result.referral is not None:
            where = DialogState(
                screen=Screen.REFERRAL, referral_id=result.referral.id, survey=state.survey
            )
            return self._show(where, ctx.profile)
        if result.confident and result.best is not None:
            found = DialogState(
                screen=Screen.SERVICE, service_id=result.best.service.id, survey=state.survey
            )
            return self._show(found, ctx.profile)
        matches = [m.service.id for m in result.matches[:MAX_SUGGESTIONS]]
        unsure = DialogState(screen=Screen.SEARCH, matches=matches, survey=state.survey)
        return self._show(unsure, ctx.profile)

    # --- the survey --------------------------------------------------------------------

    def _open_survey(self, state: DialogState, ctx: StepContext) -> Outcome:
        t = self.content.texts.survey
        draft = state.survey
        if draft is not None and self.survey.expired(draft, ctx.now):
            return self._expired(ctx)
        if draft is not None:
            return self._show_survey(draft, ctx.profile, lead=t.resumed)
        if not self.survey.policy.accept_unticketed:
            return self._show(DialogState(), ctx.profile, lead=t.unticketed_closed)
        return self._show_survey(self.survey.new_draft(ctx.now), ctx.profile)

    def _expired(self, ctx: StepContext) -> Outcome:
        t = self.content.texts.survey
        lead = t.expired.format(hours=self.survey.expiry_hours())
        view = View(
            lead,
            (Option(SURVEY, t.opt_restart), Option(MENU, self.content.texts.chat.opt_menu)),
        )
        return Outcome(DialogState(), self.replies(view, ctx.profile))

    def _survey_option(
        self, state: DialogState, option: SurveyOptionId, ctx: StepContext
    ) -> Outcome:
        draft = state.survey
        if draft is None:
            lead = self.content.texts.chat.stale_option
            return self._show(DialogState(), ctx.profile, lead=lead)
        if self.survey.expired(draft, ctx.now):
            return self._expired(ctx)
        answered = self.survey.interpret_option(draft, option)
        if answered is None:
            lead = self.content.texts.survey.stale_answer
            return self._show_survey(draft, ctx.profile, lead=lead)
        return self._survey_apply(draft, answered, "", ctx)

    def _survey_text(
        self,
        state: DialogState,
        draft: SurveyDraft,
        text: str,
        raw: str,
        yes_no: Command | None,
        ctx: StepContext,
    ) -> Outcome:
        if self.survey.expired(draft, ctx.now):
            return self._expired(ctx)
        if draft.step == CONSENT and yes_no is not None:
            return self._survey_apply(draft, Answered(Action.ANSWER, yes_no.value), raw, ctx)
        if self._complaint_first(draft, text):
            return self._complaint_form(state, raw, ctx)
        view = self.survey.view(draft, ctx.profile)
        answered = self.survey.interpret_text(draft, text, raw, view)
        if isinstance(answered, Refused):
            return self._show_survey(draft, ctx.profile, lead=answered.lead)
        if answered is None:
            found = self.search.search(text)
            if self.complaints.is_complaint(text):
                return self._complaint_form(state, raw, ctx)
            if found.confident and found.best is not None and draft.step != SERVICE:
                # A question in the middle of the survey: answered, and the draft kept.
                page = DialogState(
                    screen=Screen.SERVICE, service_id=found.best.service.id, survey=draft
                )
                return self._show(page, ctx.profile, lead=self.content.texts.survey.kept)
            return self._show_survey(draft, ctx.profile, lead=self.survey.invalid_lead(draft))
        return self._survey_apply(draft, answered, raw, ctx)

    def _complaint_first(self, draft: SurveyDraft, text: str) -> bool:
        """A complaint typed where it cannot be an answer: not at an unsur (where "judes" rates
        U7), the suggestion, or an occupation's own words, but where a search or a free-text
        occupation would otherwise take it."""
        if draft.step in UNSUR_CODES or draft.step == SUGGESTION or draft.specifying:
            return False
        return not text.startswith("/") and self.complaints.is_complaint(text)

    def _survey_apply(
        self, draft: SurveyDraft, answered: Answered, raw: str, ctx: StepContext
    ) -> Outcome:
        t = self.content.texts.survey
        # The state is never changed in place; the two mutable fields are copied by hand,
        # which is many times cheaper than a deep copy of the model.
        draft = draft.model_copy(
            update={"profile": dict(draft.profile), "answers": dict(draft.answers)}
        )
        match answered.action:
            case Action.CANCEL:
                return self._leave_survey(t.cancelled, ctx)
            case Action.PREVIOUS:
                return self._survey_previous(draft, ctx)
            case Action.PAGE:
                draft.page = whole_number(answered.value, max_digits=3) or 0
                return self._show_survey(draft, ctx.profile)
            case Action.CHANGE:
                draft.go_to(CHANGE)
                return self._show_survey(draft, ctx.profile)
            case Action.OFFER:
                draft.offered, draft.page = answered.value.split(","), 0
                return self._show_survey(draft, ctx.profile)
            case Action.SPECIFY:
                return self._survey_specify(draft, answered.value, ctx)
            case Action.EDIT:
                return self._survey_edit(draft, answered.value, ctx)
            case Action.SEND:
                return self._send(draft, ctx)
            case Action.SKIP:
                return self._survey_skip(draft, ctx)
            case Action.ANSWER:
                return self._survey_answer(draft, answered.value, raw, ctx)
            case _:
                assert_never(answered.action)

    def _survey_specify(self, draft: SurveyDraft, text: str, ctx: StepContext) -> Outcome:
        refusal = self.survey.specify(draft, text)
        if refusal is not None:
            return self._show_survey(draft, ctx.profile, lead=refusal)
        return self._advance(draft, ctx)

    def _survey_skip(self, draft: SurveyDraft, ctx: StepContext) -> Outcome:
        if draft.step != SUGGESTION:
            lead = self.content.texts.survey.stale_answer
            return self._show_survey(draft, ctx.profile, lead=lead)
        draft.suggestion = None
        return self._advance(draft, ctx)

    def _survey_previous(self, draft: SurveyDraft, ctx: StepContext) -> Outcome:
        previous = self.survey.previous_step(draft)
        if previous is None:
            return self._leave_survey("", ctx)
        draft.go_to(previous)
        return self._show_survey(draft, ctx.profile)

    def _survey_edit(self, draft: SurveyDraft, step: str, ctx: StepContext) -> Outcome:
        if draft.step != CHANGE or step not in self.survey.questions(draft):
            lead = self.content.texts.survey.stale_answer
            return self._show_survey(draft, ctx.profile, lead=lead)
        draft.go_to(step)
        draft.reviewing = True
        return self._show_survey(draft, ctx.profile)

    def _survey_answer(self, draft: SurveyDraft, value: str, raw: str, ctx: StepContext) -> Outcome:
        t = self.content.texts.survey
        if draft.step == CONSENT:
            return self._consent(draft, value, ctx)
        refusal = self.survey.accept(draft, value, raw if draft.step == SUGGESTION else "")
        if refusal is not None:
            return self._show_survey(draft, ctx.profile, lead=refusal)
        if draft.specifying:
            return self._show_survey(draft, ctx.profile)
        if (
            draft.step == SERVICE
            and not draft.ticket_id
            and self.survey.over_daily_limit(draft.service_id, ctx)
        ):
            service = self.content.service(draft.service_id or "")
            name = service.short_name if service else ""
            return self._leave_survey(t.already_today.format(service=name), ctx)
        return self._advance(draft, ctx)

    def _consent(self, draft: SurveyDraft, value: str, ctx: StepContext) -> Outcome:
        t = self.content.texts.survey
        if value == Command.YES:
            return self._advance(draft, ctx)
        if value == Command.NO:
            return self._leave_survey(t.declined, ctx)
        # Only the two buttons (or the words for them) answer consent; anything else is stale.
        return self._show_survey(draft, ctx.profile, lead=t.stale_answer)

    def _advance(self, draft: SurveyDraft, ctx: StepContext) -> Outcome:
        draft.go_to(self.survey.next_step(draft))
        if draft.step == REVIEW:
            draft.reviewing = True
        return self._show_survey(draft, ctx.profile)

    def _send(self, draft: SurveyDraft, ctx: StepContext) -> Outcome:
        t = self.content.texts.survey
        if draft.step != REVIEW or not self.survey.complete(draft):
            return self._show_survey(draft, ctx.profile, lead=t.stale_answer)
        if not draft.ticket_id and self.survey.over_daily_limit(draft.service_id, ctx):
            service = self.content.service(draft.service_id or "")
            name = service.short_name if service else ""
            return self._leave_survey(t.already_today.format(service=name), ctx)
        outcome = self._leave_survey(t.thanks.format(unit=self.content.unit.short_name), ctx)
        outcome.submissions.append(self.survey.response(draft, ctx))
        return outcome

    def _leave_survey(self, lead: str, ctx: StepContext) -> Outcome:
        return self._show(DialogState(), ctx.profile, lead=lead)

    def _show_survey(self, draft: SurveyDraft, profile: ChannelProfile, lead: str = "") -> Outcome:
        state = DialogState(screen=Screen.SURVEY, survey=draft)
        return Outcome(state, self.replies(self.survey.view(draft, profile), profile, lead))

    # --- output ------------------------------------------------------------------------

    def _show(self, state: DialogState, profile: ChannelProfile, lead: str = "") -> Outcome:
        view = self.screens.render(state, profile)
        return Outcome(state, self.replies(view, profile, lead))

    def replies(self, view: View, profile: ChannelProfile, lead: str = "") -> list[Reply]:
        text = f"{lead}\n\n{view.text}" if lead else view.text
        pieces = split_text(text, profile.max_text)
        replies = [Reply(piece) for piece in pieces[:-1]]
        replies.append(Reply(pieces[-1], view.options))
        return replies
