"""The option ids the bot sends and reads back: one typed value per kind, one codec.

An option id travels through a chat app and comes back when a person presses the button, so it
is untrusted input that may also be old (a button on a message sent weeks ago, before an
update). `decode` therefore never raises: whatever it does not recognise is None, which the
conversation answers as a stale option. The wire forms are those the bot has always sent, so
buttons already in people's chats keep working.

Ids are self-contained (``svc:kk``, ``sec:kk:proc``, ``sv:ab12cd:U3:4``): a button pressed on an
old message still leads somewhere sensible instead of depending on where the person is now.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

MAX_BYTES = 64
"""Telegram's limit for callback data; WhatsApp's limits (200 and 256 characters) are wider."""

NONCE_CHARS = 6
"""A survey draft's nonce: hex, long enough that two drafts of one person never share it."""

_ID = r"[a-z0-9][a-z0-9_-]{0,31}"
_NUMBER = r"0|[1-9][0-9]{0,2}"
_NONCE = r"[0-9a-f]{1,16}"
_STEP = r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}"
_VALUE = r"[A-Za-z0-9_-]{1,32}"


class Section(StrEnum):
    """A part of a service's page."""

    REQUIREMENTS = "req"
    PROCEDURE = "proc"
    TIME_COST = "time"
    WHERE = "where"
    LEGAL_NOTES = "legal"


class Destination(StrEnum):
    """A screen reached from anywhere, whatever is on screen now."""

    MENU = "menu"
    INFO = "info"
    SURVEY = "survey"
    FLOW = "flow"
    CONTACTS = "contacts"
    HELP = "help"
    UNITS = "units"
    """The choice of the unit (kecamatan), in a deployment of several units."""


class DraftAction(StrEnum):
    """What may be done with a complaint shown back before it is sent."""

    SEND = "send"
    EDIT = "edit"


class SurveyAct(StrEnum):
    """A survey option that is not an answer to the question on screen."""

    PREVIOUS = "back"
    CANCEL = "cancel"
    SEND = "send"
    SKIP = "skip"
    CHANGE = "change"


class SurveyStep(StrEnum):
    """The survey's steps that are not content's questions (a profile question or an unsur)."""

    CONSENT = "consent"
    SERVICE = "service"
    SUGGESTION = "suggestion"
    REVIEW = "review"
    CHANGE = "change"


ANSWERED_STEPS = frozenset({SurveyStep.CONSENT.value, SurveyStep.SERVICE.value})
"""The survey's own steps whose answers are options (the others are typed or are acts)."""

SURVEY_PAGE = "page"
SURVEY_EDIT = "edit"

RESERVED_STEP_IDS = frozenset(
    {*(s.value for s in SurveyStep), *(a.value for a in SurveyAct), SURVEY_PAGE, SURVEY_EDIT}
)
"""Words the survey's option ids use for its own steps and acts: a content question named
like one of them could never be answered (its answer would read as the act)."""


@dataclass(frozen=True)
class Go:
    destination: Destination


@dataclass(frozen=True)
class Up:
    """ "Kembali" on an information screen: the screen above this one."""


@dataclass(frozen=True)
class ServicesPage:
    page: int


@dataclass(frozen=True)
class ServiceChoice:
    service_id: str


@dataclass(frozen=True)
class SectionChoice:
    service_id: str
    section: Section


@dataclass(frozen=True)
class CaseChoice:
    service_id: str
    case: int


@dataclass(frozen=True)
class ComplaintStart:
    kind: str
    """A complaint kind ("complaint", "question"); checked against the content by the reader."""


@dataclass(frozen=True)
class UnitChoice:
    """A unit (kecamatan) picked on the choice of units."""

    unit_id: str


@dataclass(frozen=True)
class UnitsPage:
    page: int


@dataclass(frozen=True)
class ComplaintDraft:
    action: DraftAction


@dataclass(frozen=True)
class TicketService:
    service_id: str


@dataclass(frozen=True)
class TicketPage:
    page: int


@dataclass(frozen=True)
class SurveyAnswer:
    nonce: str
    step: str
    value: str


@dataclass(frozen=True)
class SurveyAction:
    nonce: str
    act: SurveyAct


@dataclass(frozen=True)
class SurveyPage:
    nonce: str
    page: int


@dataclass(frozen=True)
class SurveyEdit:
    nonce: str
    step: str


@dataclass(frozen=True)
class HeldMessage:
    """A template's quick reply that asks for a message held in the outbox (WhatsApp)."""

    message_id: int


SurveyOptionId = SurveyAnswer | SurveyAction | SurveyPage | SurveyEdit
OptionId = (
    Go
    | Up
    | ServicesPage
    | ServiceChoice
    | SectionChoice
    | CaseChoice
    | ComplaintStart
    | ComplaintDraft
    | UnitChoice
    | UnitsPage
    | TicketService
    | TicketPage
    | SurveyOptionId
    | HeldMessage
)


