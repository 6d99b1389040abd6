"""`python -m bench.kill_two [--rounds N] [--database-url URL]`: two `skm run` processes on one
PostgreSQL database, one of them SIGKILLed at random moments, under a survey load.

Both processes take Telegram webhooks; the fake Telegram posts each update to either of them,
to the other when a post fails, and redelivers some updates answered 200 to the other one.
Meanwhile citizens fill in surveys and an official is owed the scheduled reports of a month.
Afterwards it checks the one-process run's checks (no finished survey lost or counted twice,
answers as given, every unfinished survey resumes) and: every update answered 200 was
processed, each update's replies came from one post of it only, each due report was queued
once and reached the official (a part twice only when a kill cut the sender between sending it
and recording it), and the shared outbox is drained. Without `--database-url` it starts a
throw-away PostgreSQL 15 (Debian's `postgresql-15`). Exits 1 on any violation.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import shutil
import socket
import sys
import tempfile
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import monotonic
from zoneinfo import ZoneInfo

from bench.kill import EARLY_KILL_SHARE, READY_TIMEOUT_S, Run
from bench.kill_checks import check_database, check_resumed, query
from bench.kill_two_checks import (
    TwoProcessReport,
    check_acknowledged,
    check_replies,
    check_reports,
)
from bench.process import BotProcess
from bench.webhook_feed import SECRET, Endpoint, OriginBotApi, WebhookFeed, serve_with_origins
from skm_core.content import Content, load_content, shipped_content_dir
from skm_core.delivery.scheduled import SCHEDULES
from skm_core.pseudonym import Pseudonymizer, load_or_create_key
from skm_core.storage import Database
from skm_core.storage.officials import add_official
from tests.postgres_server import Unavailable, postgres_server

FIRST_CHAT = 70_000
OFFICIAL = 69_999
JOINED_DAYS_AGO = 31
OUTBOX_TIMEOUT_S = 60.0
QUEUED_REPORTS = "SELECT COUNT(*) FROM report_deliveries"
UNSENT = "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def reports_due(joined: datetime, now: datetime, tz: ZoneInfo) -> int:
    """Reports whose schedule fired since the official joined (the last of each kind)."""
    return sum(s.latest_fire(now, tz) > joined for s in SCHEDULES)


async def add_the_official(data_dir: Path, database_url: str, joined: datetime) -> None:
    key = Pseudonymizer(load_or_create_key(data_dir / "pseudonym.key"))
    user_key = key.user_key("telegram", str(OFFICIAL))
    async with await Database.open(database_url) as db, db.transaction() as tx:
        await add_official(tx, "telegram", user_key, str(OFFICIAL), "pejabat", joined)


@dataclass
class Slot:
    endpoint: Endpoint
    process: BotProcess | None = None

    @property
    def name(self) -> str:
        return self.endpoint.name

    def ready(self) -> bool:
        try:
            url = f"http://127.0.0.1:{self.endpoint.port}/health"
            with urllib.request.urlopen(url, timeout=1) as answer:
                return int(answer.status) == 200
        except OSError:
            return False


@dataclass
class TwoProcessRun(Run):
    database_url: str = ""
    slots: list[Slot] = field(default_factory=list)
    killed: set[int] = field(default_factory=set)
    """Process generations ended by SIGKILL."""
    generations: itertools.count[int] = field(default_factory=itertools.count)

    def start(self, slot: Slot) -> None:
        generation = next(self.generations)
        settings = {
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.invalid/telegram",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "SKM_HTTP_PORT": str(slot.endpoint.port),
            "SKM_DATABASE_URL": self.database_url,
            "SKM_OUTBOX_INTERVAL_SECONDS": "0.2",
        }
        slot.endpoint.generation = generation
        base_url = f"{self.base_url}/g{generation}/bot"
        log = f"skm-{slot.name}.log"
        slot.process = BotProcess(self.data_dir, base_url, settings, log_name=log)

    def kill_slot(self, slot: Slot, moment: str) -> None:
        assert slot.process is not None
        slot.process.kill()
        self.killed.add(slot.endpoint.generation)
        self.driver.kills += 1
        self.kill_moments.append(f"process {slot.name}: {moment}")

    def wait_slot(self, slot: Slot, deadline: float | None = None) -> bool:
        """Load runs while the process starts; True once it answers, False at the deadline."""
        give_up = monotonic() + READY_TIMEOUT_S
        while not slot.ready():
            if deadline is not None and monotonic() >= deadline:
                return False
            if monotonic() > give_up:
                raise RuntimeError(f"process {slot.name} did not start; see skm-{slot.name}.log")
            self.tick(0.05)
        return True

    def kill_round(self) -> None:
        slot = self.rng.choice(self.slots)
        delay = self.rng.uniform(0.3, 3.0)
        self.load_for(delay)
        self.kill_slot(slot, f"{delay:.2f} s into the load")
        # Down for a moment: the other process takes every post meanwhile.
        self.load_for(self.rng.uniform(0.0, 0.5))
        started = monotonic()
        self.start(slot)
        if self.rng.random() < EARLY_KILL_SHARE:
            early = self.rng.uniform(0.05, 0.6)
            if not self.wait_slot(slot, deadline=started + early):
                self.kill_slot(slot, f"{early:.2f} s after its start, before it answered")
                self.start(slot)
        self.wait_slot(slot)

    def wait_outbox(self, due: int) -> None:
        """Give the processes time to queue every due report and send the whole outbox."""
        give_up = monotonic() + OUTBOX_TIMEOUT_S
        while monotonic() < give_up:
            (queued,) = query(self.data_dir, self.database_url, QUEUED_REPORTS)[0]
            (unsent,) = query(self.data_dir, self.database_url, UNSENT)[0]
            if queued >= due and not unsent:
                return
            self.tick(0.2)


def execute(
    rounds: int, active: int, seed: int, work: Path, content: Content, database_url: str
) -> TwoProcessReport:
    api = OriginBotApi()
    data_dir = work / "data"
    now = datetime.now(UTC)
    joined = now - timedelta(days=JOINED_DAYS_AGO)
    data_dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(add_the_official(data_dir, database_url, joined))
    due = reports_due(joined, now, ZoneInfo(content.unit.timezone))
    endpoints = [Endpoint("A", free_port()), Endpoint("B", free_port())]
    feed = WebhookFeed(api, endpoints, seed)
    with serve_with_origins(api) as root, feed.running():
        run = TwoProcessRun(
            api, root, data_dir, content, random.Random(seed), active, database_url=database_url
        )
        run.slots = [Slot(e) for e in endpoints]
        run.add_citizens()
        try:
            for slot in run.slots:
                run.start(slot)
            for slot in run.slots:
                run.wait_slot(slot)
            for _ in range(rounds):
                run.kill_round()
            run.quiesce()
            last = run.rng.choice(run.slots)
            run.kill_slot(last, "after every citizen stopped mid-survey")
            run.start(last)
            run.wait_slot(last)
            resumed = run.ask_to_resume()
            run.wait_outbox(due)
        finally:
            for slot in run.slots:
                if slot.process is not None:
                    slot.process.stop()
    report = TwoProcessReport(seed=seed, rounds=rounds, kills=run.kill_moments)
    report.reports_due = due
    report.redelivered = feed.redelivered
    report.load(run.citizens, run.driver, api)
    check_database(report, run.citizens, api, data_dir, content, database_url)
    check_resumed(report, resumed)
    check_acknowledged(report, feed.deliveries, report.update_ids, data_dir, database_url)
    check_replies(report, api.log, feed.deliveries, {c.chat_id for c in run.citizens})
    check_reports(report, api.log, OFFICIAL, run.killed, data_dir, database_url)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.kill_two", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="kills under load (default 5)")
    parser.add_argument("--citizens", type=int, default=12, help="citizens at once (default 12)")
    parser.add_argument("--seed", type=int, help="for the random moments (default: random)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: start one)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    content = load_content(shipped_content_dir())
    work = Path(tempfile.mkdtemp(prefix="skm-kill-two-"))
    try:
        if args.database_url:
            report = execute(args.rounds, args.citizens, seed, work, content, args.database_url)
        else:
            with postgres_server() as server:
                url = server.new_database()
                report = execute(args.rounds, args.citizens, seed, work, content, url)
    except Unavailable as reason:
        print(f"no PostgreSQL: {reason}; give one with --database-url")
        return 1
    except RuntimeError as exc:
        print(f"FAILED (seed {seed}): {exc}; the bots' logs are in {work}")
        return 1
    print(report.render())
    if report.violations:
        print(f"FAILED: {len(report.violations)} violation(s); the bots' logs are in {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("OK: no violation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
