"""Which unit the runtime stores the first unit's rows under, and that older rows follow."""

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from bot.runtime import open_runtime
from bot.settings import Settings
from skm_core.content import Content
from skm_core.content.deployment import stored_unit
from skm_core.content.models import DEFAULT_UNIT_ID
from skm_core.storage import Database
from skm_core.storage.complaints import add_complaint, open_complaints
from tests.conversation.units import three_units

NOW = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)


def test_a_unit_without_an_id_keeps_its_rows_as_before(content: Content) -> None:
    unnamed = dataclasses.replace(
        content, unit=content.unit.model_copy(update={"id": DEFAULT_UNIT_ID})
    )
    assert stored_unit(unnamed, single=True) == ""


def test_a_unit_with_an_id_stores_under_it_alone_or_in_a_kabupaten(content: Content) -> None:
    assert stored_unit(content, single=True) == "sangasanga"
    deployment = three_units(content)
    assert stored_unit(deployment.units[0], single=False) == "sangasanga"


async def test_a_single_units_rows_from_before_units_become_its_own(
    tmp_path: Path, content: Content
) -> None:
    settings = Settings(skm_data_dir=tmp_path, _env_file=None)
    async with await Database.open(settings.database_target) as db, db.transaction() as tx:
        await add_complaint(tx, "terminal", "w", "w", "complaint", "lama", NOW)
    runtime = await open_runtime(settings, content)
    try:
        async with runtime.engine.db.transaction() as tx:
            assert tx.unit == "sangasanga"
            assert [c.text for c in await open_complaints(tx)] == ["lama"]
    finally:
        await runtime.close()


async def test_rows_from_before_units_become_the_first_units(
    tmp_path: Path, content: Content
) -> None:
    settings = Settings(skm_data_dir=tmp_path, _env_file=None)
    async with await Database.open(settings.database_target) as db, db.transaction() as tx:
        await add_complaint(tx, "terminal", "w", "w", "complaint", "lama", NOW)
    deployment = three_units(content)
    runtime = await open_runtime(settings, deployment.units[0], deployment)
    try:
        async with runtime.db.for_unit("sangasanga").transaction() as tx:
            assert [c.text for c in await open_complaints(tx)] == ["lama"]
        async with runtime.db.for_unit("anggana").transaction() as tx:
            assert await open_complaints(tx) == []
    finally:
        await runtime.close()
