"""The open data and `skm ikm --db --json` give the same numbers for the same days."""

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.server import build_web_app
from bot.settings import Settings
from skm_core.calendar.periods import month_of
from skm_core.content import Content
from skm_core.conversation.engine import Engine
from skm_core.reports.publication import publish
from skm_core.storage import Database
from tests.conversation.chat import Clock
from tests.web.conftest import PUBLIC_URL, response, store

answer = st.one_of(st.none(), st.integers(1, 4))
rows = st.lists(
    st.tuples(
        st.integers(1, 30),
        st.lists(answer, min_size=9, max_size=9),
        st.sampled_from(["kk", "ktp-el", "skck"]),
    ),
    min_size=1,
    max_size=25,
)


async def _published(db_path: Path, content: Content, given_rows: list[Any]) -> dict[str, Any]:
    clock = Clock()
    async with await Database.open(db_path) as db:
        await store(db, [response(day, a, service=s) for day, a, s in given_rows])
        # Outside the month: must be in neither figure.
        await store(db, [response(31, [1] * 9, month=10), response(1, [1] * 9, month=12)])
        engine = Engine(db, content, clock=clock, public_url=PUBLIC_URL)
        async with db.transaction() as tx:
            november = month_of(date(2026, 11, 1))
            await publish(tx, content, november, engine.timezone, clock(), "test")
        app = build_web_app(Settings(_env_file=None), None, None, engine=engine)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
            answer = await client.get("/api/hasil", params={"periode": "november 2026"})
            data: dict[str, Any] = answer.json()
            return data


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    report_multiple_bugs=False,
)
@given(given_rows=rows)
def test_open_data_equals_the_command_line(
    given_rows: list[Any], skm_env: Path, content: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    # A month with an unsur nobody answered has no IKM; publishing it is refused elsewhere.
    assume(all(any(r[1][i] is not None for r in given_rows) for i in range(9)))
    db_path = skm_env / "skm.sqlite3"
    try:
        published = asyncio.run(_published(db_path, content, given_rows))
        capsys.readouterr()
        code = main(["ikm", "--db", "--from", "2026-11-01", "--to", "2026-11-30", "--json"])
        cli = json.loads(capsys.readouterr().out)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    assert code == 0
    assert published["responden"] == cli["respondents"] == len(given_rows)
    assert published["ikm"] == cli["ikm"]
    assert published["mutu"] == cli["grade"]
    assert published["nrr"] == cli["nrr"]
    assert published["terendah"] == cli["lowest"]
