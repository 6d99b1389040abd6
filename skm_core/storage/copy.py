"""Moving a SQLite database into PostgreSQL: all of it or nothing, checked before it counts.

Every table is copied in one PostgreSQL transaction, keeping row ids (so references between
tables still hold). The tallies kept beside the responses are not copied but rebuilt, by the
same triggers that keep them on every insert; the copy is then compared with the source (rows
of each table, the tally of every month and of all time) before the transaction commits.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from skm_core.ikm.compute import Tally
from skm_core.storage.database import Database, Transaction
from skm_core.storage.responses import tally_responses

#: Every table, in an order where a row's references are copied before it.
TABLES = (
    "survey_responses",
    "conversations",
    "processed_events",
    "tickets",
    "officials",
    "audit_log",
    "follow_up_plans",
    "outbox",
    "complaints",
    "invitations",
    "population_figures",
    "contact_windows",
    "report_deliveries",
    "report_subscriptions",
    "inbound_messages",
    "sent_messages",
    "imported_files",
    "published_results",
    "publications",
    "desk_links",
    "desk_sessions",
    "content_versions",
    "kiosk_codes",
    "kiosks",
)
#: Kept by triggers on survey_responses: rebuilt in the target, compared, never copied.
ROLLUPS = {
    "response_rollup": "unit_id, hour, service_id, respondents, "
    + ", ".join([f"s{i}" for i in range(1, 10)] + [f"c{i}" for i in range(1, 10)]),
    "profile_rollup": "unit_id, hour, question, answer, respondents",
    "origin_rollup": "unit_id, hour, channel, version, respondents",
}

BATCH_ROWS = 5000


class CopyFailed(Exception):
    pass


@dataclass(frozen=True)
class CopyReport:
    rows: dict[str, int]
    months: dict[str, Tally]
    """The tally of each UTC month with responses, the same on both sides."""


async def copy_database(source: Database, target: Database) -> CopyReport:
    """Copy `source` (SQLite) into the empty `target` (PostgreSQL) and verify it."""
    if source.backend != "sqlite" or target.backend != "postgresql":
        raise CopyFailed("a copy goes from a SQLite database into a PostgreSQL one")
    versions = (await source.schema_version(), await target.schema_version())
    if versions[0] != versions[1]:
        raise CopyFailed(
            f"the schemas differ (SQLite version {versions[0]}, PostgreSQL {versions[1]}):"
            " run both with the same version of the bot"
        )
    async with target.transaction() as tx:
        for table in (*TABLES, *ROLLUPS):
            row = await tx.fetch_one(f"SELECT COUNT(*) FROM {table}")
            if row is None or int(row[0]) != 0:
                raise CopyFailed(f"the PostgreSQL database is not empty (table {table})")
        rows = {table: await _copy_table(source, tx, table) for table in TABLES}
        months = await _verify(source, tx, rows)
    return CopyReport(rows=rows, months=months)


async def _columns(source: Database, table: str) -> tuple[list[str], list[str]]:
    """The table's columns, and those of its primary key (an order that pages stably)."""
    info = await source.fetch_all(f"PRAGMA table_info({table})")
    columns = [str(r[1]) for r in info]
    key = [str(r[1]) for r in sorted(info, key=lambda r: int(r[5])) if int(r[5]) > 0]
    return columns, key


async def _copy_table(source: Database, tx: Transaction, table: str) -> int:
    columns, key = await _columns(source, table)
    names = ", ".join(columns)
    insert = (
        f"INSERT INTO {table} ({names}) OVERRIDING SYSTEM VALUE"
        f" VALUES ({', '.join('?' for _ in columns)})"
    )
    copied = 0
    while True:
        batch = await source.fetch_all(
            f"SELECT {names} FROM {table} ORDER BY {', '.join(key)} LIMIT ? OFFSET ?",
            (BATCH_ROWS, copied),
        )
        if not batch:
            break
        await tx.execute_many(insert, batch)
        copied += len(batch)
    if "id" in columns:
        # New rows continue after the copied ids.
        await tx.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
        )
    return copied


async def _verify(source: Database, tx: Transaction, rows: dict[str, int]) -> dict[str, Tally]:
    for table, count in rows.items():
        row = await tx.fetch_one(f"SELECT COUNT(*) FROM {table}")
        written = int(row[0]) if row else 0
        if written != count:
            raise CopyFailed(f"table {table}: {count} rows read, {written} written")
    for table, columns in ROLLUPS.items():
        # Hours emptied by erasure stay as zero rows in the source; the rebuilt tallies have
        # none. Sorted here, since the two databases may collate text differently; columns
        # named, since the two schemas gained the unit in different places.
        query = f"SELECT {columns} FROM {table} WHERE respondents > 0"
        if sorted(await source.fetch_all(query)) != sorted(await tx.fetch_all(query)):
            raise CopyFailed(f"the tallies of {table} differ after the copy")
    months: dict[str, Tally] = {}
    stored = await source.fetch_all(
        "SELECT DISTINCT unit_id, substr(submitted_at, 1, 7) FROM survey_responses ORDER BY 1, 2"
    )
    for unit, month in stored:
        start = datetime.strptime(f"{month}-01", "%Y-%m-%d").replace(tzinfo=UTC)
        end = (start + timedelta(days=32)).replace(day=1)
        tx.unit = str(unit)
        before, after = (
            await tally_responses(source.for_unit(tx.unit), start, end),
            await tally_responses(tx, start, end),
        )
        label = f"{unit} {month}" if unit else str(month)
        if before != after:
            raise CopyFailed(f"the IKM of {label} differs after the copy")
        months[label] = after
        if await tally_responses(source.for_unit(tx.unit)) != await tally_responses(tx):
            raise CopyFailed(f"the IKM of all responses of {unit or 'the unit'} differs")
    return months
