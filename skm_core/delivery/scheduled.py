"""Reports that reach officials on a schedule, once per period per official.

A schedule fires at a local time (Monday 08:00 for the week before, the 1st at 08:00 for the
month before, 1 January and 1 July at 08:00 for the semester before). The scheduler is not
trusted to fire exactly once: a ledger row per (report, period, official), written in the same
transaction as the message it queues, makes a second firing (or a catch-up after downtime)
queue nothing twice. Who fires, and when, is the bot's business; this module only answers
"which period has closed by this moment" and queues the messages.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from skm_core.calendar.periods import Period, month_of, semester_of, week_of
from skm_core.content.loader import Content
from skm_core.conversation.messages import Reply
from skm_core.reports.summary import Summary, build_summary
from skm_core.storage.database import Database
from skm_core.storage.deliveries import attach_message, claim_delivery, delivered
from skm_core.storage.officials import Official, officials_with_role, subscriptions
from skm_core.storage.outbox import enqueue

FIRE_TIME = time(8, 0)
RECIPIENT_ROLES = ("pejabat", "admin")


@dataclass(frozen=True)
class ReportSchedule:
    kind: str  # weekly | monthly | semester

    def fires_on(self, day: date) -> bool:
        if self.kind == "weekly":
            return day.weekday() == 0
        if self.kind == "monthly":
            return day.day == 1
        return day.day == 1 and day.month in (1, 7)

    def latest_fire(self, now: datetime, tz: ZoneInfo) -> datetime:
        """The last moment at or before `now` when this schedule fired (local time)."""
        local = now.astimezone(tz)
        day = local.date()
        if local.time() < FIRE_TIME:
            day -= timedelta(days=1)
        while not self.fires_on(day):
            day -= timedelta(days=1)
        return datetime.combine(day, FIRE_TIME, tzinfo=tz)

    def closed_period(self, fire: datetime, tz: ZoneInfo) -> Period:
        """The period that closed just before the schedule fired."""
        yesterday = fire.astimezone(tz).date() - timedelta(days=1)
        if self.kind == "weekly":
            return week_of(yesterday)
        if self.kind == "monthly":
            return month_of(yesterday)
        return semester_of(yesterday)

    def cron(self) -> dict[str, str]:
        """APScheduler cron fields (in the unit's timezone)."""
        fields = {"hour": str(FIRE_TIME.hour), "minute": str(FIRE_TIME.minute)}
        if self.kind == "weekly":
            return {**fields, "day_of_week": "mon"}
        if self.kind == "monthly":
            return {**fields, "day": "1"}
        return {**fields, "month": "1,7", "day": "1"}


SCHEDULES = tuple(ReportSchedule(kind) for kind in ("weekly", "monthly", "semester"))

RenderSummary = Callable[[Summary], Awaitable[list[Reply]]]


def _wants(official: Official, chosen: dict[str, bool], kind: str) -> bool:
    return chosen.get(kind, official.role == "pejabat")


async def queue_scheduled_report(
    db: Database,
    content: Content,
    schedule: ReportSchedule,
    fire: datetime,
    now: datetime,
    tz: ZoneInfo,
    render: RenderSummary,
    intro: str,
) -> int:
    """Queue the report of the period closed at `fire` for every official who should get it
    and has not yet; returns how many were queued."""
    period = schedule.closed_period(fire, tz)
    recipients: list[Official] = []
    seen: set[tuple[str, str]] = set()
    for official in await officials_with_role(db, RECIPIENT_ROLES):
        # An official added after the schedule fired gets the next report, not this one.
        if official.added_at > fire or (official.channel, official.address) in seen:
            continue
        if _wants(official, await subscriptions(db, official.id), schedule.kind):
            recipients.append(official)
            seen.add((official.channel, official.address))
    key = period.key()
    pending = [o for o in recipients if not await delivered(db, schedule.kind, key, o.id)]
    if not pending:
        return 0
    summary = await build_summary(db, content, period, now, tz)
    replies = [Reply(intro), *await render(summary)]
    queued = 0
    for official in pending:
        async with db.transaction() as tx:
            if not await claim_delivery(tx, schedule.kind, key, official.id, now):
                continue
            outbox_id = await enqueue(tx, official.channel, official.address, replies, now)
            await attach_message(tx, schedule.kind, key, official.id, outbox_id)
            queued += 1
    return queued
