"""The conversation's one entry point: an event in, the replies out, state kept in the database.

The event id, the state change and a finished survey are written in one transaction, so an
event delivered twice has its effect once and a restart loses nothing.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from skm_core.content.loader import Content
from skm_core.conversation.channels import profile_for
from skm_core.conversation.dialogue import Dialogue, Outcome
from skm_core.conversation.messages import Event, EventKind, Reply
from skm_core.conversation.officials import OfficialDesk
from skm_core.conversation.state import DialogState
from skm_core.conversation.survey import StepContext, SurveyPolicy, TicketInfo
from skm_core.periods import local_day_start
from skm_core.search import ServiceSearch
from skm_core.storage.conversations import (
    claim_event,
    forget_events_before,
    load_state,
    save_state,
)
from skm_core.storage.database import Database, Transaction
from skm_core.storage.officials import roles_of
from skm_core.storage.responses import finished_by_respondent, insert_response
from skm_core.storage.tickets import find_ticket, use_ticket
from skm_core.tickets import POSTER_PAYLOAD

Clock = Callable[[], datetime]
MAX_TOKEN_CHARS = 64


def utc_now() -> datetime:
    return datetime.now(UTC)


class Engine:
    def __init__(
        self,
        db: Database,
        content: Content,
        policy: SurveyPolicy | None = None,
        clock: Clock = utc_now,
        admin_keys: frozenset[tuple[str, str]] = frozenset(),
        ticket_validity: timedelta = timedelta(days=7),
    ) -> None:
        self.db = db
        self.content = content
        self.clock = clock
        self.timezone = ZoneInfo(content.unit.timezone)
        self.admin_keys = admin_keys
        """(channel, user key) of the admins named in the settings."""
        search = ServiceSearch(content.services, content.search)
        self.dialogue = Dialogue(content, search, policy)
        self.desk = OfficialDesk(content, search, self.timezone, ticket_validity)

    @property
    def start_links(self) -> dict[str, str]:
        """Per channel, the start link template with {token}; adapters fill it in."""
        return self.desk.start_links

    async def handle(self, event: Event) -> list[Reply]:
        """The replies to one event; none when the event was already processed."""
        now = self.clock()
        async with self.db.transaction() as tx:
            if not await claim_event(tx, event.channel, event.event_id, now):
                return []
            ctx = await self._context(tx, event, now)
            roles = await self._roles(tx, event)
            if self.desk.serves(event, roles):
                return await self.desk.handle(tx, event, ctx)
            state = DialogState.from_json(await load_state(tx, event.channel, event.user_key))
            outcome = self.dialogue.step(state, event, ctx)
            outcome = await self._store_submissions(tx, outcome, ctx)
            await save_state(tx, event.channel, event.user_key, outcome.state.to_json(), now)
        return outcome.replies

    async def forget_old_events(self, keep: timedelta = timedelta(days=7)) -> int:
        """Trim the ledger of processed events; redeliveries come within hours, not days."""
        async with self.db.transaction() as tx:
            return await forget_events_before(tx, self.clock() - keep)

    async def _roles(self, tx: Transaction, event: Event) -> frozenset[str]:
        roles = await roles_of(tx, event.channel, event.user_key)
        if (event.channel, event.user_key) in self.admin_keys:
            roles |= {"admin"}
        return roles

    async def _context(self, tx: Transaction, event: Event, now: datetime) -> StepContext:
        local_today = now.astimezone(self.timezone).date()
        start = local_day_start(local_today, self.timezone)
        finished = await finished_by_respondent(
            tx, event.user_key, start, start + timedelta(days=1)
        )
        ticket = None
        if event.kind is EventKind.START and event.value.strip() not in ("", POSTER_PAYLOAD):
            ticket = await self._ticket(tx, event.value.strip(), now)
        return StepContext(
            now=now,
            profile=profile_for(event.channel),
            channel=event.channel,
            user_key=event.user_key,
            finished_today=finished,
            ticket=ticket,
        )

    async def _ticket(self, tx: Transaction, token: str, now: datetime) -> TicketInfo:
        if len(token) > MAX_TOKEN_CHARS:
            return TicketInfo("unknown")
        stored = await find_ticket(tx, token)
        if stored is None:
            return TicketInfo("unknown")
        if stored.used_at is not None:
            return TicketInfo("used", stored.id, stored.service_id)
        if stored.expires_at <= now:
            return TicketInfo("expired", stored.id, stored.service_id)
        return TicketInfo("valid", stored.id, stored.service_id)

    async def _store_submissions(
        self, tx: Transaction, outcome: Outcome, ctx: StepContext
    ) -> Outcome:
        for response in outcome.submissions:
            if response.ticket_id is not None and not await use_ticket(
                tx, response.ticket_id, ctx.now
            ):
                # A second survey from the same ticket (two phones, one link): refused.
                view = self.dialogue.screens.menu()
                lead = self.content.texts.survey.ticket_used
                replies = self.dialogue.replies(view, ctx.profile, lead)
                return Outcome(DialogState(), replies)
            await insert_response(tx, response)
        return outcome
