"""The conversation's one entry point: an event in, the replies out, state kept in the database.

The event id, the state change and a finished survey are written in one transaction, so an
event delivered twice has its effect once and a restart loses nothing.
"""

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from skm_core.calendar.periods import local_day_start
from skm_core.content.loader import Content
from skm_core.content_edits import content_in_force
from skm_core.conversation.channels import ChannelProfile, ChannelTraits, profile_for, quoted
from skm_core.conversation.dialogue import Dialogue, Outcome
from skm_core.conversation.messages import Event, EventKind, Reply
from skm_core.conversation.state import DialogState
from skm_core.conversation.survey import (
    REVIEW,
    SERVICE,
    StepContext,
    SurveyPolicy,
    TicketInfo,
    TicketStatus,
)
from skm_core.delivery.mailroom import Mailroom
from skm_core.delivery.outcomes import settle_unconfirmed
from skm_core.delivery.scheduled import SCHEDULES, ReportSchedule, queue_scheduled_report
from skm_core.delivery.sending import Sender, Window, flush_outbox
from skm_core.desk import OfficialDesk
from skm_core.desk.records import PageRecords
from skm_core.search import ServiceSearch
from skm_core.storage.complaints import add_complaint
from skm_core.storage.content_versions import content_revision
from skm_core.storage.conversations import (
    claim_event,
    forget_events_before,
    save_state,
)
from skm_core.storage.database import Database, Reader, Transaction
from skm_core.storage.officials import (
    Official,
    add_official,
    list_officials,
    officials_with_role,
    roles_of,
)
from skm_core.storage.outbox import (
    enqueue,
    erase_delivered_before,
    forget_sent_before,
    record_inbound,
)
from skm_core.storage.responses import finished_by_respondent, insert_response
from skm_core.storage.tickets import find_ticket, use_ticket
from skm_core.tickets import POSTER_PAYLOAD

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)
MAX_TOKEN_CHARS = 64
CONTENT_CHECK_INTERVAL = timedelta(seconds=10)


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
        timezone: ZoneInfo | None = None,
        public_url: str | None = None,
    ) -> None:
        self.db = db
        self.content = content
        self.clock = clock
        self.timezone = timezone or ZoneInfo(content.unit.timezone)
        self.admin_keys = admin_keys
        """(channel, user key) of the admins named in the settings."""
        self._flushing: dict[str, asyncio.Lock] = {}
        self._channels: dict[str, ChannelTraits] = {}
        self.mail = Mailroom(db, lambda: self.clock(), lambda: self.content)
        """What channels keep between receiving and answering; their only way to storage."""
        self.records = PageRecords(db, lambda: self.clock())
        """What the web pages read and write."""
        self.base_content = content
        """The shipped content; versions edited from the desk are applied over it."""
        self._policy = policy
        self._ticket_validity = ticket_validity
        self._public_url = public_url
        self._content_revision: int | None = None
        self._content_checked_at: datetime | None = None
        self.use_content(content)

    def use_content(self, content: Content) -> None:
        """Serve this content from the next event on.

        Everything built from the content is built first and then swapped in without an
        await in between, so an event being handled on the event loop sees either the old
        content or the new one, never a mixture.
        """
        search = ServiceSearch(content.services, content.search, content.referrals)
        dialogue = Dialogue(content, search, self._policy)
        desk = OfficialDesk(
            self.db, content, search, self.timezone, self._ticket_validity, self._public_url
        )
        previous: OfficialDesk | None = getattr(self, "desk", None)
        if previous is not None:
            desk.tickets.start_links = previous.tickets.start_links
        self.content, self.dialogue, self.desk = content, dialogue, desk

    async def refresh_content(self) -> bool:
        """Take up content edited from the desk (by this process or another); True if changed."""
        self._content_checked_at = self.clock()
        revision = await content_revision(self.db)
        if revision == self._content_revision:
            return False
        content = await content_in_force(self.db, self.base_content)
        # Two refreshes may overlap; the one that read an older revision and finishes last
        # must not put older content back.
        if self._content_revision is not None and revision < self._content_revision:
            return False
        self._content_revision = revision
        self.use_content(content)
        return True

    async def _refresh_content_if_due(self, now: datetime) -> None:
        # Edits made in this process are applied at once by the desk; this check is for
        # edits made by another process, at most one small query per interval.
        checked = self._content_checked_at
        if checked is None or now - checked >= CONTENT_CHECK_INTERVAL or now < checked:
            await self.refresh_content()

    def register_channel(self, channel: ChannelTraits) -> None:
        """A channel adapter announces itself: its limits, its window, its start link.

        Registered again when something about it is learnt later (Telegram's username)."""
        self._channels[channel.name] = channel
        link = channel.start_link
        if link is not None:
            self.desk.start_links[channel.name] = link
        else:
            self.desk.start_links.pop(channel.name, None)

    def profile(self, channel: str) -> ChannelProfile:
        """What a channel can show: as it registered, else the cautious default."""
        registered = self._channels.get(channel)
        return registered.profile if registered is not None else profile_for(channel)

    def _windowed(self, channel: str) -> bool:
        registered = self._channels.get(channel)
        return registered is not None and registered.windowed

    @property
    def start_links(self) -> dict[str, str]:
        """Per channel, the start link template with {token}, as the channels registered."""
        return dict(self.desk.start_links)

    async def officials(self) -> list[Official]:
        return await list_officials(self.db)

    async def handle(self, event: Event) -> list[Reply]:
        """The replies to one event; none when the event was already processed."""
        now = self.clock()
        await self._refresh_content_if_due(now)
        async with self.db.transaction() as tx:
            claimed, stored = await claim_event(
                tx, event.channel, event.event_id, event.user_key, now
            )
            if not claimed:
                return []
            if self._windowed(event.channel):
                sent = min(event.sent_at, now) if event.sent_at is not None else now
                await record_inbound(tx, event.channel, event.user_key, sent)
            state, dropped = DialogState.restore(stored)
            if dropped:
                # Stored by an earlier version: what still validates is kept, and the person
                # is told when an unfinished survey could not be carried over.
                log.warning(
                    "conversation state of %s no longer validated; left out: %s",
                    event.user_key[:12],
                    ", ".join(sorted(dropped)),
                )
            ctx = await self._context(tx, event, now, state)
            served = None
            # Only an officials' command needs the person's roles: most events skip the query.
            if self.desk.wants(event):
                roles = await self.roles_of(event.channel, event.user_key, tx)
                if self.desk.serves(event, roles):
                    served = await self.desk.handle(tx, event, ctx, roles)
            if served is None:
                replies = await self._converse(tx, event, ctx, state)
                if dropped and state.survey is None and '"survey"' in (stored or ""):
                    return [Reply(self.content.texts.chat.survey_lost), *replies]
                return replies
        if served.later is not None:
            return [*served.replies, *await served.later()]
        return served.replies

    async def desk_command(
        self, channel: str, user_key: str, text: str, event_id: str
    ) -> list[Reply] | None:
        """An officials' command given outside a chat (the desk in a browser).

        The same handlers, roles and audit as in the chat; but it is no chat message: it
        claims no conversation state and opens no messaging window. None when this person
        may not give the command.
        """
        now = self.clock()
        await self._refresh_content_if_due(now)
        event = Event(channel, user_key, event_id, EventKind.COMMAND, text.strip())
        async with self.db.transaction() as tx:
            roles = await self.roles_of(channel, user_key, tx)
            if not self.desk.wants(event) or not self.desk.serves(event, roles):
                return None
            ctx = StepContext(
                now=now, profile=self.profile(channel), channel=channel, user_key=user_key
            )
            served = await self.desk.handle(tx, event, ctx, roles)
        if served is None:
            return None
        if served.later is not None:
            return [*served.replies, *await served.later()]
        return served.replies

    async def _converse(
        self, tx: Transaction, event: Event, ctx: StepContext, state: DialogState
    ) -> list[Reply]:
        outcome = self.dialogue.step(state, event, ctx)
        outcome = await self._store_submissions(tx, outcome, ctx)
        receipts = [await self._store_complaint(tx, event, ctx, c) for c in outcome.complaints]
        await save_state(tx, event.channel, event.user_key, outcome.state.to_json(), ctx.now)
        return [*receipts, *outcome.replies]

    async def _store_complaint(
        self, tx: Transaction, event: Event, ctx: StepContext, complaint: tuple[str, str]
    ) -> Reply:
        kind, text = complaint
        address = event.address or event.user_key
        number = await add_complaint(
            tx, event.channel, event.user_key, address, kind, text, ctx.now
        )
        t = self.content.texts
        for official in await officials_with_role(tx, ("pejabat", "admin")):
            forward = t.officials.complaint_forward.format(
                kind_title=t.chat.complaint_kinds[kind],
                id=number,
                channel=event.channel,
                text=quoted(text, self.profile(official.channel)),
            )
            await enqueue(tx, official.channel, official.address, [Reply(forward)], ctx.now)
        if kind == "complaint":
            days = self.content.unit.complaint_answer_days
            receipt = t.chat.complaint_received.format(id=number, days=days)
            if "complaint_answer_days" in self.content.unit.unconfirmed_fields:
                receipt += "\n\n" + self.dialogue.screens.caveat()
            return Reply(receipt)
        return Reply(t.chat.question_received.format(id=number))

    async def roles_of(
        self, channel: str, user_key: str, reader: Reader | None = None
    ) -> frozenset[str]:
        """A person's roles: those given by invitation, and admin for those in the settings."""
        roles = await roles_of(reader or self.db, channel, user_key)
        return roles | ({"admin"} if (channel, user_key) in self.admin_keys else set())

    async def register_admins(self, addresses: dict[tuple[str, str], str]) -> None:
        """Record the admins named in the settings, so reports and forwards can reach them."""
        now = self.clock()
        async with self.db.transaction() as tx:
            for (channel, user_key), address in addresses.items():
                await add_official(
                    tx, channel, user_key, address, "admin", now, added_by="settings"
                )

    async def queue_reports(self, schedule: ReportSchedule, now: datetime | None = None) -> int:
        """Queue the report of the period the schedule last closed, for whoever lacks it."""
        now = now or self.clock()
        fire = schedule.latest_fire(now, self.timezone)
        t = self.content.texts.officials
        return await queue_scheduled_report(
            self.db,
            self.content,
            schedule,
            fire,
            now,
            self.timezone,
            self.desk.summaries.summary_replies,
            t.report_intro.format(name=t.schedule_name(schedule.kind)),
        )

    async def catch_up_reports(self) -> int:
        """At start-up: queue whatever report a schedule should have queued while down."""
        return sum([await self.queue_reports(schedule) for schedule in SCHEDULES])

    async def ping(self) -> None:
        """A trivial query: raises when the database does not answer."""
        await self.db.fetch_one("SELECT 1")

    async def flush_outbox(
        self,
        channel: str,
        send: Sender,
        window: Window | None = None,
        erase_on_send: bool = True,
    ) -> int:
        # A person's tap flushes at once while the periodic round may be running: two rounds
        # over the same due messages would send a message's parts twice.
        async with self._flushing.setdefault(channel, asyncio.Lock()):
            return await flush_outbox(
                self.db, channel, send, self.clock(), window, self.content, erase_on_send
            )

    async def queue_messages(self, channel: str, address: str, replies: list[Reply]) -> None:
        """Replies a channel could not send now: the outbox sends them with backoff."""
        async with self.db.transaction() as tx:
            await enqueue(tx, channel, address, replies, self.clock())

    async def touch(self, channel: str, user_key: str, sent_at: datetime | None = None) -> None:
        """A person wrote (in a way that is not a conversation event): their window opens."""
        now = self.clock()
        async with self.db.transaction() as tx:
            await record_inbound(tx, channel, user_key, min(sent_at or now, now))

    async def forget_old_events(self, keep: timedelta = timedelta(days=7)) -> int:
        """Trim the ledger of processed events; redeliveries come within hours, not days.
        Sent messages whose delivery was never confirmed are erased after as long."""
        now = self.clock()
        async with self.db.transaction() as tx:
            await settle_unconfirmed(tx, self.content, now - keep, now)
            await forget_sent_before(tx, now - keep)
            await erase_delivered_before(tx, now - keep, now)
            return await forget_events_before(tx, now - keep)

    async def _context(
        self, tx: Transaction, event: Event, now: datetime, state: DialogState
    ) -> StepContext:
        finished: dict[str, int] = {}
        # The daily limit is checked only where a service is chosen or a survey is sent.
        if state.survey is not None and state.survey.step in (SERVICE, REVIEW):
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
            profile=self.profile(event.channel),
            channel=event.channel,
            user_key=event.user_key,
            finished_today=finished,
            ticket=ticket,
        )

    async def _ticket(self, tx: Transaction, token: str, now: datetime) -> TicketInfo:
        if len(token) > MAX_TOKEN_CHARS:
            return TicketInfo(TicketStatus.UNKNOWN)
        stored = await find_ticket(tx, token)
        if stored is None:
            return TicketInfo(TicketStatus.UNKNOWN)
        if stored.used_at is not None:
            return TicketInfo(TicketStatus.USED, stored.id, stored.service_id)
        if stored.expires_at <= now:
            return TicketInfo(TicketStatus.EXPIRED, stored.id, stored.service_id)
        return TicketInfo(TicketStatus.VALID, stored.id, stored.service_id)

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
