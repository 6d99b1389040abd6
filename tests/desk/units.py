"""Three units in one database, for the tests of what crosses units and what must not."""

import itertools
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from skm_core.content import Content
from skm_core.conversation.channels import PROFILES
from skm_core.conversation.messages import Event, EventKind, Reply
from skm_core.conversation.survey import StepContext
from skm_core.desk import OfficialDesk
from skm_core.desk.kabupaten import KabupatenDesk
from skm_core.storage import Database
from skm_core.storage.units import KABUPATEN

WITA = ZoneInfo("Asia/Makassar")
REGION = "Kabupaten Kutai Kartanegara"
UNITS = {
    "sangasanga": "Kecamatan Sangasanga",
    "anggana": "Kecamatan Anggana",
    "muara-jawa": "Kecamatan Muara Jawa",
}
_events = itertools.count()


def unit_content(content: Content, unit: str) -> Content:
    name = UNITS[unit]
    short = name.removeprefix("Kecamatan ")
    return replace(
        content, unit=content.unit.model_copy(update={"name": name, "short_name": short})
    )


def unit_contents(content: Content) -> dict[str, Content]:
    return {unit: unit_content(content, unit) for unit in UNITS}


async def desk_says(
    db: Database,
    desk: KabupatenDesk | OfficialDesk,
    text: str,
    now: datetime,
    user: str,
    roles: frozenset[str] = frozenset(),
) -> list[Reply]:
    """A command given to a desk as the engine gives it, in a transaction of `db`'s unit; no
    reply when the desk does not serve it to these roles."""
    event = Event("telegram", user, f"k-{next(_events)}", EventKind.TEXT, text, f"chat-{user}")
    ctx = StepContext(now.astimezone(UTC), PROFILES["telegram"], "telegram", user)
    if not desk.wants(event) or not desk.serves(event, roles):
        return []  # the engine gives it to the ordinary conversation
    async with db.transaction() as tx:
        served = await desk.handle(tx, event, ctx, roles)
    if served is None:
        return []
    return [*served.replies, *(await served.later() if served.later else [])]


async def kabupaten_says(
    db: Database,
    desk: KabupatenDesk,
    text: str,
    now: datetime,
    user: str = "bupati-org",
    roles: frozenset[str] = frozenset({"pejabat"}),
) -> list[Reply]:
    """A kabupaten official's command, through the kabupaten's desk as the engine gives it."""
    return await desk_says(db.for_unit(KABUPATEN), desk, text, now, user, roles)
