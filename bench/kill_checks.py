"""What the kill run checks, comparing the database with what the fake Bot API saw."""

import json
import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from bench.citizens import THANKS
from bench.fake_api import TrackingBotApi
from bench.kill_citizens import PROGRESS, RESUMED, Citizen, Driver, SurveyPlan, plan_for
from skm_core.content import Content
from skm_core.pseudonym import Pseudonymizer, load_or_create_key
from skm_core.storage.conversations import event_digest

CHECKS = {
    "lost": "every survey the bot thanked for is stored",
    "twice": "no survey is stored twice",
    "answers": "every stored answer is the one the citizen gave",
    "unsent": "nothing is stored that a citizen did not send",
    "continued": "during the load, every survey continued at its question after each restart",
    "resumed": "after the last kill, every unfinished survey resumes at its question",
}


@dataclass
class Report:
    seed: int
    rounds: int
    kills: list[str]
    citizens: int = 0
    pushed: int = 0
    retried: int = 0
    thanked: int = 0
    stored: int = 0
    without_thanks: int = 0
    resumed: int = 0
    never_processed: int = 0
    """Updates the bot took from the Bot API and was killed before handling."""
    update_ids: list[int] = field(default_factory=list)
    failures: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in CHECKS})

    @property
    def violations(self) -> list[str]:
        return [v for found in self.failures.values() for v in found]

    def load(self, citizens: list[Citizen], driver: Driver, api: TrackingBotApi) -> None:
        self.citizens = len(citizens)
        self.update_ids = list(driver.update_ids)
        self.pushed, self.retried = len(driver.update_ids), driver.retries
        self.thanked = sum(_thanks(api, c) for c in citizens)
        for citizen in citizens:
            self.failures["continued"] += citizen.violations

    def render(self) -> str:
        lines = [
            f"kill run: seed {self.seed}, {self.rounds} kill(s) under load, "
            f"{self.citizens} citizens in all",
            "kills (SIGKILL):",
            *[f"  {n}. {moment}" for n, moment in enumerate(self.kills, start=1)],
            f"load: {self.pushed} updates pushed, {self.retried} repeated after a crash lost "
            f"them or their answer",
            f"updates taken from the Bot API but never handled (lost with the process): "
            f"{self.never_processed}",
            f"surveys: {self.thanked} thank-you messages seen, {self.stored} rows stored, "
            f"{self.without_thanks} stored whose thank-you was lost in a crash",
            f"unfinished surveys checked after the last restart: {self.resumed}",
            "checks:",
        ]
        for key, label in CHECKS.items():
            found = self.failures[key]
            lines.append(f"  [{'ok' if not found else 'FAIL'}] {label}")
            lines += [f"        {v}" for v in found[:10]]
            if len(found) > 10:
                lines.append(f"        ... and {len(found) - 10} more")
        return "\n".join(lines)


def _thanks(api: TrackingBotApi, citizen: Citizen) -> int:
    return sum(THANKS in text for text in api.texts_to(citizen.chat_id))


def query(data_dir: Path, database_url: str | None, sql: str) -> list[tuple[Any, ...]]:
    """Rows of the run's database: the data directory's SQLite file, or PostgreSQL."""
    if database_url is not None:
        with psycopg.connect(database_url) as pg:
            return [tuple(r) for r in pg.execute(sql.encode()).fetchall()]
    with closing(sqlite3.connect(data_dir / "skm.sqlite3")) as db:
        return [tuple(r) for r in db.execute(sql).fetchall()]


def processed_ids(data_dir: Path, database_url: str | None = None) -> set[str]:
    """Digests of the Telegram updates the bot processed."""
    sql = "SELECT event_id FROM processed_events WHERE channel = 'telegram'"
    return {str(r[0]) for r in query(data_dir, database_url, sql)}


