"""Where a person is in the conversation; stored as JSON between events."""

import json
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, ValidationError

from skm_core.conversation.option_ids import Section
from skm_core.conversation.survey import SurveyDraft

__all__ = ["DialogState", "Screen", "Section"]


class Screen(StrEnum):
    MENU = "menu"
    SERVICES = "services"
    SERVICE = "service"
    FLOW = "flow"
    CONTACTS = "contacts"
    HELP = "help"
    SEARCH = "search"
    SURVEY = "survey"
    COMPLAINT = "complaint"
    REFERRAL = "referral"
    UNITS = "units"
    """The choice of units, where several are served and none is chosen yet."""


class DialogState(BaseModel):
    model_config = ConfigDict(extra="ignore")

    screen: Screen = Screen.MENU
    page: int = 0
    service_id: str | None = None
    section: Section = Section.REQUIREMENTS
    case: int | None = None
    """On a service's requirements: the applicant's case shown (KK hilang, keluarga baru)."""
    matches: list[str] = []
    """Service ids offered by the last uncertain search."""
    complaint_kind: str | None = None
    """On the complaint screen: whether a complaint or a question is being written."""
    referral_id: str | None = None
    """On the referral screen: what the unit does not serve that was asked for."""
    complaint_draft: str | None = None
    """A complaint as typed, shown back to be sent or changed."""
    survey: SurveyDraft | None = None
    """An unfinished survey; it stays while the person looks at other screens."""
    unit: str | None = None
    """The unit (kecamatan) chosen, where several are served; kept for the conversation."""
    survey_next: bool = False
    """At the choice of units: the person came by a poster for the survey, which opens as
    soon as they pick their unit."""

    def to_json(self) -> str:
        return self.model_dump_json(exclude_defaults=True)

    @classmethod
    def from_json(cls, text: str | None) -> "DialogState":
        """The stored state, or a fresh one when there is none or it cannot be read."""
        return cls.restore(text)[0]

    @classmethod
    def restore(cls, text: str | None) -> tuple["DialogState", frozenset[str]]:
        """The stored state and the names of the parts that no longer validate (a state
        stored by an earlier version): those are left out, everything else is kept."""
        if not text:
            return cls(), frozenset()
        try:
            return cls.model_validate_json(text), frozenset()
        except ValidationError:
            pass
        try:
            data = json.loads(text)
        except ValueError:
            return cls(), frozenset({"(unreadable)"})
        if not isinstance(data, dict):
            return cls(), frozenset({"(unreadable)"})
        dropped: set[str] = set()
        while True:
            try:
                return cls.model_validate(data), frozenset(dropped)
            except ValidationError as exc:
                bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
                if not bad or not bad - dropped:
                    return cls(), frozenset(dropped | bad | {"(all)"})
                dropped |= bad
                data = {k: v for k, v in data.items() if k not in dropped}
