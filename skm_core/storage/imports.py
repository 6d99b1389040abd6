"""Which answer files were imported, by the hash of their content, so that importing the same
file twice does not count its answers twice."""

from dataclasses import dataclass
from datetime import datetime

from skm_core.storage.database import Reader, Transaction, format_utc, parse_utc


@dataclass(frozen=True)
class ImportedFile:
    file_name: str
    imported_at: datetime
    responses: int


async def find_import(db: Reader, sha256: str) -> ImportedFile | None:
    row = await db.fetch_one(
        "SELECT file_name, imported_at, responses FROM imported_files"
        " WHERE unit_id = ? AND sha256 = ?",
        (db.unit, sha256),
    )
    return ImportedFile(str(row[0]), parse_utc(str(row[1])), int(row[2])) if row else None


async def record_import(
    tx: Transaction, sha256: str, file_name: str, now: datetime, responses: int
) -> None:
    """Remember the file; imported again on purpose, it is remembered as of now."""
    await tx.execute(
        "INSERT INTO imported_files (unit_id, sha256, file_name, imported_at, responses)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (unit_id, sha256) DO UPDATE SET"
        " file_name = excluded.file_name, imported_at = excluded.imported_at,"
        " responses = excluded.responses",
        (tx.unit, sha256, file_name, format_utc(now), responses),
    )