def _stored(
    data_dir: Path, database_url: str | None
) -> list[tuple[str, str, dict[str, object], tuple[int, ...]]]:
    rows = query(
        data_dir,
        database_url,
        "SELECT respondent_key, service_id, profile, u1, u2, u3, u4, u5, u6, u7, u8, u9"
        " FROM survey_responses WHERE channel = 'telegram'",
    )
    return [(r[0], r[1], json.loads(r[2]), tuple(r[3:])) for r in rows]


def _expected_profile(plan: SurveyPlan, content: Content) -> dict[str, object]:
    ids = {o.label: o.id for q in content.survey.profile for o in q.options}
    return {
        "jenis_kelamin": ids[plan.gender],
        "usia": plan.age,
        "pendidikan": ids[plan.education],
        "pekerjaan": ids[plan.work],
    }


def _plan_of(citizen: Citizen, service_id: str, content: Content) -> SurveyPlan | None:
    for survey in range(len(content.services)):
        plan = plan_for(citizen.chat_id, survey, content)
        if plan.service_id == service_id:
            return plan
    return None


def check_database(
    report: Report,
    citizens: list[Citizen],
    api: TrackingBotApi,
    data_dir: Path,
    content: Content,
    database_url: str | None = None,
) -> None:
    """`database_url`: the run's PostgreSQL; None for the data directory's SQLite file."""
    pseudonyms = Pseudonymizer(load_or_create_key(data_dir / "pseudonym.key"))
    by_key = {pseudonyms.user_key("telegram", str(c.chat_id)): c for c in citizens}
    rows = _stored(data_dir, database_url)
    report.stored = len(rows)
    processed = processed_ids(data_dir, database_url)
    report.never_processed = sum(
        event_digest("telegram", str(u)) not in processed for u in report.update_ids
    )
    per_citizen: dict[int, Counter[str]] = {c.chat_id: Counter() for c in citizens}
    for key, service, profile, answers in rows:
        citizen = by_key.get(key)
        if citizen is None:
            report.failures["unsent"].append(f"a {service} survey from nobody of this run")
            continue
        per_citizen[citizen.chat_id][service] += 1
        _check_row(report, citizen, service, profile, answers, content)
    for citizen in citizens:
        _check_counts(report, citizen, per_citizen[citizen.chat_id], _thanks(api, citizen))


def _check_row(
    report: Report,
    citizen: Citizen,
    service: str,
    profile: dict[str, object],
    answers: tuple[int, ...],
    content: Content,
) -> None:
    plan = _plan_of(citizen, service, content)
    if service not in citizen.sent or plan is None:
        report.failures["unsent"].append(f"chat {citizen.chat_id}: {service} was never sent")
        return
    if answers != plan.scores or profile != _expected_profile(plan, content):
        report.failures["answers"].append(
            f"chat {citizen.chat_id}, {service}: stored {answers} {profile}, "
            f"given {plan.scores} {_expected_profile(plan, content)}"
        )


def _check_counts(report: Report, citizen: Citizen, stored: Counter[str], thanks: int) -> None:
    chat = citizen.chat_id
    for service, count in stored.items():
        if count > 1:
            report.failures["twice"].append(f"chat {chat}: {service} stored {count} times")
    missing = [s for s in citizen.thanked if s not in stored]
    if missing or thanks > sum(stored.values()):
        report.failures["lost"].append(
            f"chat {chat}: {thanks} thank-you(s) but {sum(stored.values())} row(s);"
            f" missing {missing}"
        )
    report.without_thanks += max(0, len(stored) - thanks)


def check_resumed(report: Report, answers: list[tuple[Citizen, str]]) -> None:
    report.resumed = len(answers)
    for citizen, text in answers:
        shown = PROGRESS.search(text)
        number = int(shown[1]) if shown else None
        if RESUMED not in text or number != citizen.stop_at:
            report.failures["resumed"].append(
                f"chat {citizen.chat_id}: stopped at question {citizen.stop_at}, "
                f"'/survei' answered {text[:80]!r}"
            )
