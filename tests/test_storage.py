"""Storage: the schema, the transaction discipline, and IKM aggregation done in SQL."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skm_core.calendar.periods import utc_bounds
from skm_core.ikm.compute import Tally
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage import Database
from skm_core.storage.database import format_utc, parse_utc
from skm_core.storage.migrations import MIGRATIONS
from skm_core.storage.pg_migrations import PG_MIGRATIONS
from skm_core.storage.responses import insert_response, insert_responses, tally_responses
from tests.conftest import INTEGRITY_ERRORS

WITA = ZoneInfo("Asia/Makassar")


def response(at: datetime, answers=(4,) * 9, service: str | None = "kk") -> SurveyResponse:
    return SurveyResponse(
        submitted_at=at, channel="terminal", answers=tuple(answers), service_id=service
    )


async def test_both_backends_reach_the_same_schema_version(db):
    assert await db.schema_version() == MIGRATIONS[-1][0] == PG_MIGRATIONS[-1][0]


async def test_pragmas(tmp_path: Path):
    async with await Database.open(tmp_path / "skm.sqlite3") as db:
        assert await db.fetch_one("PRAGMA journal_mode") == ("wal",)
        assert await db.fetch_one("PRAGMA foreign_keys") == (1,)


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
    with pytest.raises(INTEGRITY_ERRORS):
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


async def test_tallies_on_the_hour_come_from_the_rollup_and_equal_the_rows(db):
    moments = [datetime(2024, 6, 1, h, m, tzinfo=WITA) for h in (0, 7, 8, 23) for m in (0, 59)]
    async with db.transaction() as tx:
        await insert_responses(
            tx,
            [
                response(at, (1 + i % 4,) * 9, service="kk" if i % 2 else None)
                for i, at in enumerate(moments)
            ],
        )
    start, end = utc_bounds(date(2024, 6, 1), date(2024, 6, 1), WITA)
    assert start is not None and end is not None
    from_rollup = await tally_responses(db, start, end)
    rows = await db.fetch_all(
        "SELECT u1, u2, u3, u4, u5, u6, u7, u8, u9 FROM survey_responses"
        " WHERE submitted_at >= ? AND submitted_at < ?",
        (format_utc(start), format_utc(end)),
    )
    assert from_rollup == Tally.from_answers(rows)
    # Bounds inside an hour are read from the responses themselves.
    inside = await tally_responses(db, start + timedelta(minutes=30), end)
    assert inside.respondents == len(moments) - 1


async def test_a_stored_response_is_never_changed(db):
    async with db.transaction() as tx:
        await insert_response(tx, response(datetime(2024, 6, 1, 9, tzinfo=WITA)))
    with pytest.raises(INTEGRITY_ERRORS, match="never changed"):
        async with db.transaction() as tx:
            await tx.execute("UPDATE survey_responses SET u1 = 1")


async def test_deleting_a_response_takes_it_out_of_the_rollup(db):
    async with db.transaction() as tx:
        await insert_response(tx, response(datetime(2024, 6, 1, 9, tzinfo=WITA), (2,) * 9))
        await insert_response(tx, response(datetime(2024, 6, 1, 9, tzinfo=WITA), (4,) * 9))
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM survey_responses WHERE u1 = 2")
    assert await tally_responses(db) == Tally.from_answers([[4] * 9])


async def test_profile_counts_from_the_rollup_equal_the_rows(db):
    from skm_core.storage.responses import profile_tallies

    profiles: list[dict[str, str | int]] = [
        {"usia": 41, "jenis_kelamin": "p"},
        {"usia": 41},
        {},
        {"jenis_kelamin": "l"},
    ]
    async with db.transaction() as tx:
        for n, profile in enumerate(profiles):
            at = datetime(2024, 6, 1, 9, n, tzinfo=WITA)
            await insert_response(
                tx, SurveyResponse(submitted_at=at, channel="x", answers=(4,) * 9, profile=profile)
            )
    start, end = utc_bounds(date(2024, 6, 1), date(2024, 6, 1), WITA)
    assert start is not None and end is not None
    questions = ["usia", "jenis_kelamin", "pekerjaan"]
    from_rollup = await profile_tallies(db, start, end, questions)
    from_rows = await profile_tallies(db, start, end - timedelta(seconds=1), questions)
    assert (
        from_rollup
        == from_rows
        == {
            "usia": {"41": 2, "": 2},
            "jenis_kelamin": {"p": 1, "l": 1, "": 2},
            "pekerjaan": {"": 4},
        }
    )


async def test_channels_and_versions_from_the_rollup_equal_the_rows(db):
    from skm_core.storage.responses import channel_counts, questionnaire_versions

    origins = [("telegram", "2024.1"), ("whatsapp", "2024.1"), ("import", None)] * 3
    async with db.transaction() as tx:
        for n, (channel, version) in enumerate(origins):
            at = datetime(2024, 6, 1, 9 + n % 2, n, tzinfo=WITA)
            await insert_response(
                tx,
                SurveyResponse(
                    submitted_at=at,
                    channel=channel,
                    answers=(4,) * 9,
                    questionnaire_version=version,
                ),
            )
        await tx.execute("DELETE FROM survey_responses WHERE channel = 'import' AND id = 3")
    start, end = utc_bounds(date(2024, 6, 1), date(2024, 6, 1), WITA)
    assert start is not None and end is not None
    # Whole hours are read from the roll-up, a bound inside an hour from the rows: the same.
    inside = start + timedelta(seconds=1)
    for lower in (start, inside):
        assert await channel_counts(db, lower, end) == {"import": 2, "telegram": 3, "whatsapp": 3}
        assert await questionnaire_versions(db, lower, end) == {None: 2, "2024.1": 6}
