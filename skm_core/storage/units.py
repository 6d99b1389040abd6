"""What looks across units: finding which unit a ticket, an invitation or an official belongs
to before anything of that unit is read, and giving rows from before units their unit.

Everything else in the storage package reads and writes only the rows of the reader's unit
(`Database.for_unit`, `Transaction.unit`); these few functions are the explicit exceptions.
"""

from skm_core.storage.database import Database, Reader
from skm_core.storage.officials import code_digest

KABUPATEN = "*"
"""The scope of an official (and an invitation) of the kabupaten: every unit, read only
through the kabupaten's own roll-ups."""

#: Tables whose rows belong to a unit, as migration 14 gave them `unit_id`.
UNIT_TABLES = (
    "survey_responses",
    "tickets",
    "officials",
    "invitations",
    "audit_log",
    "follow_up_plans",
    "complaints",
    "population_figures",
    "imported_files",
    "published_results",
    "publications",
    "content_versions",
    "kiosk_codes",
    "kiosks",
)

_SUMS = ", ".join(f"COALESCE(SUM(u{i}), 0)" for i in range(1, 10))
_COUNTS = ", ".join(f"COUNT(u{i})" for i in range(1, 10))
_ROLLUP_COLUMNS = "unit_id, hour, service_id, respondents, " + ", ".join(
    [f"s{i}" for i in range(1, 10)] + [f"c{i}" for i in range(1, 10)]
)
_PROFILE_ANSWERS = {
    "sqlite": "json_each(r.profile) AS p",
    "postgresql": "jsonb_each_text(r.profile::jsonb) AS p",
}


async def ticket_unit(reader: Reader, token: str) -> str | None:
    """The unit that issued a ticket (a token is unique across units)."""
    row = await reader.fetch_one("SELECT unit_id FROM tickets WHERE token = ?", (token,))
    return str(row[0]) if row else None


async def invitation_unit(reader: Reader, code: str) -> str | None:
    """The unit an invitation code invites into (`KABUPATEN` for the kabupaten)."""
    row = await reader.fetch_one(
        "SELECT unit_id FROM invitations WHERE code = ?", (code_digest(code.strip().upper()),)
    )
    return str(row[0]) if row else None


async def official_unit(reader: Reader, channel: str, user_key: str) -> str | None:
    """The unit a person is an official of (`KABUPATEN`), or None when they are none."""
    row = await reader.fetch_one(
        "SELECT unit_id FROM officials WHERE channel = ? AND user_key = ? ORDER BY id LIMIT 1",
        (channel, user_key),
    )
    return str(row[0]) if row else None


async def units_with_rows(reader: Reader) -> list[str]:
    """The units that have survey responses, '' for responses from before units."""
    rows = await reader.fetch_all("SELECT DISTINCT unit_id FROM survey_responses ORDER BY 1")
    return [str(r[0]) for r in rows]


async def adopt_rows(db: Database, unit_id: str) -> int:
    """Give every row from before units (unit '') to `unit_id`; how many rows changed.

    Run at start-up for a deployment's own (or first) unit. Rows that already have a unit
    keep it; the roll-ups of the adopted responses are rebuilt under their unit. When there
    is nothing to adopt it writes nothing: one look per table.
    """
    if not unit_id or unit_id == KABUPATEN:
        raise ValueError("rows are adopted by a unit, not by the kabupaten or by no one")
    changed = 0
    async with db.transaction(begin_now=True) as tx:
        for table in UNIT_TABLES:
            changed += await tx.execute(
                f"UPDATE {table} SET unit_id = ? WHERE unit_id = ''", (unit_id,)
            )
        if changed == 0:
            return 0
        await tx.execute("DELETE FROM response_rollup WHERE unit_id IN ('', ?)", (unit_id,))
        await tx.execute("DELETE FROM profile_rollup WHERE unit_id IN ('', ?)", (unit_id,))
        await tx.execute("DELETE FROM origin_rollup WHERE unit_id IN ('', ?)", (unit_id,))
        await tx.execute(
            "INSERT INTO origin_rollup (unit_id, hour, channel, version, respondents)"
            " SELECT unit_id, substr(submitted_at, 1, 13), channel,"
            " COALESCE(questionnaire_version, ''), COUNT(*) FROM survey_responses"
            " WHERE unit_id = ? GROUP BY 1, 2, 3, 4",
            (unit_id,),
        )
        await tx.execute(
            f"INSERT INTO response_rollup ({_ROLLUP_COLUMNS})"
            " SELECT unit_id, substr(submitted_at, 1, 13), COALESCE(service_id, ''), COUNT(*),"
            f" {_SUMS}, {_COUNTS} FROM survey_responses WHERE unit_id = ? GROUP BY 1, 2, 3",
            (unit_id,),
        )
        await tx.execute(
            "INSERT INTO profile_rollup (unit_id, hour, question, answer, respondents)"
            " SELECT r.unit_id, substr(r.submitted_at, 1, 13), p.key, CAST(p.value AS TEXT),"
            f" COUNT(*) FROM survey_responses AS r, {_PROFILE_ANSWERS[tx.backend]}"
            " WHERE r.unit_id = ? GROUP BY 1, 2, 3, 4",
            (unit_id,),
        )
    return changed
