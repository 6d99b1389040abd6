"""The bot's timed work on APScheduler 3: the report schedules in the unit's timezone, and
flushing each channel's outbox. With Telegram this is PTB's JobQueue scheduler; without it,
a scheduler of the same kind."""

import logging
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from skm_core.conversation.engine import Engine
from skm_core.delivery.scheduled import SCHEDULES, ReportSchedule

log = logging.getLogger(__name__)

Flush = Callable[[], Awaitable[int]]
FORGET_EVENTS_EVERY_HOURS = 6


def schedule_jobs(
    scheduler: AsyncIOScheduler,
    engine: Engine,
    flushes: list[Flush],
    timezone: ZoneInfo,
    flush_interval_seconds: float,
) -> None:
    async def flush_all() -> None:
        for flush in flushes:
            try:
                await flush()
            except Exception:
                log.exception("flushing an outbox failed")

    async def report(schedule: ReportSchedule) -> None:
        queued = await engine.queue_reports(schedule)
        log.info("%s report queued for %d official(s)", schedule.kind, queued)
        await flush_all()

    for schedule in SCHEDULES:
        scheduler.add_job(
            report,
            trigger=CronTrigger(**schedule.cron(), timezone=timezone),
            args=[schedule],
            id=f"report-{schedule.kind}",
            replace_existing=True,
            # A stalled loop still sends; the ledger keeps a late firing from repeating.
            misfire_grace_time=3600,
            coalesce=True,
        )

    async def forget_events() -> None:
        forgotten = await engine.forget_old_events()
        log.info("forgot %d processed event id(s)", forgotten)

    # Start-up alone would keep a ledger growing for as long as the process runs.
    scheduler.add_job(
        forget_events,
        trigger="interval",
        hours=FORGET_EVENTS_EVERY_HOURS,
        id="forget-events",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        flush_all,
        trigger="interval",
        seconds=flush_interval_seconds,
        id="outbox",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        housekeeping,
        trigger=CronTrigger(hour=3, minute=0, timezone=timezone),
        args=[engine],
        id="housekeeping",
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=3600,
    )


async def housekeeping(engine: Engine) -> None:
    """Daily, not only at start-up: old event ids trimmed, and what sent messages kept for a
    status that never came (an address, a text) erased."""
    try:
        await engine.forget_old_events()
    except Exception:
        log.exception("housekeeping failed")
