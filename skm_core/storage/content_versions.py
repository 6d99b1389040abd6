"""Versions of content edited from the desk, stored over the shipped content files."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from skm_core.storage.database import Reader, Transaction, format_utc, parse_utc


@dataclass(frozen=True)
class ContentVersion:
    id: int
    target: str
    data: dict[str, Any] | None
    """The whole edited document; None restores the shipped file."""
    changed: list[str]
    author: str
    created_at: datetime
    rollback_of: int | None


_COLUMNS = "id, target, data, changed, author, created_at, rollback_of"


def _version(row: tuple[object, ...]) -> ContentVersion:
    return ContentVersion(
        id=int(str(row[0])),
        target=str(row[1]),
        data=json.loads(str(row[2])) if row[2] is not None else None,
        changed=list(json.loads(str(row[3]))),
        author=str(row[4]),
        created_at=parse_utc(str(row[5])),
        rollback_of=int(str(row[6])) if row[6] is not None else None,
    )


async def add_version(
    tx: Transaction,
    target: str,
    data: dict[str, Any] | None,
    changed: list[str],
    author: str,
    now: datetime,
    rollback_of: int | None = None,
) -> int:
    return await tx.insert(
        "INSERT INTO content_versions (unit_id, target, data, changed, author, created_at,"
        " rollback_of) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            tx.unit,
            target,
            json.dumps(data, ensure_ascii=False) if data is not None else None,
            json.dumps(changed),
            author,
            format_utc(now),
            rollback_of,
        ),
    )


async def latest_versions(db: Reader) -> dict[str, ContentVersion]:
    """The version in force for each edited target."""
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM content_versions WHERE id IN"
        " (SELECT MAX(id) FROM content_versions WHERE unit_id = ? GROUP BY target)",
        (db.unit,),
    )
    return {v.target: v for v in map(_version, rows)}


async def versions_of(db: Reader, target: str) -> list[ContentVersion]:
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM content_versions WHERE unit_id = ? AND target = ?"
        " ORDER BY id DESC",
        (db.unit, target),
    )
    return [_version(r) for r in rows]


async def version_by_id(db: Reader, version_id: int) -> ContentVersion | None:
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM content_versions WHERE unit_id = ? AND id = ?",
        (db.unit, version_id),
    )
    return _version(row) if row else None


async def content_revisions(db: Reader) -> dict[str, int]:
    """Every unit's newest version id, in one query across units: one look tells a process
    which units' content changed."""
    rows = await db.fetch_all("SELECT unit_id, MAX(id) FROM content_versions GROUP BY unit_id")
    return {str(unit): int(str(newest)) for unit, newest in rows}


async def content_revision(db: Reader) -> int:
    """The unit's newest version id: a cheap way for a process to see that content changed."""
    row = await db.fetch_one(
        "SELECT COALESCE(MAX(id), 0) FROM content_versions WHERE unit_id = ?", (db.unit,)
    )
    return int(str(row[0])) if row else 0
