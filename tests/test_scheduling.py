"""The bot's timed work: processed event ids are forgotten on a schedule, not only at start."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.scheduling import FORGET_EVENTS_EVERY_HOURS, schedule_jobs
from skm_core.conversation.engine import Engine
from skm_core.storage.conversations import claim_event

NOW = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)


async def test_old_event_ids_are_forgotten_by_a_scheduled_job(db, content):
    engine = Engine(db, content, clock=lambda: NOW)
    async with db.transaction() as tx:
        await claim_event(tx, "telegram", "old", "k", NOW - timedelta(days=8))
        await claim_event(tx, "telegram", "new", "k", NOW - timedelta(hours=1))
    scheduler = AsyncIOScheduler(timezone=ZoneInfo("Asia/Makassar"))
    schedule_jobs(scheduler, engine, [], ZoneInfo("Asia/Makassar"), 3)
    job = scheduler.get_job("forget-events")
    assert job.trigger.interval == timedelta(hours=FORGET_EVENTS_EVERY_HOURS)
    await job.func()
    assert await db.fetch_all("SELECT COUNT(*) FROM processed_events") == [(1,)]
