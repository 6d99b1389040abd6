"""The kabupaten's roll-up: one query per kind over every unit, each unit's figures its own."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skm_core.calendar.periods import month_of
from skm_core.ikm.compute import Tally, UnansweredUnsur, compute_ikm
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage import Database
from skm_core.storage.followup import add_plan
from skm_core.storage.population import set_population_figure
from skm_core.storage.responses import insert_responses, tally_responses
from skm_core.storage.rollup import (
    Population,
    overdue_plans_per_unit,
    unit_populations,
    unit_tallies,
)
from skm_core.storage.tickets import insert_ticket

WITA = ZoneInfo("Asia/Makassar")
UNITS = ("sangasanga", "anggana", "muara-jawa")
PERIOD = month_of(date(2026, 11, 1))

answer = st.one_of(st.none(), st.integers(1, 4))
answer_rows = st.lists(st.tuples(*[answer] * 9), max_size=25)


def responses(rows: list[tuple[int | None, ...]], offset: int) -> list[SurveyResponse]:
    start, _ = PERIOD.utc_bounds(WITA)
    return [
        SurveyResponse(
            submitted_at=start + timedelta(hours=3 * (i + offset) % 700, minutes=i % 60),
            channel="telegram",
            answers=row,
            service_id="kk",
        )
        for i, row in enumerate(rows)
    ]


async def _clear(db: Database) -> None:
    for unit in UNITS:
        async with db.for_unit(unit).transaction() as tx:
            await tx.execute("DELETE FROM survey_responses")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.fixed_dictionaries({unit: answer_rows for unit in UNITS}))
async def test_the_roll_up_of_three_units_equals_each_units_own_ikm(db, answers):
    await _clear(db)
    for offset, unit in enumerate(UNITS):
        async with db.for_unit(unit).transaction() as tx:
            await insert_responses(tx, responses(answers[unit], offset))
    start, end = PERIOD.utc_bounds(WITA)
    rolled = await unit_tallies(db, start, end)
    for unit in UNITS:
        alone = Tally.from_answers(answers[unit])
        assert rolled.get(unit, Tally.empty()) == alone
        assert await tally_responses(db.for_unit(unit), start, end) == alone
        try:
            expected = compute_ikm(alone)
        except UnansweredUnsur:
            continue
        assert compute_ikm(rolled[unit]) == expected
    assert set(rolled) == {unit for unit in UNITS if answers[unit]}


async def test_bounds_off_the_hour_read_the_responses_themselves(db):
    day = datetime(2026, 11, 3, 2, 30, tzinfo=UTC)
    async with db.for_unit("anggana").transaction() as tx:
        await insert_responses(tx, responses([(4,) * 9], 0))
        await insert_responses(
            tx, [SurveyResponse(submitted_at=day, channel="telegram", answers=(3,) * 9)]
        )
    rolled = await unit_tallies(db, day, day + timedelta(minutes=1))
    assert rolled == {"anggana": Tally.from_answers([(3,) * 9])}


async def test_population_per_unit_is_the_entered_figure_else_the_tickets_issued(db):
    start, end = PERIOD.utc_bounds(WITA)
    now = start + timedelta(days=2)
    async with db.for_unit("anggana").transaction() as tx:
        await set_population_figure(tx, PERIOD.key(), 120, now, "camat")
    for unit, count in (("anggana", 3), ("sangasanga", 2)):
        async with db.for_unit(unit).transaction() as tx:
            for n in range(count):
                await insert_ticket(tx, f"{unit}-{n}", "kk", now, now + timedelta(days=7), "p")
    found = await unit_populations(db, PERIOD.key(), start, end)
    assert found == {
        "anggana": Population(120, "entered"),
        "sangasanga": Population(2, "tickets"),
    }


async def test_overdue_plans_are_counted_per_unit(db):
    now = datetime(2026, 12, 1, tzinfo=UTC)
    plans = {"anggana": [date(2026, 10, 31), date(2026, 11, 30), date(2027, 1, 31)]}
    plans["muara-jawa"] = [date(2026, 6, 30)]
    for unit, dues in plans.items():
        async with db.for_unit(unit).transaction() as tx:
            for due in dues:
                await add_plan(
                    tx, PERIOD.first, PERIOD.last, "U3", "Antrean", "t", due, "Kasi", now, "c"
                )
    assert await overdue_plans_per_unit(db, date(2026, 12, 1)) == {"anggana": 2, "muara-jawa": 1}
