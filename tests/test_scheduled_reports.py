"""Scheduled reports: which period each schedule closes, and once per period per official."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from skm_core.calendar.periods import PeriodKind
from skm_core.conversation.messages import Reply
from skm_core.delivery.scheduled import SCHEDULES, ReportSchedule, queue_scheduled_report
from skm_core.reports.summary import Summary
from skm_core.storage.officials import add_official, set_subscription
from skm_core.storage.outbox import due_messages

WITA = ZoneInfo("Asia/Makassar")
WEEKLY, MONTHLY, SEMESTER = SCHEDULES


def wita(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=WITA)


@pytest.mark.parametrize(
    ("schedule", "now", "fire"),
    [
        (WEEKLY, wita(2026, 11, 30, 8, 0), wita(2026, 11, 30, 8, 0)),  # a Monday, on the dot
        (WEEKLY, wita(2026, 11, 30, 7, 59), wita(2026, 11, 23, 8, 0)),
        (WEEKLY, wita(2026, 12, 2, 13, 0), wita(2026, 11, 30, 8, 0)),
        (MONTHLY, wita(2026, 12, 1, 9, 0), wita(2026, 12, 1, 8, 0)),
        (MONTHLY, wita(2026, 12, 1, 7, 0), wita(2026, 11, 1, 8, 0)),
        (SEMESTER, wita(2026, 11, 28, 12, 0), wita(2026, 7, 1, 8, 0)),
        (SEMESTER, wita(2027, 1, 1, 8, 30), wita(2027, 1, 1, 8, 0)),
    ],
)
def test_latest_fire_in_the_units_time(schedule, now, fire):
    assert schedule.latest_fire(now.astimezone(UTC), WITA) == fire


@pytest.mark.parametrize(
    ("schedule", "fire", "kind", "first", "last"),
    [
        (WEEKLY, wita(2026, 11, 30, 8), PeriodKind.WEEK, "2026-11-23", "2026-11-29"),
        (MONTHLY, wita(2026, 12, 1, 8), PeriodKind.MONTH, "2026-11-01", "2026-11-30"),
        (SEMESTER, wita(2027, 1, 1, 8), PeriodKind.SEMESTER, "2026-07-01", "2026-12-31"),
        (SEMESTER, wita(2026, 7, 1, 8), PeriodKind.SEMESTER, "2026-01-01", "2026-06-30"),
    ],
)
def test_the_period_closed_at_each_fire(schedule, fire, kind, first, last):
    period = schedule.closed_period(fire, WITA)
    assert (period.kind, period.first.isoformat(), period.last.isoformat()) == (kind, first, last)


@pytest.mark.parametrize("schedule", SCHEDULES)
def test_the_cron_trigger_fires_when_latest_fire_says(schedule):
    trigger = CronTrigger(**schedule.cron(), timezone=WITA)
    after = wita(2026, 11, 28, 12, 0)
    following = trigger.get_next_fire_time(None, after)
    assert following.tzinfo is not None
    assert schedule.latest_fire(following, WITA) == following
    assert schedule.latest_fire(following - timedelta(minutes=1), WITA) < following


async def render(summary: Summary) -> list[Reply]:
    return [Reply(f"ringkasan {summary.period.key()} responden {summary.respondents}")]


async def queue(db, content, schedule: ReportSchedule, now: datetime) -> int:
    fire = schedule.latest_fire(now, WITA)
    return await queue_scheduled_report(
        db, content, schedule, fire, now, WITA, render, "Laporan terjadwal"
    )


async def official(db, user: str, role: str, added: datetime) -> int:
    async with db.transaction() as tx:
        await add_official(tx, "telegram", user, f"chat-{user}", role, added)
        row = await tx.fetch_one("SELECT id FROM officials WHERE user_key = ?", (user,))
    return int(row[0])


async def test_each_official_gets_each_period_once(db, content):
    await official(db, "camat", "pejabat", wita(2026, 11, 1, 9))
    now = wita(2026, 11, 30, 8, 0, 5)
    assert await queue(db, content, WEEKLY, now) == 1
    assert await queue(db, content, WEEKLY, now + timedelta(minutes=1)) == 0  # a duplicate fire
    assert await queue(db, content, WEEKLY, now + timedelta(hours=3)) == 0  # a catch-up later
    [message] = await due_messages(db, "telegram", now + timedelta(hours=3))
    assert message.address == "chat-camat"
    assert "week:2026-11-23..2026-11-29" in message.replies[1].text


async def test_a_catch_up_after_downtime_sends_the_missed_report(db, content):
    await official(db, "camat", "pejabat", wita(2026, 11, 1, 9))
    # The bot was down from Sunday to Tuesday: started again, it queues Monday's report.
    assert await queue(db, content, WEEKLY, wita(2026, 12, 1, 10)) == 1


async def test_no_report_for_a_period_closed_before_the_official_joined(db, content):
    await official(db, "camat", "pejabat", wita(2026, 11, 30, 9))
    assert await queue(db, content, WEEKLY, wita(2026, 11, 30, 10)) == 0
    assert await queue(db, content, WEEKLY, wita(2026, 12, 7, 8, 1)) == 1


async def test_subscriptions_decide_who_receives(db, content):
    camat = await official(db, "camat", "pejabat", wita(2026, 11, 1))
    await official(db, "loket", "petugas", wita(2026, 11, 1))
    await official(db, "admin", "admin", wita(2026, 11, 1))
    async with db.transaction() as tx:
        await set_subscription(tx, camat, "monthly", False)
    assert await queue(db, content, MONTHLY, wita(2026, 12, 1, 8, 5)) == 0
    assert await queue(db, content, WEEKLY, wita(2026, 11, 30, 8, 5)) == 1  # only the camat
