"""The shipped kabupaten of three units, run as the bot runs it (`open_runtime`): the admins of
the settings belong to the kabupaten, invite each unit's officials, a kabupaten official
receives the roll-up of the three units, and a unit's official cannot read another unit's
complaint."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from bot.telegram_app import CHANNEL as TELEGRAM
from skm_core.content import shipped_content_dir
from skm_core.content.deployment import load_deployment
from skm_core.delivery.scheduled import SCHEDULES
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage.complaints import add_complaint
from skm_core.storage.responses import insert_response
from skm_core.storage.units import KABUPATEN, official_unit
from tests.conversation.chat import Chat

MONTHLY = SCHEDULES[1]
WITA = ZoneInfo("Asia/Makassar")
ADMIN_ID = "7001"
UNIT_ANSWERS = {"sangasanga": 4, "anggana": 3, "muara-jawa": 2}


@pytest.fixture
async def runtime(tmp_path: Path, database_target: str) -> AsyncIterator[Runtime]:
    folder = shipped_content_dir() / "kabupaten"
    deployment = load_deployment(folder)
    settings = Settings(
        skm_data_dir=tmp_path,
        skm_content_dir=folder,
        skm_admin_telegram_ids=ADMIN_ID,
        skm_database_url=database_target if "://" in database_target else None,
        _env_file=None,
    )
    runtime = await open_runtime(settings, deployment.units[0], deployment)
    try:
        yield runtime
    finally:
        await runtime.close()


def person(runtime: Runtime, telegram_id: str) -> Chat:
    key = runtime.pseudonyms.user_key(TELEGRAM, telegram_id)
    return Chat(runtime.engine, channel=TELEGRAM, user=key)


async def registered(runtime: Runtime, admin: Chat, invitation: str, telegram_id: str) -> Chat:
    await admin.type(invitation)
    code = next(word for word in admin.text.split() if len(word) == 10 and word.isupper())
    official = person(runtime, telegram_id)
    await official.type(f"/daftar {code}")
    return official


async def answers_of_the_month_closed_at(runtime: Runtime, later: datetime) -> None:
    period = MONTHLY.closed_period(MONTHLY.latest_fire(later, WITA), WITA)
    moment = datetime.combine(period.first, time(10), WITA)
    for unit, answer in UNIT_ANSWERS.items():
        async with runtime.db.for_unit(unit).transaction() as tx:
            for n in range(3):
                await insert_response(
                    tx,
                    SurveyResponse(
                        submitted_at=moment + timedelta(minutes=n),
                        channel=TELEGRAM,
                        answers=(answer,) * 9,
                    ),
                )


async def test_the_settings_admin_belongs_to_the_kabupaten(runtime: Runtime) -> None:
    key = runtime.pseudonyms.user_key(TELEGRAM, ADMIN_ID)
    assert await official_unit(runtime.db, TELEGRAM, key) == KABUPATEN


async def test_a_kabupaten_official_receives_the_roll_up_of_the_three_units(
    runtime: Runtime,
) -> None:
    admin = person(runtime, ADMIN_ID)
    official = await registered(runtime, admin, "/undang pejabat kabupaten", "7002")
    assert "Kutai Kartanegara" in official.text
    # The next monthly report: the month now running, closed after the official joined.
    later = datetime.now(UTC) + timedelta(days=32)
    await answers_of_the_month_closed_at(runtime, later)
    assert await runtime.engine.queue_reports(MONTHLY, later) >= 1
    address = f"chat-{official.user}"
    rows = await runtime.db.fetch_all(
        "SELECT payload FROM outbox WHERE address = ? ORDER BY id", (address,)
    )
    report = "\n".join(str(payload) for (payload,) in rows)
    # Ranked by IKM: Sangasanga (all 4), Anggana (all 3), Muara Jawa (all 2).
    positions = [report.find(name) for name in ("Sangasanga", "Anggana", "Muara Jawa")]
    assert -1 not in positions and positions == sorted(positions)
    # A second catch-up (another process, a restart) queues nothing more.
    before = len(rows)
    await runtime.engine.queue_reports(MONTHLY, later)
    again = await runtime.db.fetch_all("SELECT id FROM outbox WHERE address = ?", (address,))
    assert len(again) == before


async def test_a_units_official_cannot_read_another_units_complaint(runtime: Runtime) -> None:
    admin = person(runtime, ADMIN_ID)
    camat = await registered(runtime, admin, "/undang pejabat anggana", "7003")
    assert "Anggana" in camat.text
    async with runtime.db.for_unit("sangasanga").transaction() as tx:
        number = await add_complaint(
            tx, TELEGRAM, "warga", "8001", "complaint", "Loket Sangasanga tutup siang", NOW
        )
    await camat.type("/aduan")
    assert "Loket Sangasanga tutup siang" not in camat.text
    await camat.type(f"/jawab {number} Sudah kami perbaiki")
    assert f"#{number} tidak ditemukan" in camat.text
    rows = await runtime.db.fetch_all("SELECT answer FROM complaints WHERE id = ?", (number,))
    assert rows == [(None,)]


NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
