"""Survey responses: storing them and aggregating them in SQL."""

import json
from collections.abc import Iterable
from datetime import datetime

from skm_core.ikm import Tally
from skm_core.responses import SurveyResponse
from skm_core.storage.database import Database, Params, Transaction, format_utc

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
    db: Database,
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
