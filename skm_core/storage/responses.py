"""Survey responses: storing them and aggregating them in SQL."""

import asyncio
import json
import sqlite3
from collections.abc import AsyncGenerator, Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path

from skm_core.ikm.compute import Tally
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage.database import (
    BUSY_TIMEOUT_MS,
    Database,
    Params,
    Reader,
    Row,
    Transaction,
    format_utc,
    parse_utc,
)

_INSERT = (
    "INSERT INTO survey_responses (unit_id, submitted_at, service_id, channel, respondent_key,"
    " ticket_id, ticketed, profile, u1, u2, u3, u4, u5, u6, u7, u8, u9, suggestion,"
    " import_batch, questionnaire_version)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

_TALLY_COLUMNS = ", ".join(
    [f"COALESCE(SUM(u{i}), 0)" for i in range(1, 10)] + [f"COUNT(u{i})" for i in range(1, 10)]
)


def _row(unit: str, response: SurveyResponse) -> tuple[object, ...]:
    return (
        unit,
        format_utc(response.submitted_at),
        response.service_id,
        response.channel,
        response.respondent_key,
        response.ticket_id,
        1 if response.ticket_id is not None else 0,
        json.dumps(dict(response.profile), ensure_ascii=False, sort_keys=True),
        *response.answers,
        response.suggestion,
        response.import_batch,
        response.questionnaire_version,
    )


IMPORT_BATCH_ROWS = 2000
"""Rows written per transaction by an import: a few tens of milliseconds of the write lock,
a small fraction of the busy timeout a conversation's write waits at most."""


async def insert_in_batches(
    db: Database, responses: Iterable[SurveyResponse], batch_rows: int = IMPORT_BATCH_ROWS
) -> int:
    """Many responses in short transactions, each releasing the write lock, so that a bot
    running beside an import never meets `database is locked`. The responses are taken as
    they come, so memory holds one batch. Still all or nothing: if reading or writing a batch
    fails, the batches already written are deleted again."""
    written: list[tuple[int, int]] = []
    count = 0
    source = iter(responses)
    try:
        while rows := [_row(db.unit, r) for r in islice(source, batch_rows)]:
            async with db.transaction(begin_now=True) as tx:
                before = await tx.fetch_one("SELECT COALESCE(MAX(id), 0) FROM survey_responses")
                await tx.execute_many(_INSERT, rows)
                after = await tx.fetch_one("SELECT COALESCE(MAX(id), 0) FROM survey_responses")
            written.append((int(before[0]) if before else 0, int(after[0]) if after else 0))
            count += len(rows)
    except BaseException:
        async with db.transaction() as tx:
            for low, high in written:
                await tx.execute(
                    "DELETE FROM survey_responses WHERE unit_id = ? AND id > ? AND id <= ?",
                    (db.unit, low, high),
                )
        raise
    return count


async def insert_response(tx: Transaction, response: SurveyResponse) -> int:
    return await tx.insert(_INSERT, _row(tx.unit, response))


async def insert_responses(tx: Transaction, responses: Iterable[SurveyResponse]) -> int:
    rows = [_row(tx.unit, r) for r in responses]
    await tx.execute_many(_INSERT, rows)
    return len(rows)


_ROLLUP_COLUMNS = ", ".join(
    [f"COALESCE(SUM(s{i}), 0)" for i in range(1, 10)]
    + [f"COALESCE(SUM(c{i}), 0)" for i in range(1, 10)]
)


def _on_the_hour(moment: datetime | None) -> bool:
    return moment is None or (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)


def _hour(moment: datetime) -> str:
    return format_utc(moment)[:13]


def _where(
    unit: str, start: datetime | None, end: datetime | None, service_id: str | None, rollup: bool
) -> tuple[str, Params]:
    """The filter of a tally of one unit, on the responses or on their hourly roll-up."""
    clauses: list[str] = ["unit_id = ?"]
    params: list[object] = [unit]
    column = "hour" if rollup else "submitted_at"
    for moment, operator in ((start, ">="), (end, "<")):
        if moment is not None:
            clauses.append(f"{column} {operator} ?")
            params.append(_hour(moment) if rollup else format_utc(moment))
    if service_id is not None:
        clauses.append("service_id = ?")
        params.append(service_id)
    return " WHERE " + " AND ".join(clauses), params


def _tally(row: Row) -> Tally:
    return Tally(int(row[0]), tuple(int(v) for v in row[1:10]), tuple(int(v) for v in row[10:19]))


async def tally_responses(
    db: Reader,
    start: datetime | None = None,
    end: datetime | None = None,
    service_id: str | None = None,
) -> Tally:
    """Sums and counts per unsur of the responses in [start, end), optionally of one service.

    Bounds on the hour (every local midnight in Indonesia) are read from the hourly roll-up,
    so the cost follows the number of hours, not of responses.
    """
    if _on_the_hour(start) and _on_the_hour(end):
        where, params = _where(db.unit, start, end, service_id, rollup=True)
        sql = f"SELECT COALESCE(SUM(respondents), 0), {_ROLLUP_COLUMNS} FROM response_rollup"
    else:
        where, params = _where(db.unit, start, end, service_id, rollup=False)
        sql = f"SELECT COUNT(*), {_TALLY_COLUMNS} FROM survey_responses"
    row = await db.fetch_one(sql + where, params)
    return _tally(row) if row is not None else Tally.empty()


async def finished_by_respondent(
    tx: Transaction, respondent_key: str, start: datetime, end: datetime
) -> dict[str, int]:
    """Surveys one person finished without a ticket in [start, end), per service id."""
    rows = await tx.fetch_all(
        "SELECT service_id, COUNT(*) FROM survey_responses"
        " WHERE unit_id = ? AND respondent_key = ? AND ticketed = 0"
        " AND submitted_at >= ? AND submitted_at < ? AND service_id IS NOT NULL"
        " GROUP BY service_id",
        (tx.unit, respondent_key, format_utc(start), format_utc(end)),
    )
    return {str(service): int(count) for service, count in rows}


async def tally_by_service(db: Reader, start: datetime, end: datetime) -> dict[str | None, Tally]:
    """Tallies of [start, end) per service id (None: responses that name no service)."""
    if _on_the_hour(start) and _on_the_hour(end):
        where, params = _where(db.unit, start, end, None, rollup=True)
        rows = await db.fetch_all(
            f"SELECT service_id, SUM(respondents), {_ROLLUP_COLUMNS} FROM response_rollup"
            f"{where} GROUP BY service_id",
            params,
        )
        return {(row[0] or None): _tally(row[1:]) for row in rows}
    where, params = _where(db.unit, start, end, None, rollup=False)
    rows = await db.fetch_all(
        f"SELECT service_id, COUNT(*), {_TALLY_COLUMNS} FROM survey_responses{where}"
        " GROUP BY service_id",
        params,
    )
    return {row[0]: _tally(row[1:]) for row in rows}


async def latest_suggestions(
    db: Reader, start: datetime, end: datetime, limit: int
) -> list[tuple[datetime, str | None, str]]:
    """The newest suggestions of [start, end): time, service id, text (nothing about who)."""
    rows = await db.fetch_all(
        "SELECT submitted_at, service_id, suggestion FROM survey_responses"
        " WHERE unit_id = ? AND submitted_at >= ? AND submitted_at < ?"
        " AND suggestion IS NOT NULL"
        " ORDER BY submitted_at DESC, id DESC LIMIT ?",
        (db.unit, format_utc(start), format_utc(end), limit),
    )
    return [(parse_utc(r[0]), r[1], str(r[2])) for r in rows]


async def channel_counts(db: Reader, start: datetime, end: datetime) -> dict[str, int]:
    """Responses of [start, end) per channel (telegram, whatsapp, import, ...)."""
    if _on_the_hour(start) and _on_the_hour(end):
        return {
            str(channel): count
            for (channel, _), count in (await _origins(db, start, end)).items()
            if count
        }
    rows = await db.fetch_all(
        "SELECT channel, COUNT(*) FROM survey_responses"
        " WHERE unit_id = ? AND submitted_at >= ? AND submitted_at < ?"
        " GROUP BY channel ORDER BY channel",
        (db.unit, format_utc(start), format_utc(end)),
    )
    return {str(channel): int(count) for channel, count in rows}


def _version(item: tuple[tuple[str, str], int]) -> str:
    return item[0][1]


async def _origins(db: Reader, start: datetime, end: datetime) -> dict[tuple[str, str], int]:
    """Responses of whole hours [start, end) per (channel, questionnaire version or '')."""
    rows = await db.fetch_all(
        "SELECT channel, version, SUM(respondents) FROM origin_rollup"
        " WHERE unit_id = ? AND hour >= ? AND hour < ? GROUP BY channel, version",
        (db.unit, _hour(start), _hour(end)),
    )
    return {(str(channel), str(version)): int(count) for channel, version, count in rows}


async def suggestion_count(db: Reader, start: datetime, end: datetime) -> int:
    row = await db.fetch_one(
        "SELECT COUNT(*) FROM survey_responses"
        " WHERE unit_id = ? AND submitted_at >= ? AND submitted_at < ?"
        " AND suggestion IS NOT NULL",
        (db.unit, format_utc(start), format_utc(end)),
    )
    return int(row[0]) if row else 0


async def profile_tallies(
    db: Reader,
    start: datetime,
    end: datetime,
    question_ids: Iterable[str],
    respondents: int | None = None,
) -> dict[str, dict[str, int]]:
    """Per profile question, how many respondents gave each answer ('' for no answer).

    `respondents`, the period's count when the caller has it, saves counting them again.
    """
    wanted = list(question_ids)
    counts: dict[str, dict[str, int]] = {q: {} for q in wanted}
    if _on_the_hour(start) and _on_the_hour(end):
        where, params = _where(db.unit, start, end, None, rollup=True)
        rows = await db.fetch_all(
            f"SELECT question, answer, SUM(respondents) FROM profile_rollup{where}"
            " GROUP BY question, answer",
            params,
        )
        for question, answer, number in rows:
            if question in counts and number:
                counts[question][str(answer)] = int(number)
    else:
        where, params = _where(db.unit, start, end, None, rollup=False)
        sql = f"SELECT profile, COUNT(*) FROM survey_responses{where} GROUP BY profile"
        for text, number in await db.fetch_all(sql, params):
            for question, value in json.loads(text).items():
                if question in counts:
                    answer = str(value)
                    counts[question][answer] = counts[question].get(answer, 0) + int(number)
    total = respondents
    if total is None:
        total = (await tally_responses(db, start, end)).respondents
    for answers in counts.values():
        unanswered = total - sum(answers.values())
        if unanswered:
            answers[""] = unanswered
    return counts


async def questionnaire_versions(
    db: Reader, start: datetime, end: datetime
) -> dict[str | None, int]:
    """How many responses of [start, end) answered each questionnaire version (None: stored
    before versions were recorded)."""
    if _on_the_hour(start) and _on_the_hour(end):
        versions: dict[str | None, int] = {}
        for (_, version), count in sorted((await _origins(db, start, end)).items(), key=_version):
            if count:
                key = version or None
                versions[key] = versions.get(key, 0) + count
        return versions
    rows = await db.fetch_all(
        "SELECT questionnaire_version, COUNT(*) FROM survey_responses"
        " WHERE unit_id = ? AND submitted_at >= ? AND submitted_at < ?"
        " GROUP BY questionnaire_version"
        " ORDER BY questionnaire_version",
        (db.unit, format_utc(start), format_utc(end)),
    )
    return {version: int(count) for version, count in rows}


@dataclass(frozen=True)
class AnswerRecord:
    """One response as exports show it: never the respondent key, a chat id or a phone number."""

    number: int
    submitted_at: datetime
    service_id: str | None
    channel: str
    ticketed: bool
    profile: dict[str, str | int]
    answers: tuple[int | None, ...]
    suggestion: str | None
    questionnaire_version: str | None = None


_RECORD_COLUMNS = (
    "id, submitted_at, service_id, channel, ticketed, profile,"
    " u1, u2, u3, u4, u5, u6, u7, u8, u9, suggestion, questionnaire_version"
)


def _record(number: int, row: Row) -> AnswerRecord:
    return AnswerRecord(
        number=number,
        submitted_at=parse_utc(row[1]),
        service_id=row[2],
        channel=str(row[3]),
        ticketed=bool(row[4]),
        profile=json.loads(row[5]),
        answers=tuple(row[6:15]),
        suggestion=row[15],
        questionnaire_version=row[16],
    )


async def answer_records(db: Reader, start: datetime, end: datetime) -> list[AnswerRecord]:
    return [record async for batch in answer_record_batches(db, start, end) for record in batch]


async def answer_records_apart(db: Database, start: datetime, end: datetime) -> list[AnswerRecord]:
    """The same, read in a worker thread on a read-only connection of its own: a large
    period then holds neither the bot's connection (every conversation step waits for it)
    nor its event loop. WAL lets this reader see what is committed without blocking writers."""
    # PostgreSQL's pool gives this reading a connection of its own already.
    if db.backend != "sqlite" or db.path == ":memory:":
        return await answer_records(db, start, end)
    return await asyncio.to_thread(_read_answer_records, db.path, db.unit, start, end)


def _read_answer_records(
    path: str, unit: str, start: datetime, end: datetime
) -> list[AnswerRecord]:
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        rows = conn.execute(
            f"SELECT {_RECORD_COLUMNS} FROM survey_responses"
            " WHERE unit_id = ? AND submitted_at >= ? AND submitted_at < ?"
            " ORDER BY submitted_at, id",
            (unit, format_utc(start), format_utc(end)),
        ).fetchall()
    return [_record(n, tuple(r)) for n, r in enumerate(rows, start=1)]


async def answer_record_batches(
    db: Reader, start: datetime, end: datetime, size: int = 1000
) -> AsyncGenerator[list[AnswerRecord], None]:
    """The responses of [start, end) in time order, `size` at a time, numbered from 1.

    Each batch is one query that resumes after the last row of the one before, so a period of
    any size is read in bounded memory.
    """
    after: tuple[str, int] = ("", 0)
    number = 0
    while True:
        rows = await db.fetch_all(
            f"SELECT {_RECORD_COLUMNS} FROM survey_responses"
            " WHERE unit_id = ? AND submitted_at >= ? AND submitted_at < ?"
            " AND (submitted_at, id) > (?, ?)"
            " ORDER BY submitted_at, id LIMIT ?",
            (db.unit, format_utc(start), format_utc(end), after[0], after[1], size),
        )
        if not rows:
            return
        batch = [_record(number + offset, row) for offset, row in enumerate(rows, start=1)]
        number += len(rows)
        after = (str(rows[-1][1]), int(rows[-1][0]))
        yield batch
