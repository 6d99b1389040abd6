"""Every unit-owned row carries its unit: a database seen as one unit shows only that unit's
rows, and rows from before units are given to a unit once."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from skm_core.ikm.compute import Tally
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage import Database
from skm_core.storage import database as sqlite_module
from skm_core.storage import postgres as postgres_module
from skm_core.storage.complaints import add_complaint, get_complaint, open_complaints
from skm_core.storage.content_versions import (
    add_version,
    content_revision,
    content_revisions,
    latest_versions,
)
from skm_core.storage.followup import add_plan, all_plans, get_plan
from skm_core.storage.history import add_published_result, published_results
from skm_core.storage.imports import find_import, record_import
from skm_core.storage.kiosks import add_pairing_code, kiosk_of, pair_kiosk
from skm_core.storage.migrations import MIGRATIONS
from skm_core.storage.officials import (
    add_official,
    create_invitation,
    list_officials,
    redeem_invitation,
    roles_of,
)
from skm_core.storage.pg_migrations import PG_MIGRATIONS
from skm_core.storage.population import population_figure, set_population_figure
from skm_core.storage.publications import add_publication, latest_publication
from skm_core.storage.responses import (
    answer_records,
    channel_counts,
    insert_response,
    profile_tallies,
    tally_responses,
)
from skm_core.storage.tickets import find_ticket, insert_ticket
from skm_core.storage.units import (
    KABUPATEN,
    adopt_rows,
    invitation_unit,
    official_unit,
    ticket_unit,
    units_with_rows,
)
from tests.conftest import INTEGRITY_ERRORS

NOW = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def response(answers: tuple[int, ...] = (4,) * 9, sex: str = "L") -> SurveyResponse:
    return SurveyResponse(
        submitted_at=NOW,
        service_id="kk",
        channel="telegram",
        respondent_key="k",
        profile={"jenis_kelamin": sex},
        answers=answers,
    )


async def test_responses_of_one_unit_are_not_counted_in_another(db: Database):
    a, b = db.for_unit("anggana"), db.for_unit("sangasanga")
    async with a.transaction() as tx:
        await insert_response(tx, response((1,) * 9))
    async with b.transaction() as tx:
        await insert_response(tx, response((4,) * 9))
        await insert_response(tx, response((3,) * 9, sex="P"))
    start, end = NOW - DAY, NOW + DAY
    assert (await tally_responses(a, start, end)).respondents == 1
    assert (await tally_responses(b, start, end)).sums == (7,) * 9
    # Not on the hour: read from the rows, not the roll-up; the same answer either way.
    assert (await tally_responses(b, NOW - timedelta(minutes=5), end)).sums == (7,) * 9
    assert await profile_tallies(a, start, end, ["jenis_kelamin"]) == {"jenis_kelamin": {"L": 1}}
    assert [r.answers for r in await answer_records(a, start, end)] == [(1,) * 9]
    assert await units_with_rows(db) == ["anggana", "sangasanga"]


async def test_a_complaint_is_found_by_its_number_only_in_its_unit(db: Database):
    a, b = db.for_unit("anggana"), db.for_unit("sangasanga")
    async with a.transaction() as tx:
        number = await add_complaint(tx, "telegram", "k", "1", "complaint", "antre lama", NOW)
    async with b.transaction() as tx:
        assert await get_complaint(tx, number) is None
        assert await open_complaints(tx) == []
    async with a.transaction() as tx:
        found = await get_complaint(tx, number)
        assert found is not None and found.text == "antre lama"


async def test_officials_roles_and_invitations_belong_to_a_unit(db: Database):
    a, b = db.for_unit("anggana"), db.for_unit("sangasanga")
    async with a.transaction() as tx:
        await add_official(tx, "telegram", "camat", "10", "pejabat", NOW)
        await create_invitation(tx, "KODEANGGAN", "petugas", NOW, NOW + DAY, "camat")
        await create_invitation(tx, "KODEKAB234", "pejabat", NOW, NOW + DAY, "x", KABUPATEN)
    assert await roles_of(a, "telegram", "camat") == {"pejabat"}
    assert await roles_of(b, "telegram", "camat") == frozenset()
    assert await list_officials(b) == []
    assert [o.unit for o in await list_officials(a)] == ["anggana"]
    assert await official_unit(db, "telegram", "camat") == "anggana"
    assert await official_unit(db, "telegram", "someone") is None
    assert await invitation_unit(db, "kodeanggan") == "anggana"
    assert await invitation_unit(db, "KODEKAB234") == KABUPATEN
    async with b.transaction() as tx:
        # A code of another unit redeems nothing here.
        assert await redeem_invitation(tx, "KODEANGGAN", NOW, "p") is None
    async with a.transaction() as tx:
        assert await redeem_invitation(tx, "KODEANGGAN", NOW, "p") == "petugas"


async def test_tickets_name_their_unit(db: Database):
    a, b = db.for_unit("anggana"), db.for_unit("sangasanga")
    async with a.transaction() as tx:
        await insert_ticket(tx, "tok-a", "kk", NOW, NOW + DAY, "petugas")
    assert await ticket_unit(db, "tok-a") == "anggana"
    assert await ticket_unit(db, "nothing") is None
    async with b.transaction() as tx:
        assert await find_ticket(tx, "tok-a") is None
    async with a.transaction() as tx:
        assert await find_ticket(tx, "tok-a") is not None


async def test_plans_figures_results_and_imports_are_kept_per_unit(db: Database):
    a, b = db.for_unit("anggana"), db.for_unit("sangasanga")
    first, last = date(2025, 1, 1), date(2025, 6, 30)
    for unit, served in ((a, 100), (b, 900)):
        async with unit.transaction() as tx:
            # The same period, file and result in two units: each unit keeps its own.
            await set_population_figure(tx, "2025-S1", served, NOW, "x")
            await record_import(tx, "f" * 64, "jawaban.csv", NOW, served)
            assert await add_published_result(
                tx, first, last, served, {"U1": Decimal("3.5")}, Decimal("87.5"), "x", NOW
            )
            await add_publication(tx, "2025-S1", first, last, {"ikm": str(served)}, NOW, "x")
    async with a.transaction() as tx:
        plan = await add_plan(tx, first, last, "U3", "loket", "t", None, "Kasi", NOW, "x")
    assert await population_figure(a, "2025-S1") == 100
    assert await population_figure(b, "2025-S1") == 900
    found = await find_import(b, "f" * 64)
    assert found is not None and found.responses == 900
    assert [r.respondents for r in await published_results(a)] == [100]
    latest = await latest_publication(b)
    assert latest is not None and latest.snapshot == {"ikm": "900"}
    assert [p.id for p in await all_plans(a)] == [plan]
    assert await all_plans(b) == []
    async with b.transaction() as tx:
        assert await get_plan(tx, plan) is None


async def test_content_edits_and_kiosks_belong_to_a_unit(db: Database):
    a, b = db.for_unit("anggana"), db.for_unit("sangasanga")
    async with a.transaction() as tx:
        await add_version(tx, "unit", {"phone": "1"}, ["phone"], "x", NOW)
        await add_pairing_code(tx, "123456", "petugas", NOW, NOW + DAY)
    assert set(await latest_versions(a)) == {"unit"}
    assert await latest_versions(b) == {}
    assert await content_revision(b) == 0
    assert await content_revisions(db) == {"anggana": await content_revision(a)}
    # A tablet pairs with whatever unit the request came through: the kiosk is the unit's
    # of whoever asked for the code.
    async with b.transaction() as tx:
        assert await pair_kiosk(tx, "123456", "secret", NOW)
    kiosk = await kiosk_of(db, "secret")
    assert kiosk is not None and kiosk.unit == "anggana"


async def test_rows_from_before_units_are_given_to_a_unit_once(db: Database):
    async with db.transaction() as tx:  # unit '': as stored before units
        await insert_response(tx, response((2,) * 9))
        await add_complaint(tx, "telegram", "k", "1", "question", "jam buka?", NOW)
        await set_population_figure(tx, "2025-03", 50, NOW, "x")
    start, end = NOW - DAY, NOW + DAY
    before = await tally_responses(db, start, end)
    assert await adopt_rows(db, "sangasanga") == 3
    assert await adopt_rows(db, "sangasanga") == 0
    unit = db.for_unit("sangasanga")
    assert await tally_responses(unit, start, end) == before
    assert await tally_responses(db, start, end) == Tally.empty()
    assert await profile_tallies(unit, start, end, ["jenis_kelamin"]) == {"jenis_kelamin": {"L": 1}}
    assert await population_figure(unit, "2025-03") == 50
    assert await channel_counts(unit, start, end) == {"telegram": 1}
    with pytest.raises(ValueError, match="adopted by a unit"):
        await adopt_rows(db, KABUPATEN)
    with pytest.raises(INTEGRITY_ERRORS):
        async with db.transaction() as tx:
            await tx.execute("UPDATE survey_responses SET unit_id = 'anggana'")


async def test_an_upgrade_keeps_every_row_and_tally(
    database_target: str, monkeypatch: pytest.MonkeyPatch
):
    """A database of version 13 with answers, figures and results comes through version 14
    whole: nothing lost, the tallies rebuilt, then given to the unit."""
    monkeypatch.setattr(sqlite_module, "MIGRATIONS", tuple(m for m in MIGRATIONS if m[0] < 14))
    monkeypatch.setattr(
        postgres_module, "PG_MIGRATIONS", tuple(m for m in PG_MIGRATIONS if m[0] < 14)
    )
    async with await Database.open(database_target) as old, old.transaction() as tx:
        await tx.execute(
            "INSERT INTO survey_responses (submitted_at, channel, service_id, profile,"
            " u1, u2, u3, u4, u5, u6, u7, u8, u9) VALUES"
            " ('2025-03-03T02:00:00Z', 'import', 'kk', '{\"pendidikan\": \"SMA\"}',"
            " 4, 4, 4, 4, 3, 3, 3, 3, 2)"
        )
        await tx.execute(
            "INSERT INTO population_figures VALUES ('2025-03', 80, '2025-03-04T00:00:00Z', 'x')"
        )
        await tx.execute(
            "INSERT INTO published_results (period_first, period_last, respondents, nrr,"
            " ikm, source, entered_at) VALUES ('2024-01-01', '2024-12-31', 10, '{}',"
            " '90.00', 'laporan', '2025-01-01T00:00:00Z')"
        )
        await tx.execute(
            "INSERT INTO imported_files VALUES ('abc', 'a.csv', '2025-03-04T00:00:00Z', 1)"
        )
    monkeypatch.setattr(sqlite_module, "MIGRATIONS", MIGRATIONS)
    monkeypatch.setattr(postgres_module, "PG_MIGRATIONS", PG_MIGRATIONS)
    old_tally = Tally(1, (4, 4, 4, 4, 3, 3, 3, 3, 2), (1,) * 9)
    async with await Database.open(database_target) as new:
        assert await new.schema_version() == MIGRATIONS[-1][0]
        assert await tally_responses(new, NOW - DAY, NOW + DAY) == old_tally
        assert await adopt_rows(new, "sangasanga") == 4
        unit = new.for_unit("sangasanga")
        assert await tally_responses(unit, NOW - DAY, NOW + DAY) == old_tally
        assert await population_figure(unit, "2025-03") == 80
        assert [r.ikm for r in await published_results(unit)] == [Decimal("90.00")]
        assert await find_import(unit, "abc") is not None
        assert await profile_tallies(unit, NOW - DAY, NOW + DAY, ["pendidikan"]) == {
            "pendidikan": {"SMA": 1}
        }
