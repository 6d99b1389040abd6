"""`skm db copy --to postgresql://...`: a unit's SQLite data moved into PostgreSQL, all of it
or nothing, and checked (rows of every table, every month's IKM) before it counts."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from skm_core.conversation import Reply
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage import Database
from skm_core.storage import copy as copying
from skm_core.storage.officials import add_official
from skm_core.storage.outbox import enqueue
from skm_core.storage.responses import insert_responses, tally_responses
from tests.postgres_server import PostgresServer

START = datetime(2024, 11, 20, tzinfo=UTC)


@pytest.fixture
def server(postgres: PostgresServer | str) -> PostgresServer:
    if isinstance(postgres, str):
        pytest.skip(f"no PostgreSQL: {postgres}")
    return postgres


def responses(answers: list[tuple[int, ...]]) -> list[SurveyResponse]:
    return [
        SurveyResponse(
            submitted_at=START + timedelta(hours=7 * n),  # across months and a new year
            channel="import",
            answers=a,
            service_id=("sktm", "kk", None)[n % 3],
            profile={"jenis_kelamin": ("L", "P")[n % 2], "umur": 20 + n % 50},
        )
        for n, a in enumerate(answers)
    ]


async def seed(path: Path, answers: list[tuple[int, ...]]) -> None:
    async with await Database.open(path) as db, db.transaction() as tx:
        await insert_responses(tx, responses(answers))
        await add_official(tx, "telegram", "camat", "77", "pejabat", START, name="Camat")
        await enqueue(tx, "telegram", "77", [Reply("Laporan bulanan")], START)
    async with await Database.open(path) as db, db.transaction() as tx:
        # An erased hour leaves zero tallies behind in SQLite; the copy has none, and agrees.
        await tx.execute("DELETE FROM survey_responses WHERE id = 1")


async def count(url: str, table: str) -> int:
    async with await Database.open(url) as db:
        row = await db.fetch_one(f"SELECT COUNT(*) FROM {table}")
        return int(row[0]) if row else 0


answer_lists = st.lists(
    st.tuples(*[st.integers(1, 4)] * 9), min_size=2, max_size=60
)  # fmt: skip


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers=answer_lists)
def test_the_copy_has_every_row_and_the_same_ikm_every_month(
    answers, server, tmp_path_factory, monkeypatch, capsys
):
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("SKM_DATA_DIR", str(data))
    asyncio.run(seed(data / "skm.sqlite3", answers))
    url = server.new_database()
    assert main(["db", "copy", "--to", url]) == 0
    out = capsys.readouterr().out
    assert f"survey_responses: {len(answers) - 1} rows" in out
    assert "the same IKM on both sides" in out

    async def compare() -> None:
        async with (
            await Database.open(data / "skm.sqlite3") as before,
            await Database.open(url) as after,
        ):
            assert await tally_responses(after) == await tally_responses(before)
            # New rows continue after the copied ids.
            async with after.transaction() as tx:
                new = await enqueue(tx, "telegram", "77", [Reply("lagi")], START)
            assert new == 2

    asyncio.run(compare())


def test_a_database_not_empty_is_refused_and_left_as_it_was(server, skm_env, capsys):
    asyncio.run(seed(skm_env / "skm.sqlite3", [(4,) * 9] * 3))
    url = server.new_database()
    assert main(["db", "copy", "--to", url]) == 0
    assert main(["db", "copy", "--to", url]) == 1
    assert "not empty" in capsys.readouterr().err
    assert asyncio.run(count(url, "survey_responses")) == 2


def test_a_copy_failing_late_leaves_postgresql_empty(server, skm_env, capsys, monkeypatch):
    asyncio.run(seed(skm_env / "skm.sqlite3", [(3,) * 9] * 5))
    copy_table = copying._copy_table

    async def failing(source, tx, table):
        if table == "content_versions":  # the last table: everything else is written
            raise copying.CopyFailed("the disk is full")
        return await copy_table(source, tx, table)

    monkeypatch.setattr(copying, "_copy_table", failing)
    url = server.new_database()
    assert main(["db", "copy", "--to", url]) == 1
    assert "PostgreSQL left as it was: the disk is full" in capsys.readouterr().err
    assert asyncio.run(count(url, "survey_responses")) == 0
    assert asyncio.run(count(url, "response_rollup")) == 0


@pytest.mark.parametrize("to", ["skm.sqlite3", "mysql://db/skm"])
def test_a_target_that_is_not_postgresql_is_refused(skm_env, capsys, to):
    assert main(["db", "copy", "--to", to]) == 2
    assert "postgresql://" in capsys.readouterr().err
