"""The kabupaten's desk: the officials whose scope is every unit (`KABUPATEN`).

They read the units side by side for a period (/ringkasan), any one unit's summary exactly as
that unit's officials get it (/ringkasan anggana bulan lalu), export either (/ekspor), receive
the side-by-side on a schedule, and, as admins, invite officials into any unit or into the
kabupaten (/undang pejabat anggana, /undang pejabat kabupaten).

The same shape as `OfficialDesk` (wants, serves, handle), so the engine routes to it as it
routes a unit's official to their unit's desk.
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from skm_core.calendar.dates import local_datetime_text, period_label
from skm_core.calendar.periods import Period
from skm_core.content.deployment import Deployment
from skm_core.content.loader import Content
from skm_core.conversation.messages import Attachment, Event, Option, Reply
from skm_core.conversation.screens import MENU
from skm_core.conversation.survey import StepContext
from skm_core.conversation.text_split import split_text
from skm_core.delivery.scheduled import RECIPIENT_ROLES, ReportSchedule
from skm_core.desk.call import (
    Call,
    CommandTable,
    DeskResult,
    Handler,
    answer_now,
    command_of,
    text_reply,
)
from skm_core.desk.roles import (
    INVITATION_VALIDITY,
    ROLES,
    RoleDesk,
    default_subscription,
    new_code,
)
from skm_core.desk.summaries import REPORT_TEXT_LIMIT, SummaryDesk
from skm_core.reports.standings import Standings, build_standings, standings_text
from skm_core.storage.database import Database, Transaction
from skm_core.storage.deliveries import attach_message, claim_delivery, delivered
from skm_core.storage.officials import (
    Official,
    audit,
    create_invitation,
    officials_with_role,
    subscriptions,
)
from skm_core.storage.outbox import enqueue
from skm_core.storage.units import KABUPATEN

ADMIN = frozenset({"admin"})
REPORTS = frozenset({"admin", "pejabat"})
KABUPATEN_WORDS = ("kabupaten", "kab", KABUPATEN)
"""What names the kabupaten's own scope in /undang."""


def _words(text: str) -> str:
    return " ".join(text.casefold().replace("kecamatan", " ").split())


@dataclass(frozen=True)
class UnitNames:
    """The units of the deployment, in its order, and the words officials name them by."""

    units: Mapping[str, Content]

    def find(self, text: str) -> tuple[str | None, str]:
        """The unit the text starts with (its id, short name or name) and the rest."""
        words = text.split()
        for length in range(len(words), 0, -1):
            asked = _words(" ".join(words[:length]))
            for unit_id, content in self.units.items():
                if asked in (unit_id, _words(content.unit.short_name), _words(content.unit.name)):
                    return unit_id, " ".join(words[length:])
        return None, text

    def listing(self) -> str:
        return ", ".join(unit_id for unit_id in self.units)

    @property
    def example(self) -> str:
        return list(self.units)[-1]


