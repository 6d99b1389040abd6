"""Follow-up plans (Rencana Tindak Lanjut) for the lowest unsur, and their realisation."""

from dataclasses import dataclass
from datetime import date, datetime

from skm_core.storage.database import Reader, Transaction, format_utc

PLANNED = "planned"
DONE = "done"
NOT_DONE = "not_done"
STATUSES = (PLANNED, DONE, NOT_DONE)

_COLUMNS = (
    "id, period_first, period_last, unsur, activity, target, due_date, responsible, status,"
    " realisation, obstacles, strategy, next_target, stakeholder"
)


@dataclass(frozen=True)
class FollowUpPlan:
    id: int
    period_first: date
    period_last: date
    unsur: str
    activity: str
    target: str
    due_date: date | None
    responsible: str
    status: str
    realisation: str | None
    obstacles: str | None
    strategy: str | None = None
    """For a plan carried forward: how it will now be completed."""
    next_target: str | None = None
    """For a plan carried forward: its new target time."""
    stakeholder: str | None = None
    """For a plan carried forward: who else is needed (e.g. Bagian Organisasi Kabupaten)."""


def _plan(row: tuple[object, ...]) -> FollowUpPlan:
    return FollowUpPlan(
        id=int(str(row[0])),
        period_first=date.fromisoformat(str(row[1])),
        period_last=date.fromisoformat(str(row[2])),
        unsur=str(row[3]),
        activity=str(row[4]),
        target=str(row[5]),
        due_date=date.fromisoformat(str(row[6])) if row[6] else None,
        responsible=str(row[7]),
        status=str(row[8]),
        realisation=str(row[9]) if row[9] is not None else None,
        obstacles=str(row[10]) if row[10] is not None else None,
        strategy=str(row[11]) if row[11] is not None else None,
        next_target=str(row[12]) if row[12] is not None else None,
        stakeholder=str(row[13]) if row[13] is not None else None,
    )


async def add_plan(
    tx: Transaction,
    period_first: date,
    period_last: date,
    unsur: str,
    activity: str,
    target: str,
    due_date: date | None,
    responsible: str,
    now: datetime,
    by: str,
) -> int:
    moment = format_utc(now)
    return await tx.insert(
        "INSERT INTO follow_up_plans (unit_id, period_first, period_last, unsur, activity,"
        " target, due_date, responsible, created_at, created_by, updated_at, updated_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            tx.unit,
            period_first.isoformat(),
            period_last.isoformat(),
            unsur,
            activity,
            target,
            due_date.isoformat() if due_date else None,
            responsible,
            moment,
            by,
            moment,
            by,
        ),
    )


async def record_realisation(
    tx: Transaction,
    plan_id: int,
    status: str,
    realisation: str | None,
    obstacles: str | None,
    now: datetime,
    by: str,
) -> bool:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    changed = await tx.execute(
        "UPDATE follow_up_plans SET status = ?, realisation = COALESCE(?, realisation),"
        " obstacles = COALESCE(?, obstacles), updated_at = ?, updated_by = ?"
        " WHERE unit_id = ? AND id = ?",
        (status, realisation, obstacles, format_utc(now), by, tx.unit, plan_id),
    )
    return changed == 1


async def carry_forward(
    tx: Transaction,
    plan_id: int,
    strategy: str,
    next_target: str,
    stakeholder: str,
    now: datetime,
    by: str,
) -> bool:
    """How an unfinished plan continues: its strategy, new target and stakeholders."""
    changed = await tx.execute(
        "UPDATE follow_up_plans SET strategy = ?, next_target = ?, stakeholder = ?,"
        " updated_at = ?, updated_by = ? WHERE unit_id = ? AND id = ?",
        (strategy, next_target, stakeholder, format_utc(now), by, tx.unit, plan_id),
    )
    return changed == 1


async def plans_for_period(db: Reader, first: date, last: date) -> list[FollowUpPlan]:
    """Plans made for survey periods that overlap first..last."""
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM follow_up_plans"
        " WHERE unit_id = ? AND period_first <= ? AND period_last >= ?"
        " ORDER BY period_first, unsur, id",
        (db.unit, last.isoformat(), first.isoformat()),
    )
    return [_plan(r) for r in rows]


async def open_plans(db: Reader) -> list[FollowUpPlan]:
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM follow_up_plans WHERE unit_id = ? AND status != ?"
        " ORDER BY COALESCE(due_date, '9999-12-31'), id",
        (db.unit, DONE),
    )
    return [_plan(r) for r in rows]


async def all_plans(db: Reader) -> list[FollowUpPlan]:
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM follow_up_plans WHERE unit_id = ? ORDER BY id", (db.unit,)
    )
    return [_plan(r) for r in rows]


async def get_plan(tx: Transaction, plan_id: int) -> FollowUpPlan | None:
    row = await tx.fetch_one(
        f"SELECT {_COLUMNS} FROM follow_up_plans WHERE unit_id = ? AND id = ?", (tx.unit, plan_id)
    )
    return _plan(row) if row else None
