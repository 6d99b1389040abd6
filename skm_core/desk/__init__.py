"""Officials' commands, on any channel: tickets, invitations, summaries, exports, follow-up
plans, complaints, schedules, publication and the sign-in link to the desk on the web.

Each command names the roles that may give it. For anyone else an officials' command is not
an officials' command at all: it goes to the ordinary conversation, which answers it as it
answers any unknown text, so nothing reveals that the command exists.
"""

from collections.abc import Mapping
from datetime import timedelta
from zoneinfo import ZoneInfo

from skm_core.content.loader import Content
from skm_core.conversation.messages import Event
from skm_core.conversation.survey import StepContext
from skm_core.desk.call import (
    Call,
    CommandTable,
    DeskResult,
    Handler,
    answer_now,
    command_of,
)
from skm_core.desk.complaints import ComplaintDesk
from skm_core.desk.followup import FollowUpDesk
from skm_core.desk.kiosk import KioskDesk
from skm_core.desk.roles import RoleDesk
from skm_core.desk.summaries import SummaryDesk
from skm_core.desk.tickets import TicketDesk, is_ticket_option
from skm_core.desk.web import WebDesk
from skm_core.search import ServiceSearch
from skm_core.storage.database import Database, Transaction

ADMIN = frozenset({"admin"})
COUNTER = frozenset({"admin", "petugas"})
REPORTS = frozenset({"admin", "pejabat"})
OFFICIALS = frozenset({"admin", "pejabat", "petugas"})


class OfficialDesk:
    def __init__(
        self,
        db: Database,
        content: Content,
        search: ServiceSearch,
        timezone: ZoneInfo,
        ticket_validity: timedelta,
        public_url: str | None = None,
        unit_names: Mapping[str, str] | None = None,
    ) -> None:
        """`unit_names`: every unit's name (and the kabupaten's, under `KABUPATEN`) by id, in a
        deployment of several units, so that a registration names the unit it is for."""
        self.tickets = TicketDesk(content, search, timezone, ticket_validity)
        self.roles = RoleDesk(content, timezone, unit_names=dict(unit_names or {}))
        self.kiosk = KioskDesk(content, search, ticket_validity)
        self.summaries = SummaryDesk(content, db, timezone)
        self.followup = FollowUpDesk(content, timezone)
        self.complaints = ComplaintDesk(content)
        self.web = WebDesk(content, timezone, public_url)
        commands: dict[str, tuple[frozenset[str], Handler]] = {
            "tiket": (COUNTER, answer_now(self.tickets.command)),
            "kiosk": (COUNTER, answer_now(self.kiosk.command)),
            "undang": (ADMIN, answer_now(self.roles.invite)),
            "pejabat": (ADMIN, answer_now(self.roles.listing)),
            "hapus": (ADMIN, answer_now(self.roles.remove)),
            "jadwal": (REPORTS, answer_now(self.roles.schedule)),
            "ringkasan": (REPORTS, self.summaries.summary),
            "ekspor": (REPORTS, self.summaries.export),
            "populasi": (REPORTS, self.summaries.population),
            "rtl": (REPORTS, answer_now(self.followup.command)),
            "aduan": (REPORTS, answer_now(self.complaints.listing)),
            "jawab": (REPORTS, answer_now(self.complaints.answer)),
            "masuk": (OFFICIALS, answer_now(self.web.sign_in)),
            "publikasi": (REPORTS, answer_now(self.web.publish)),
        }
        self._commands = CommandTable(commands, self.roles.register)

    @property
    def start_links(self) -> dict[str, str]:
        return self.tickets.start_links

    def wants(self, event: Event) -> bool:
        """Whether the event looks like an officials' command, whoever sent it."""
        if is_ticket_option(event):
            return True
        return self._commands.wants(event)

    def serves(self, event: Event, roles: frozenset[str]) -> bool:
        """Whether the event is an officials' command that this person may give."""
        if is_ticket_option(event):
            return bool(roles & COUNTER)
        return self._commands.serves(event, roles)

    async def handle(
        self, tx: Transaction, event: Event, ctx: StepContext, roles: frozenset[str]
    ) -> DeskResult | None:
        """The answer to an officials' command; None when it is not one after all."""
        name, args = command_of(event)
        call = Call(tx, event, ctx, roles, name, args)
        if is_ticket_option(event):
            return DeskResult(await self.tickets.option(call))
        return await self._commands.answer(call)