class OptionIdTooLong(ValueError):
    """An option id that Telegram would refuse as callback data."""


def encode(option: OptionId) -> str:
    """The wire form of an option id; raises when it is malformed or longer than 64 bytes."""
    text = _wire(option)
    if decode(text) != option:
        raise ValueError(f"{option!r} has no faithful option id (got {text!r})")
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise OptionIdTooLong(f"option id {text!r} is {size} bytes; at most {MAX_BYTES} fit")
    return text


def _wire(option: OptionId) -> str:
    match option:
        case Go(destination):
            return destination.value
        case Up():
            return "back"
        case ServicesPage(page):
            return f"page:{page}"
        case ServiceChoice(service_id):
            return f"svc:{service_id}"
        case SectionChoice(service_id, section):
            return f"sec:{service_id}:{section.value}"
        case CaseChoice(service_id, case):
            return f"case:{service_id}:{case}"
        case ComplaintStart(kind):
            return f"cmp:{kind}"
        case ComplaintDraft(action):
            return f"cmpd:{action.value}"
        case TicketService() | TicketPage() | HeldMessage() | UnitChoice() | UnitsPage():
            return _other_wire(option)
        case _:
            return _survey_wire(option)


def _other_wire(option: TicketService | TicketPage | HeldMessage | UnitChoice | UnitsPage) -> str:
    match option:
        case TicketService(service_id):
            return f"tkt:{service_id}"
        case TicketPage(page):
            return f"tkp:{page}"
        case HeldMessage(message_id):
            return f"outbox:{message_id}"
        case UnitChoice(unit_id):
            return f"unit:{unit_id}"
        case UnitsPage(page):
            return f"upg:{page}"
        case _:
            assert_never(option)


def _survey_wire(option: SurveyOptionId) -> str:
    match option:
        case SurveyAnswer(nonce, step, value):
            return f"sv:{nonce}:{step}:{value}"
        case SurveyAction(nonce, act):
            return f"sv:{nonce}:{act.value}"
        case SurveyPage(nonce, page):
            return f"sv:{nonce}:{SURVEY_PAGE}:{page}"
        case SurveyEdit(nonce, step):
            return f"sv:{nonce}:{SURVEY_EDIT}:{step}"
        case _:
            assert_never(option)


def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


_PLAIN = {d.value: Go(d) for d in Destination} | {"back": Up()}
_PAGE = _pattern(rf"(page|tkp|upg):({_NUMBER})")
_ONE_ID = _pattern(rf"(svc|tkt|cmp|unit):({_ID})")
_SECTION = _pattern(rf"sec:({_ID}):([a-z]+)")
_CASE = _pattern(rf"case:({_ID}):({_NUMBER})")
_DRAFT = _pattern(r"cmpd:([a-z]+)")
_HELD = _pattern(r"outbox:(0|[1-9][0-9]{0,17})")
_SURVEY = _pattern(rf"sv:({_NONCE}):({_STEP})(?::({_VALUE}))?")


def decode(text: str) -> OptionId | None:
    """The option an id stands for; None for anything else (forged, mangled or retired)."""
    if text in _PLAIN:
        return _PLAIN[text]
    if (m := _PAGE.fullmatch(text)) is not None:
        page = int(m[2])
        if m[1] == "upg":
            return UnitsPage(page)
        return ServicesPage(page) if m[1] == "page" else TicketPage(page)
    if (m := _ONE_ID.fullmatch(text)) is not None:
        if m[1] == "svc":
            return ServiceChoice(m[2])
        if m[1] == "unit":
            return UnitChoice(m[2])
        return TicketService(m[2]) if m[1] == "tkt" else ComplaintStart(m[2])
    if (m := _SECTION.fullmatch(text)) is not None:
        return SectionChoice(m[1], Section(m[2])) if m[2] in set(Section) else None
    if (m := _CASE.fullmatch(text)) is not None:
        return CaseChoice(m[1], int(m[2]))
    if (m := _DRAFT.fullmatch(text)) is not None:
        return ComplaintDraft(DraftAction(m[1])) if m[1] in set(DraftAction) else None
    if (m := _HELD.fullmatch(text)) is not None:
        return HeldMessage(int(m[1]))
    if (m := _SURVEY.fullmatch(text)) is not None:
        return _survey_option(m[1], m[2], m[3])
    return None


def _survey_option(nonce: str, word: str, value: str | None) -> SurveyOptionId | None:
    if word == SURVEY_PAGE:
        return SurveyPage(nonce, int(value)) if value and re.fullmatch(_NUMBER, value) else None
    if word == SURVEY_EDIT:
        return SurveyEdit(nonce, value) if value else None
    if word in set(SurveyAct):
        return SurveyAction(nonce, SurveyAct(word)) if value is None else None
    # Of the survey's own steps only these take an answer: "sv:n:review:x" answers nothing.
    if value is None or (word in RESERVED_STEP_IDS and word not in ANSWERED_STEPS):
        return None
    return SurveyAnswer(nonce, word, value)
