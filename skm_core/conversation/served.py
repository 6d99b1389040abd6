"""One unit as the engine serves it: its content in force, its dialogue, its officials' desk and
the database seen as that unit's rows only."""

from collections.abc import Mapping
from datetime import timedelta
from zoneinfo import ZoneInfo

from skm_core.content.loader import Content
from skm_core.conversation.dialogue import Dialogue
from skm_core.conversation.survey import SurveyPolicy
from skm_core.desk import OfficialDesk
from skm_core.search import ServiceSearch
from skm_core.storage.database import Database


class ServedUnit:
    def __init__(
        self,
        db: Database,
        content: Content,
        policy: SurveyPolicy | None,
        timezone: ZoneInfo,
        ticket_validity: timedelta,
        public_url: str | None,
        start_links: dict[str, str],
        several: bool,
        unit_names: Mapping[str, str] | None = None,
    ) -> None:
        self.db = db
        """The unit's rows only (in a one-unit deployment, the database as it was given)."""
        self.base_content = content
        """The shipped content; versions edited from the desk are applied over it."""
        self._policy = policy
        self._timezone = timezone
        self._ticket_validity = ticket_validity
        self._public_url = public_url
        self._start_links = start_links
        self._several = several
        self._unit_names = dict(unit_names or {})
        """Every unit's name (and the kabupaten's) by id: an invitation's welcome names it."""
        self.revision: int | None = None
        """The revision of the content versions in force (None: not read yet)."""
        self.use_content(content)

    @property
    def id(self) -> str:
        return self.base_content.unit.id

    def use_content(self, content: Content) -> None:
        """Serve this content from the next event on.

        Everything built from the content is built first and then swapped in without an
        await in between, so an event being handled on the event loop sees either the old
        content or the new one, never a mixture.
        """
        search = ServiceSearch(content.services, content.search, content.referrals)
        dialogue = Dialogue(content, search, self._policy, change_unit=self._several)
        desk = OfficialDesk(
            self.db,
            content,
            search,
            self._timezone,
            self._ticket_validity,
            self._public_url,
            unit_names=self._unit_names,
        )
        # Every unit's desk shares the links the channels registered.
        desk.tickets.start_links = self._start_links
        self.content, self.dialogue, self.desk = content, dialogue, desk
