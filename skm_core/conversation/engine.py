"""The conversation's one entry point: an event in, the replies out, state kept in the database.

The event id, the state change and a finished survey are written in one transaction, so an
event delivered twice has its effect once and a restart loses nothing.
"""

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from skm_core.calendar.periods import local_day_start
from skm_core.content.deployment import Deployment
from skm_core.content.loader import Content
from skm_core.content_edits import content_in_force
from skm_core.conversation.channels import ChannelProfile, ChannelTraits, profile_for, quoted
from skm_core.conversation.dialogue import Dialogue, Outcome
from skm_core.conversation.messages import Event, EventKind, Reply
from skm_core.conversation.served import ServedUnit
from skm_core.conversation.state import DialogState, Screen
from skm_core.conversation.survey import (
    REVIEW,
    SERVICE,
    StepContext,
    SurveyPolicy,
    TicketInfo,
    TicketStatus,
)
from skm_core.conversation.units import UnitChooser
from skm_core.delivery.mailroom import Mailroom
from skm_core.delivery.outcomes import settle_unconfirmed
from skm_core.delivery.scheduled import SCHEDULES, ReportSchedule, queue_scheduled_report
from skm_core.delivery.sending import Sender, Window, flush_outbox
from skm_core.desk import OfficialDesk
from skm_core.desk.call import REGISTER, DeskResult, command_of
from skm_core.desk.records import PageRecords
from skm_core.storage.complaints import add_complaint
from skm_core.storage.content_versions import content_revisions
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
from skm_core.storage.units import KABUPATEN, invitation_unit, official_unit, ticket_unit
from skm_core.tickets import POSTER_PAYLOAD, unit_of_payload

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)
MAX_TOKEN_CHARS = 64
CONTENT_CHECK_INTERVAL = timedelta(seconds=10)
__all__ = ["CONTENT_CHECK_INTERVAL", "Clock", "Engine", "KabupatenDesk"]


@dataclass(frozen=True)
class _Choice:
    """The choice of units shown, and the state that remembers it is on screen."""

    replies: list[Reply]
    state: DialogState


def utc_now() -> datetime:
    return datetime.now(UTC)


class KabupatenDesk(Protocol):
    """The kabupaten's officials' desk (they read every unit): the shape of OfficialDesk."""

    def wants(self, event: Event) -> bool: ...

    def serves(self, event: Event, roles: frozenset[str]) -> bool: ...

    async def handle(
        self, tx: Transaction, event: Event, ctx: StepContext, roles: frozenset[str]
    ) -> DeskResult | None: ...


