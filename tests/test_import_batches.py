"""`skm import` writes in short batches: a running bot's conversation is never held behind a
large import, and the import is still all or nothing."""

import asyncio
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from skm_core.conversation.engine import Engine
from skm_core.conversation.messages import Event, EventKind
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage.responses import insert_in_batches

START = datetime(2024, 5, 1, 1, 0, tzinfo=UTC)


def responses(count: int) -> list[SurveyResponse]:
    return [
        SurveyResponse(
            submitted_at=START + timedelta(minutes=n),
            channel="import",
            answers=(1 + n % 4,) * 9,
            import_batch="test",
        )
        for n in range(count)
    ]


def stored(target: str) -> int:
    """What another connection sees committed, read without yielding to the import."""
    query = "SELECT COUNT(*) FROM survey_responses"
    if target.startswith("postgresql://"):
        with psycopg.connect(target) as conn:
            row = conn.execute(query).fetchone()
    else:
        with closing(sqlite3.connect(target)) as reader:
            row = reader.execute(query).fetchone()
    assert row is not None
    return int(row[0])


async def test_a_conversation_is_answered_between_the_batches_of_an_import(
    db, database_target, content
):
    engine = Engine(db, content)
    seen_by_citizen: list[int] = []

    async def citizen() -> None:
        await engine.handle(Event("terminal", "warga-1", "e1", EventKind.TEXT, "menu"))
        seen_by_citizen.append(stored(database_target))

    importing = asyncio.create_task(insert_in_batches(db, responses(60), batch_rows=10))
    await asyncio.sleep(0)  # the import has begun its first batch
    await citizen()
    assert await importing == 60
    assert stored(database_target) == 60
    # The citizen's step did not wait for the whole import: it came between two batches.
    assert seen_by_citizen[0] < 60


async def test_an_import_that_fails_in_a_late_batch_leaves_nothing(
    db, database_target, monkeypatch
):
    async with db.transaction() as tx:
        kind = type(tx)
    write = kind.execute_many
    calls = 0

    async def locked_at_the_fifth(self, sql, rows):
        nonlocal calls
        calls += 1
        if calls == 5:
            raise sqlite3.OperationalError("database is locked")
        await write(self, sql, rows)

    monkeypatch.setattr(kind, "execute_many", locked_at_the_fifth)
    with pytest.raises(sqlite3.OperationalError):
        await insert_in_batches(db, responses(45), batch_rows=10)
    assert stored(database_target) == 0
    rollup = await db.fetch_one("SELECT COALESCE(SUM(respondents), 0) FROM response_rollup")
    assert rollup == (0,)