class KabupatenDesk:
    def __init__(
        self,
        db: Database,
        units: Mapping[str, Content],
        region: str,
        timezone: ZoneInfo,
    ) -> None:
        if not units:
            raise ValueError("a kabupaten desk needs at least one unit")
        self.db = db
        self.units = dict(units)
        self.names = UnitNames(self.units)
        self.region = region
        self.timezone = timezone
        self.content = next(iter(self.units.values()))
        """The shared texts (every unit's texts are the shared ones and its overrides)."""
        scope = self.content.texts.kabupaten.scope_all.format(region=region)
        names = {unit_id: content.unit.name for unit_id, content in self.units.items()}
        self.roles = RoleDesk(
            self.content, timezone, scope_name=scope, unit_names={**names, KABUPATEN: scope}
        )
        self.summaries = {
            unit_id: SummaryDesk(content, db.for_unit(unit_id), timezone)
            for unit_id, content in self.units.items()
        }
        self._own = SummaryDesk(self.content, db, timezone)
        """Only for reading a period in the shared words."""
        commands: dict[str, tuple[frozenset[str], Handler]] = {
            "ringkasan": (REPORTS, self.summary),
            "ekspor": (REPORTS, self.export),
            "jadwal": (REPORTS, answer_now(self.roles.schedule)),
            "undang": (ADMIN, answer_now(self.invite)),
            "pejabat": (ADMIN, answer_now(self.roles.listing)),
            "hapus": (ADMIN, answer_now(self.roles.remove)),
        }
        self._commands = CommandTable(commands, self.roles.register)

    @classmethod
    def for_deployment(cls, db: Database, deployment: Deployment) -> "KabupatenDesk":
        """The desk of a deployment's kabupaten: its units in the deployment's order."""
        units = {content.unit.id: content for content in deployment.units}
        first = deployment.units[0]
        region = deployment.region
        name = region.name if region is not None else first.unit.regency
        zone = ZoneInfo(region.timezone if region is not None else first.unit.timezone)
        return cls(db, units, name, zone)

    def wants(self, event: Event) -> bool:
        return self._commands.wants(event)

    def serves(self, event: Event, roles: frozenset[str]) -> bool:
        return self._commands.serves(event, roles)

    async def handle(
        self, tx: Transaction, event: Event, ctx: StepContext, roles: frozenset[str]
    ) -> DeskResult | None:
        """The answer to a kabupaten official's command; None when it is not one."""
        name, args = command_of(event)
        call = Call(tx, event, ctx, roles, name, args)
        return await self._commands.answer(call)

    # --- reading ---------------------------------------------------------------------------

    def _today(self, call: Call) -> date:
        return call.ctx.now.astimezone(self.timezone).date()

    def _usage(self) -> DeskResult:
        t = self.content.texts.kabupaten
        text = t.usage.format(units=self.names.listing(), example=self.names.example)
        return DeskResult(text_reply(text, self.content.texts.chat.opt_menu))

    def _unit_or_period(self, call: Call) -> tuple[str | None, str, Period | DeskResult]:
        """The unit named first (if any), the words naming the period, and the period."""
        unit_id, rest = self.names.find(call.args)
        period = self._own.period(rest, self._today(call))
        if isinstance(period, DeskResult) and unit_id is None:
            return None, rest, self._usage()
        return unit_id, rest, period

    async def summary(self, call: Call) -> DeskResult:
        unit_id, rest, period = self._unit_or_period(call)
        if isinstance(period, DeskResult):
            return period
        if unit_id is not None:
            # Exactly what the unit's own officials read, from the unit's own rows.
            return await self.summaries[unit_id].summary(replace(call, args=rest))

        async def later() -> list[Reply]:
            return self.standings_replies(await self.standings(period, call.ctx.now))

        return DeskResult(later=later)

    async def export(self, call: Call) -> DeskResult:
        unit_id, rest, period = self._unit_or_period(call)
        if isinstance(period, DeskResult):
            return period
        if unit_id is not None:
            return await self.summaries[unit_id].export(replace(call, args=rest))
        await audit(call.tx, call.ctx.now, call.actor, "report.export_kabupaten", period.key())

        async def later() -> list[Reply]:
            return await self.export_replies(await self.standings(period, call.ctx.now))

        return DeskResult(later=later)

    async def standings(self, period: Period, now: datetime) -> Standings:
        return await build_standings(self.db, self.units, self.region, period, now, self.timezone)

    def standings_replies(self, standings: Standings) -> list[Reply]:
        """The side-by-side as messages a phone shows whole."""
        pieces = split_text(standings_text(standings, self.content), REPORT_TEXT_LIMIT)
        menu = (Option(MENU, self.content.texts.chat.opt_menu),)
        replies = [Reply(piece) for piece in pieces[:-1]]
        return [*replies, Reply(pieces[-1], menu)]

    async def export_replies(self, standings: Standings) -> list[Reply]:
        from skm_core.reports.standings_export import standings_csv, standings_xlsx

        t = self.content.texts.kabupaten
        label = period_label(standings.period, self.content.texts)
        stem = f"skm-kabupaten-{standings.period.first.isoformat()}"
        files = (
            ("xlsx", await asyncio.to_thread(standings_xlsx, standings, self.content)),
            ("csv", standings_csv(standings, self.content)),
        )
        replies = []
        for kind, data in files:
            caption = t.export_caption.format(kind=t.export_kinds[kind], period=label)
            attachment = Attachment("document", f"{stem}.{kind}", data, caption)
            replies.append(Reply(caption, (), attachment))
        return replies

    # --- officials ---------------------------------------------------------------------------

    async def invite(self, call: Call) -> list[Reply]:
        """/undang PERAN KECAMATAN (or kabupaten): an invitation into that scope."""
        t = self.content.texts
        words = call.args.split(maxsplit=1)
        role = words[0].casefold() if words else ""
        target = words[1].strip() if len(words) > 1 else ""
        unit_id: str | None = None
        if target.casefold() in KABUPATEN_WORDS:
            unit_id, scope = KABUPATEN, self.roles.scope_name or self.region
        else:
            unit_id, rest = self.names.find(target)
            if unit_id is not None and not rest:
                scope = self.units[unit_id].unit.name
            else:
                unit_id = None
        if role not in ROLES or unit_id is None:
            usage = t.kabupaten.invite_usage.format(
                units=self.names.listing(), example=self.names.example
            )
            return text_reply(usage, t.chat.opt_menu)
        code = new_code()
        expires = call.ctx.now + INVITATION_VALIDITY
        await create_invitation(
            call.tx, code, role, call.ctx.now, expires, call.actor, unit=unit_id
        )
        await audit(call.tx, call.ctx.now, call.actor, "official.invite", f"{role}@{unit_id}")
        when = local_datetime_text(expires, self.timezone, t)
        text = t.officials.invite_created.format(
            role=t.officials.role_name(role), unit=scope, code=code, expires=when
        )
        return text_reply(text, t.chat.opt_menu)


