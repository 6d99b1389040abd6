"""Survey responses: storing them and aggregating them in SQL."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from skm_core.ikm import Tally
from skm_core.responses import SurveyResponse
from skm_core.storage.database import Params, Reader, Transaction, format_utc, parse_utc

_INSERT = (
    "INSERT INTO survey_responses (submitted_at, service_id, channel, respondent_key, ticket_id,"
    " ticketed, profile, u1, u2, u3, u4, u5, u6, u7, u8, u9, suggestion, import_batch)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

_TALLY_COLUMNS = ", ".join(
    [f"COALESCE(SUM(u{i}), 0)" for i in range(1, 10)] + [f"COUNT(u{i})" for i in range(1, 10)]
)


def _row(response: SurveyResponse) -> tuple[object, ...]:
    return (
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
    )


async def insert_response(tx: Transaction, response: SurveyResponse) -> int:
    return await tx.insert(_INSERT, _row(response))


async def insert_responses(tx: Transaction, responses: Iterable[SurveyResponse]) -> int:
    rows = [_row(r) for r in responses]
    await tx.execute_many(_INSERT, rows)
    return len(rows)


def _where(
    start: datetime | None, end: datetime | None, service_id: str | None
) -> tuple[str, Params]:
    clauses: list[str] = []
    params: list[object] = []
    if start is not None:
        clauses.append("submitted_at >= ?")
        params.append(format_utc(start))
    if end is not None:
        clauses.append("submitted_at < ?")
        params.append(format_utc(end))
    if service_id is not None:
        clauses.append("service_id = ?")
        params.append(service_id)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


async def tally_responses(
    db: Reader,
    start: datetime | None = None,
    end: datetime | None = None,
    service_id: str | None = None,
) -> Tally:
    """Sums and counts per unsur of the responses in [start, end), optionally of one service."""
    where, params = _where(start, end, service_id)
    row = await db.fetch_one(
        f"SELECT COUNT(*), {_TALLY_COLUMNS} FROM survey_responses{where}", params
    )
    if row is None:
        return Tally.empty()
    return Tally(int(row[0]), tuple(int(v) for v in row[1:10]), tuple(int(v) for v in row[10:19]))


async def finished_by_respondent(
    tx: Transaction, respondent_key: str, start: datetime, end: datetime
) -> dict[str, int]:
    """Surveys one person finished without a ticket in [start, end), per service id."""
    rows = await tx.fetch_all(
        "SELECT service_id, COUNT(*) FROM survey_responses"
        " WHERE respondent_key = ? AND ticketed = 0 AND submitted_at >= ? AND submitted_at < ?"
        " AND service_id IS NOT NULL GROUP BY service_id",
        (respondent_key, format_utc(start), format_utc(end)),
    )
    return {str(service): int(count) for service, count in rows}


async def tally_by_service(db: Reader, start: datetime, end: datetime) -> dict[str | None, Tally]:
    """Tallies of [start, end) per service id (None: responses that name no service)."""
    where, params = _where(start, end, None)
    rows = await db.fetch_all(
        f"SELECT service_id, COUNT(*), {_TALLY_COLUMNS} FROM survey_responses{where}"
        " GROUP BY service_id",
        params,
    )
    return {
        row[0]: Tally(
            int(row[1]), tuple(int(v) for v in row[2:11]), tuple(int(v) for v in row[11:20])
        )
        for row in rows
    }


async def latest_suggestions(
    db: Reader, start: datetime, end: datetime, limit: int
) -> list[tuple[datetime, str | None, str]]:
    """The newest suggestions of [start, end): time, service id, text (nothing about who)."""
    rows = await db.fetch_all(
        "SELECT submitted_at, service_id, suggestion FROM survey_responses"
        " WHERE submitted_at >= ? AND submitted_at < ? AND suggestion IS NOT NULL"
        " ORDER BY submitted_at DESC, id DESC LIMIT ?",
        (format_utc(start), format_utc(end), limit),
    )
    return [(parse_utc(r[0]), r[1], str(r[2])) for r in rows]


async def profile_tally(
    db: Reader, start: datetime, end: datetime, question_id: str
) -> dict[str, int]:
    """How many respondents gave each answer to a profile question ('' for no answer)."""
    rows = await db.fetch_all(
        "SELECT COALESCE(CAST(json_extract(profile, ?) AS TEXT), ''), COUNT(*)"
        " FROM survey_responses WHERE submitted_at >= ? AND submitted_at < ? GROUP BY 1",
        (f"$.{question_id}", format_utc(start), format_utc(end)),
    )
    return {str(value): int(count) for value, count in rows}


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


async def answer_records(db: Reader, start: datetime, end: datetime) -> list[AnswerRecord]:
    rows = await db.fetch_all(
        "SELECT submitted_at, service_id, channel, ticketed, profile,"
        " u1, u2, u3, u4, u5, u6, u7, u8, u9, suggestion FROM survey_responses"
        " WHERE submitted_at >= ? AND submitted_at < ? ORDER BY submitted_at, id",
        (format_utc(start), format_utc(end)),
    )
    return [
        AnswerRecord(
            number=n,
            submitted_at=parse_utc(r[0]),
            service_id=r[1],
            channel=str(r[2]),
            ticketed=bool(r[3]),
            profile=json.loads(r[4]),
            answers=tuple(r[5:14]),
            suggestion=r[14],
        )
        for n, r in enumerate(rows, start=1)
    ]
