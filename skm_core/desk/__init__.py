"""Officials' commands, on any channel: tickets, invitations, summaries, exports, follow-up
plans, complaints, schedules, publication and the sign-in link to the desk on the web.

Each command names the roles that may give it. For anyone else an officials' command is not
an officials' command at all: it goes to the ordinary conversation, which answers it as it
answers any unknown text, so nothing reveals that the command exists.
"""

from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from zoneinfo import ZoneInfo

from skm_core.content.loader import Content
from skm_core.conversation.messages import Event, Reply
from skm_core.conversation.survey import StepContext
from skm_core.desk.call import Call, DeskResult, command_of
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

Handler = Callable[[Call], Awaitable[DeskResult]]


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
        self._commands: dict[str, tuple[frozenset[str], Handler]] = {
            "tiket": (COUNTER, _now(self.tickets.command)),
            "kiosk": (COUNTER, _now(self.kiosk.command)),
            "undang": (ADMIN, _now(self.roles.invite)),
            "pejabat": (ADMIN, _now(self.roles.listing)),
            "hapus": (ADMIN, _now(self.roles.remove)),
            "jadwal": (REPORTS, _now(self.roles.schedule)),
            "ringkasan": (REPORTS, self.summaries.summary),
            "ekspor": (REPORTS, self.summaries.export),
            "populasi": (REPORTS, self.summaries.population),
            "rtl": (REPORTS, _now(self.followup.command)),
            "aduan": (REPORTS, _now(self.complaints.listing)),
            "jawab": (REPORTS, _now(self.complaints.answer)),
            "masuk": (OFFICIALS, _now(self.web.sign_in)),
            "publikasi": (REPORTS, _now(self.web.publish)),
        }

    @property
    def start_links(self) -> dict[str, str]:
        return self.tickets.start_links

    def wants(self, event: Event) -> bool:
        """Whether the event looks like an officials' command, whoever sent it."""
        if is_ticket_option(event):
            return True
        name, _ = command_of(event)
        return name == "daftar" or name in self._commands

    def serves(self, event: Event, roles: frozenset[str]) -> bool:
        """Whether the event is an officials' command that this person may give."""
        if is_ticket_option(event):
            return bool(roles & COUNTER)
        name, _ = command_of(event)
        if name == "daftar":
            return True
        entry = self._commands.get(name)
        return entry is not None and bool(roles & entry[0])

    async def handle(
        self, tx: Transaction, event: Event, ctx: StepContext, roles: frozenset[str]
    ) -> DeskResult | None:
        """The answer to an officials' command; None when it is not one after all."""
        name, args = command_of(event)
        call = Call(tx, event, ctx, roles, name, args)
        if is_ticket_option(event):
            return DeskResult(await self.tickets.option(call))
        if name == "daftar":
            replies = await self.roles.register(call)
            return DeskResult(replies) if replies is not None else None
        _, handler = self._commands[name]
        return await handler(call)


def _now(handler: Callable[[Call], Awaitable[list[Reply]]]) -> Handler:
    """A handler that answers at once, inside the transaction."""

    async def run(call: Call) -> DeskResult:
        return DeskResult(await handler(call))

    return run
