"""The kabupaten's roll-up: a period's figures of every unit side by side.

These are reads that cross units on purpose, for the kabupaten role only: each reads every
unit's rows in one query grouped by unit, whatever unit the reader is scoped to. A unit's
own figures come from the same tables as its summary (`responses.tally_responses` reads the
same hourly roll-up), so a unit's line in the roll-up equals its own IKM.
"""

from dataclasses import dataclass
from datetime import date, datetime

from skm_core.ikm.compute import Tally
from skm_core.storage.database import Reader, format_utc
from skm_core.storage.followup import DONE

_SUMS = ", ".join(
    [f"COALESCE(SUM(s{i}), 0)" for i in range(1, 10)]
    + [f"COALESCE(SUM(c{i}), 0)" for i in range(1, 10)]
)
_ANSWER_SUMS = ", ".join(
    [f"COALESCE(SUM(u{i}), 0)" for i in range(1, 10)] + [f"COUNT(u{i})" for i in range(1, 10)]
)


def _on_the_hour(moment: datetime) -> bool:
    return (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)


def _tally(values: tuple[object, ...]) -> Tally:
    numbers = [int(str(v)) for v in values]
    return Tally(numbers[0], tuple(numbers[1:10]), tuple(numbers[10:19]))


async def unit_tallies(db: Reader, start: datetime, end: datetime) -> dict[str, Tally]:
    """Per unit id, the sums and counts per unsur and the respondents of [start, end).

    One query: bounds on the hour (every local midnight in Indonesia) read the hourly roll-up,
    so the cost follows units x hours, not responses; other bounds read the responses.
    A unit without responses in the period is absent."""
    if _on_the_hour(start) and _on_the_hour(end):
        rows = await db.fetch_all(
            f"SELECT unit_id, COALESCE(SUM(respondents), 0), {_SUMS} FROM response_rollup"
            " WHERE hour >= ? AND hour < ? GROUP BY unit_id",
            (format_utc(start)[:13], format_utc(end)[:13]),
        )
    else:
        rows = await db.fetch_all(
            f"SELECT unit_id, COUNT(*), {_ANSWER_SUMS} FROM survey_responses"
            " WHERE submitted_at >= ? AND submitted_at < ? GROUP BY unit_id",
            (format_utc(start), format_utc(end)),
        )
    return {str(row[0]): _tally(row[1:]) for row in rows if int(row[1])}


@dataclass(frozen=True)
class Population:
    served: int
    source: str
    """"entered" (a figure an official gave for the period) or "tickets" (tickets issued)."""


async def unit_populations(
    db: Reader, period_key: str, start: datetime, end: datetime
) -> dict[str, Population]:
    """Per unit id, the people served in the period, as a unit's own summary finds them: the
    figure its officials entered, else the survey tickets it issued (two queries)."""
    found: dict[str, Population] = {}
    issued = await db.fetch_all(
        "SELECT unit_id, COUNT(*) FROM tickets WHERE issued_at >= ? AND issued_at < ?"
        " GROUP BY unit_id",
        (format_utc(start), format_utc(end)),
    )
    for unit, count in issued:
        if int(count):
            found[str(unit)] = Population(int(count), "tickets")
    entered = await db.fetch_all(
        "SELECT unit_id, served FROM population_figures WHERE period_key = ?", (period_key,)
    )
    for unit, served in entered:
        found[str(unit)] = Population(int(served), "entered")
    return found


async def overdue_plans_per_unit(db: Reader, today: date) -> dict[str, int]:
    """Per unit id, the follow-up plans not carried out whose due date has passed."""
    rows = await db.fetch_all(
        "SELECT unit_id, COUNT(*) FROM follow_up_plans"
        " WHERE status != ? AND due_date IS NOT NULL AND due_date < ? GROUP BY unit_id",
        (DONE, today.isoformat()),
    )
    return {str(unit): int(count) for unit, count in rows}
