"""Storage: the schema, the transaction discipline, and IKM aggregation done in SQL."""

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skm_core.ikm import Tally
from skm_core.periods import utc_bounds
from skm_core.responses import SurveyResponse
from skm_core.storage import Database
from skm_core.storage.database import format_utc, parse_utc
from skm_core.storage.migrations import MIGRATIONS
from skm_core.storage.responses import insert_response, insert_responses, tally_responses

WITA = ZoneInfo("Asia/Makassar")


def response(at: datetime, answers=(4,) * 9, service: str | None = "kk") -> SurveyResponse:
    return SurveyResponse(
        submitted_at=at, channel="terminal", answers=tuple(answers), service_id=service
    )


async def test_pragmas_and_schema(db):
    assert await db.fetch_one("PRAGMA journal_mode") == ("wal",)
    assert await db.fetch_one("PRAGMA foreign_keys") == (1,)
    assert await db.schema_version() == MIGRATIONS[-1][0]


async def test_reopening_applies_no_migration_twice(tmp_path: Path):
    path = tmp_path / "skm.sqlite3"
    async with await Database.open(path) as first, first.transaction() as tx:
        await insert_response(tx, response(datetime.now(UTC)))
    async with await Database.open(path) as again:
        rows = await again.fetch_all("SELECT version FROM schema_migrations")
        assert len(rows) == len(MIGRATIONS)
        assert (await tally_responses(again)).respondents == 1


async def test_a_failed_transaction_leaves_nothing(db):
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await insert_response(tx, response(datetime.now(UTC)))
            raise RuntimeError("crash in the middle")
    assert (await tally_responses(db)).respondents == 0


async def test_the_schema_refuses_an_out_of_range_answer(db):
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO survey_responses (submitted_at, channel, u1) VALUES (?, ?, ?)",
                ("2024-01-01T00:00:00Z", "terminal", 5),
            )


def test_times_are_stored_as_utc_text():
    moment = datetime(2024, 5, 31, 8, 0, tzinfo=WITA)
    assert format_utc(moment) == "2024-05-31T00:00:00Z"
    assert parse_utc("2024-05-31T00:00:00Z") == moment
    with pytest.raises(ValueError, match="naive"):
        format_utc(datetime(2024, 5, 31, 8, 0))


async def test_tally_filters_by_local_days_and_service(db):
    # 23:30 WITA on 31 May is 15:30 UTC the same day; 00:30 WITA on 1 June is 16:30 UTC on 31 May.
    late_may = datetime(2024, 5, 31, 23, 30, tzinfo=WITA)
    early_june = datetime(2024, 6, 1, 0, 30, tzinfo=WITA)
    async with db.transaction() as tx:
        await insert_responses(
            tx,
            [
                response(late_may, (1,) * 9),
                response(early_june, (4,) * 9),
                response(early_june, (3,) * 9, service="sktm"),
            ],
        )
    start, end = utc_bounds(date(2024, 6, 1), date(2024, 6, 30), WITA)
    june = await tally_responses(db, start, end)
    assert june.respondents == 2
    assert june.sums == (7,) * 9
    june_kk = await tally_responses(db, start, end, service_id="kk")
    assert (june_kk.respondents, june_kk.sums) == (1, (4,) * 9)
    start, end = utc_bounds(None, date(2024, 5, 31), WITA)
    assert (await tally_responses(db, start, end)).sums == (1,) * 9


async def test_empty_period_is_an_empty_tally(db):
    assert await tally_responses(db) == Tally.empty()


answers = st.lists(
    st.one_of(st.none(), st.integers(min_value=1, max_value=4)), min_size=9, max_size=9
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(answers, min_size=1, max_size=60))
async def test_sql_aggregation_equals_the_engine(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("db") / "skm.sqlite3"
    base = datetime(2024, 1, 1, tzinfo=UTC)
    async with await Database.open(path) as db:
        async with db.transaction() as tx:
            await insert_responses(
                tx, [response(base + timedelta(minutes=i), row) for i, row in enumerate(rows)]
            )
        assert await tally_responses(db) == Tally.from_answers(rows)