# --- scheduled ------------------------------------------------------------------------------


async def queue_kabupaten_reports(
    db: Database,
    desk: KabupatenDesk,
    schedule: ReportSchedule,
    now: datetime,
) -> int:
    """Queue the side-by-side of the period the schedule last closed for every kabupaten
    official who should get it and has not yet (the ledger makes it once per period per
    official, whoever fires it and however often); returns how many were queued."""
    fire = schedule.latest_fire(now, desk.timezone)
    period = schedule.closed_period(fire, desk.timezone)
    recipients: list[Official] = []
    seen: set[tuple[str, str]] = set()
    for official in await officials_with_role(db, RECIPIENT_ROLES, unit=KABUPATEN):
        if official.added_at > fire or (official.channel, official.address) in seen:
            continue
        chosen = await subscriptions(db, official.id)
        if chosen.get(schedule.kind, default_subscription(official.role)):
            recipients.append(official)
            seen.add((official.channel, official.address))
    key = period.key()
    pending = [o for o in recipients if not await delivered(db, schedule.kind, key, o.id)]
    if not pending:
        return 0
    t = desk.content.texts
    intro = t.kabupaten.report_intro.format(name=t.officials.schedule_name(schedule.kind))
    replies = [Reply(intro), *desk.standings_replies(await desk.standings(period, now))]
    queued = 0
    for official in pending:
        async with db.transaction() as tx:
            if not await claim_delivery(tx, schedule.kind, key, official.id, now):
                continue
            outbox_id = await enqueue(tx, official.channel, official.address, replies, now)
            await attach_message(tx, schedule.kind, key, official.id, outbox_id)
            queued += 1
    return queued