KabupatenReports = Callable[[ReportSchedule, datetime], Awaitable[int]]


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
        deployment: Deployment | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.timezone = timezone or ZoneInfo(content.unit.timezone)
        self.admin_keys = admin_keys
        """(channel, user key) of the admins named in the settings."""
        self._flushing: dict[str, asyncio.Lock] = {}
        self._channels: dict[str, ChannelTraits] = {}
        self._start_links: dict[str, str] = {}
        self._content_checked_at: datetime | None = None
        """When the content versions of every unit were last looked at."""
        units = deployment.units if deployment is not None else (content,)
        self.several = len(units) > 1
        """Several units served: a citizen chooses one, an official works in their own."""
        region = deployment.region if deployment is not None else None
        names = {unit.unit.id: unit.unit.name for unit in units} if self.several else {}
        if names:
            names[KABUPATEN] = region.name if region is not None else units[0].unit.regency
        self.units: dict[str, ServedUnit] = {
            unit.unit.id: ServedUnit(
                db.for_unit(unit.unit.id) if self.several else db,
                unit,
                policy,
                self.timezone,
                ticket_validity,
                public_url,
                self._start_links,
                self.several,
                names,
            )
            for unit in units
        }
        self.default = next(iter(self.units.values()))
        """The first unit: the only one of a one-unit deployment."""
        self.chooser = UnitChooser(units, region.name if region is not None else None)
        self.kabupaten_desk: KabupatenDesk | None = None
        """Set where the kabupaten's desk is wired: the officials of every unit ('*')."""
        self.kabupaten_reports: KabupatenReports | None = None
        """Set where the kabupaten's scheduled roll-up is wired; called with each schedule."""
        self.mail = Mailroom(db, lambda: self.clock(), lambda: self.content)
        """What channels keep between receiving and answering; their only way to storage."""
        self.records = PageRecords(db, lambda: self.clock())
        """What the web pages read and write."""

    # The first unit's, as before there were several: what the channels and pages read.

    @property
    def content(self) -> Content:
        return self.default.content

    @property
    def base_content(self) -> Content:
        """The shipped content; versions edited from the desk are applied over it."""
        return self.default.base_content

    @property
    def dialogue(self) -> Dialogue:
        return self.default.dialogue

    @property
    def desk(self) -> OfficialDesk:
        return self.default.desk

    def use_content(self, content: Content) -> None:
        """Serve this content for the first unit from the next event on."""
        self.default.use_content(content)

    async def refresh_content(self) -> bool:
        """Take up content edited from the desk (by this process or another), for every
        unit from its own versions; True if any changed."""
        self._content_checked_at = self.clock()
        revisions = await content_revisions(self.db)
        changed = [
            await self._refresh(unit, revisions.get(unit.db.unit, 0))
            for unit in self.units.values()
        ]
        return any(changed)

    async def _refresh(self, unit: ServedUnit, revision: int) -> bool:
        if revision == unit.revision:
            return False
        content = await content_in_force(unit.db, unit.base_content)
        # Two refreshes may overlap; the one that read an older revision and finishes last
        # must not put older content back.
        if unit.revision is not None and revision < unit.revision:
            return False
        unit.revision = revision
        unit.use_content(content)
        return True

    async def _refresh_content_if_due(self, now: datetime) -> None:
        # Edits made in this process are applied at once by the desk; this check is for
        # edits made by another process, at most one small query per interval for all units.
        # It runs before the event's transaction: it reads through the database itself.
        checked = self._content_checked_at
        if checked is None or now - checked >= CONTENT_CHECK_INTERVAL or now < checked:
            await self.refresh_content()

    def register_channel(self, channel: ChannelTraits) -> None:
        """A channel adapter announces itself: its limits, its window, its start link.

        Registered again when something about it is learnt later (Telegram's username)."""
        self._channels[channel.name] = channel
        link = channel.start_link
        if link is not None:
            self._start_links[channel.name] = link
        else:
            self._start_links.pop(channel.name, None)

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
        return dict(self._start_links)

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
            served = await self._official(tx, event, now)
            if served is None:
                replies, unit = await self._citizen(tx, event, now, state)
                if dropped and state.survey is None and '"survey"' in (stored or ""):
                    return [Reply(unit.content.texts.chat.survey_lost), *replies]
                return replies
        if served.later is not None:
            return [*served.replies, *await served.later()]
        return served.replies

    async def _official(self, tx: Transaction, event: Event, now: datetime) -> DeskResult | None:
        """An officials' command, handled by the desk of the official's unit; None for
        anything else, which is the ordinary conversation's."""
        # Only an officials' command needs the person's unit and roles: most events skip it.
        if not self.desk.wants(event):
            return None
        found = await self._desk_of(tx, event)
        if found is None:
            return None
        desk, unit = found
        ctx = await self._context(tx, event, now, DialogState(), unit)
        roles = await self.roles_of(event.channel, event.user_key, tx)
        if not desk.serves(event, roles):
            return None
        return await desk.handle(tx, event, ctx, roles)

    async def _desk_of(
        self, tx: Transaction, event: Event
    ) -> tuple[OfficialDesk | KabupatenDesk, ServedUnit] | None:
        """The desk an official works at, with `tx` scoped to their unit; for one who
        registers, the unit their invitation names."""
        if not self.several:
            return self.default.desk, self.default
        unit_id = await official_unit(tx, event.channel, event.user_key)
        if unit_id is None:
            name, code = command_of(event)
            if name == REGISTER and code:
                unit_id = await invitation_unit(tx, code.split()[0])
        if unit_id is None and (event.channel, event.user_key) in self.admin_keys:
            unit_id = self.default.id
        if unit_id == KABUPATEN:
            if self.kabupaten_desk is None:
                return None
            tx.unit = KABUPATEN
            return self.kabupaten_desk, self.default
        unit = self.units.get(unit_id or "")
        if unit is None:
            return None
        tx.unit = unit.id
        return unit.desk, unit

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
            found = await self._desk_of(tx, event)
            if found is None:
                return None
            desk, _ = found
            roles = await self.roles_of(channel, user_key, tx)
            if not desk.wants(event) or not desk.serves(event, roles):
                return None
            ctx = StepContext(
                now=now, profile=self.profile(channel), channel=channel, user_key=user_key
            )
            served = await desk.handle(tx, event, ctx, roles)
        if served is None:
            return None
        if served.later is not None:
            return [*served.replies, *await served.later()]
        return served.replies

    # --- the citizen's unit ------------------------------------------------------------

    async def _citizen(
        self, tx: Transaction, event: Event, now: datetime, state: DialogState
    ) -> tuple[list[Reply], ServedUnit]:
        if not self.several:
            ctx = await self._context(tx, event, now, state, self.default)
            return await self._converse(tx, event, ctx, state, self.default), self.default
        picked = await self._pick_unit(tx, event, state)
        if isinstance(picked, _Choice):
            await save_state(tx, event.channel, event.user_key, picked.state.to_json(), now)
            return picked.replies, self.default
        unit, event = picked
        if state.unit != unit.id:
            # Another unit's screen or unfinished survey means nothing in this one.
            state = DialogState(unit=unit.id)
        tx.unit = unit.id
        ctx = await self._context(tx, event, now, state, unit)
        return await self._converse(tx, event, ctx, state, unit), unit

    async def _pick_unit(
        self, tx: Transaction, event: Event, state: DialogState
    ) -> tuple[ServedUnit, Event] | _Choice:
        """The unit this event is for, and the event as that unit's dialogue should read it;
        or the choice of units when it is not known yet."""
        profile = self.profile(event.channel)
        current = self.units.get(state.unit or "")
        # Picking the unit opens it; after a poster for the survey, at its survey.
        opened = dataclasses.replace(
            event, kind=EventKind.START, value=POSTER_PAYLOAD if state.survey_next else ""
        )
        survey_next = state.survey_next
        if event.kind is EventKind.START:
            return await self._started(tx, event, current, profile)
        if event.kind is EventKind.OPTION:
            picked = self.chooser.picked_option(event.value)
            if isinstance(picked, str):
                return self.units[picked], opened
            if isinstance(picked, int):
                return self._choice(picked, profile, survey_next=survey_next)
            if current is not None:
                return current, event
            return self._choice(
                0, profile, self.default.content.texts.chat.stale_option, survey_next=survey_next
            )
        if current is not None:
            return current, event
        choosing = state.screen is Screen.UNITS
        if event.kind is EventKind.UNREADABLE:
            return self._choice(
                state.page,
                profile,
                self.default.content.texts.chat.non_text,
                survey_next=survey_next,
            )
        picked = self.chooser.picked_text(event.value, state.page if choosing else 0, profile)
        if isinstance(picked, str):
            return self.units[picked], opened
        if isinstance(picked, int):
            return self._choice(picked, profile, survey_next=survey_next)
        if event.kind is EventKind.COMMAND or self.default.dialogue.is_command(event.value):
            # A greeting or "menu" before any unit: welcomed, not told it names no kecamatan.
            return self._choice(0, profile, self.chooser.welcome(), survey_next=survey_next)
        if choosing:
            return self._choice(
                state.page, profile, self.chooser.unknown(), survey_next=survey_next
            )
        return self._choice(0, profile, self.chooser.welcome(), survey_next=survey_next)

    async def _started(
        self,
        tx: Transaction,
        event: Event,
        current: ServedUnit | None,
        profile: ChannelProfile,
    ) -> tuple[ServedUnit, Event] | _Choice:
        """A start: a link or poster naming the unit, a ticket (its unit issued it), or none."""
        payload = event.value.strip()
        named = unit_of_payload(payload)
        if named is not None and named[0] in self.units:
            unit_id, poster = named
            return self.units[unit_id], dataclasses.replace(
                event, value=POSTER_PAYLOAD if poster else ""
            )
        if payload not in ("", POSTER_PAYLOAD) and len(payload) <= MAX_TOKEN_CHARS:
            issued_by = self.units.get(await ticket_unit(tx, payload) or "")
            if issued_by is not None:
                return issued_by, event
            if current is None:
                lead = self.default.content.texts.survey.ticket_unknown
                return self._choice(0, profile, lead)
        if current is None:
            poster = payload == POSTER_PAYLOAD
            return self._choice(0, profile, self.chooser.welcome(), survey_next=poster)
        return current, event

    def _choice(
        self, page: int, profile: ChannelProfile, lead: str = "", survey_next: bool = False
    ) -> _Choice:
        view = self.chooser.view(page, profile)
        state = DialogState(screen=Screen.UNITS, page=page, survey_next=survey_next)
        return _Choice(self.default.dialogue.replies(view, profile, lead), state)

    async def _converse(
        self,
        tx: Transaction,
        event: Event,
        ctx: StepContext,
        state: DialogState,
        unit: ServedUnit,
    ) -> list[Reply]:
        outcome = unit.dialogue.step(state, event, ctx)
        if outcome.change_unit:
            choice = self._choice(0, ctx.profile)
            await save_state(tx, event.channel, event.user_key, choice.state.to_json(), ctx.now)
            return choice.replies
        outcome = await self._store_submissions(tx, outcome, ctx, unit)
        receipts = [
            await self._store_complaint(tx, event, ctx, c, unit) for c in outcome.complaints
        ]
        after = outcome.state
        if self.several:
            after = after.model_copy(update={"unit": unit.id})
        await save_state(tx, event.channel, event.user_key, after.to_json(), ctx.now)
        return [*receipts, *outcome.replies]

    async def _store_complaint(
        self,
        tx: Transaction,
        event: Event,
        ctx: StepContext,
        complaint: tuple[str, str],
        unit: ServedUnit,
    ) -> Reply:
        kind, text = complaint
        address = event.address or event.user_key
        number = await add_complaint(
            tx, event.channel, event.user_key, address, kind, text, ctx.now
        )
        t = unit.content.texts
        # `tx` reads the unit's rows: the complaint reaches that unit's officials only.
        for official in await officials_with_role(tx, ("pejabat", "admin")):
            forward = t.officials.complaint_forward.format(
                kind_title=t.chat.complaint_kinds[kind],
                id=number,
                channel=event.channel,
                text=quoted(text, self.profile(official.channel)),
            )
            await enqueue(tx, official.channel, official.address, [Reply(forward)], ctx.now)
        if kind == "complaint":
            days = unit.content.unit.complaint_answer_days
            receipt = t.chat.complaint_received.format(id=number, days=days)
            if "complaint_answer_days" in unit.content.unit.unconfirmed_fields:
                receipt += "\n\n" + unit.dialogue.screens.caveat()
            return Reply(receipt)
        return Reply(t.chat.question_received.format(id=number))

    async def roles_of(
        self, channel: str, user_key: str, reader: Reader | None = None
    ) -> frozenset[str]:
        """A person's roles: those given by invitation, and admin for those in the settings."""
        roles = await roles_of(reader or self.db, channel, user_key)
        return roles | ({"admin"} if (channel, user_key) in self.admin_keys else set())

    async def register_admins(self, addresses: dict[tuple[str, str], str]) -> None:
        """Record the admins named in the settings, so reports and forwards can reach them.

        With several units and the kabupaten's desk wired they are the kabupaten's (they
        invite each unit's officials); otherwise the first unit's."""
        now = self.clock()
        async with self.default.db.transaction() as tx:
            if self.several and self.kabupaten_desk is not None:
                tx.unit = KABUPATEN
            for (channel, user_key), address in addresses.items():
                await add_official(
                    tx, channel, user_key, address, "admin", now, added_by="settings"
                )

    async def queue_reports(self, schedule: ReportSchedule, now: datetime | None = None) -> int:
        """Queue the report of the period the schedule last closed, for whoever lacks it:
        each unit's own summary to that unit's officials, and the kabupaten's roll-up."""
        now = now or self.clock()
        fire = schedule.latest_fire(now, self.timezone)
        queued = 0
        for unit in self.units.values():
            t = unit.content.texts.officials
            queued += await queue_scheduled_report(
                unit.db,
                unit.content,
                schedule,
                fire,
                now,
                self.timezone,
                unit.desk.summaries.summary_replies,
                t.report_intro.format(name=t.schedule_name(schedule.kind)),
            )
        if self.kabupaten_reports is not None:
            queued += await self.kabupaten_reports(schedule, now)
        return queued

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
        self,
        tx: Transaction,
        event: Event,
        now: datetime,
        state: DialogState,
        unit: ServedUnit,
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
        self, tx: Transaction, outcome: Outcome, ctx: StepContext, unit: ServedUnit
    ) -> Outcome:
        for response in outcome.submissions:
            if response.ticket_id is not None and not await use_ticket(
                tx, response.ticket_id, ctx.now
            ):
                # A second survey from the same ticket (two phones, one link): refused.
                view = unit.dialogue.screens.menu()
                lead = unit.content.texts.survey.ticket_used
                replies = unit.dialogue.replies(view, ctx.profile, lead)
                return Outcome(DialogState(), replies)
            await insert_response(tx, response)
        return outcome
