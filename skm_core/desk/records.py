"""What the web pages (the desk and the public site) read and write, reached through the
engine (`engine.records`), so that no page holds a database connection of its own."""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from skm_core.calendar.periods import Period
from skm_core.content.loader import Content
from skm_core.content_edits import Saved, restore_shipped, roll_back, save_edit
from skm_core.desk.access import SignedIn, session_of, sign_in, sign_out
from skm_core.reports.publication import withdraw
from skm_core.reports.summary import Summary, build_summary
from skm_core.storage.complaints import Complaint, open_complaints
from skm_core.storage.content_versions import ContentVersion, versions_of
from skm_core.storage.database import Database
from skm_core.storage.desk_access import DeskPerson, DeskSession
from skm_core.storage.followup import FollowUpPlan, all_plans, plans_for_period
from skm_core.storage.history import PublishedResult, published_results
from skm_core.storage.kiosks import (
    Kiosk,
    discard_conversation,
    kiosk_of,
    pair_kiosk,
    survey_in_progress,
    take_ticket,
)
from skm_core.storage.publications import Publication, publications
from skm_core.storage.responses import latest_suggestions
from skm_core.storage.units import official_unit

__all__ = [
    "DeskSession",
    "FollowUpPlan",
    "Kiosk",
    "PageRecords",
    "Publication",
    "PublishedResult",
]


class PageRecords:
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    # --- whose rows a page reads ------------------------------------------------------------

    async def unit_of(self, person: DeskPerson) -> str | None:
        """The unit whose rows a signed-in official may read (`KABUPATEN` for every unit);
        None when they are nobody's official."""
        return await official_unit(self._db, person.channel, person.user_key)

    def for_unit(self, unit_id: str) -> "PageRecords":
        """The same records, reading and writing only this unit's rows."""
        return PageRecords(self._db.for_unit(unit_id), self._clock)

    # --- the kiosk at the counter ---------------------------------------------------------

    async def pair_kiosk(self, code: str, secret: str) -> bool:
        async with self._db.transaction() as tx:
            return await pair_kiosk(tx, code, secret, self._clock())

    async def kiosk_of(self, secret: str) -> Kiosk | None:
        return await kiosk_of(self._db, secret)

    async def take_kiosk_ticket(self, kiosk: Kiosk) -> str | None:
        async with self._db.transaction() as tx:
            return await take_ticket(tx, kiosk.id)

    async def survey_in_progress(self, channel: str, user_key: str) -> bool:
        return await survey_in_progress(self._db, channel, user_key)

    async def discard_conversation(self, channel: str, user_key: str) -> None:
        async with self._db.transaction() as tx:
            await discard_conversation(tx, channel, user_key)

    # --- signing in to the desk -----------------------------------------------------------

    async def sign_in(self, link_token: str) -> SignedIn | None:
        return await sign_in(self._db, link_token, self._clock())

    async def session_of(self, cookie: str | None) -> DeskSession | None:
        return await session_of(self._db, cookie, self._clock())

    async def sign_out(self, cookie: str, person: DeskPerson) -> None:
        await sign_out(self._db, cookie, person, self._clock())

    # --- results ----------------------------------------------------------------------------

    async def summary(self, content: Content, period: Period, tz: ZoneInfo) -> Summary:
        return await build_summary(self._db, content, period, self._clock(), tz)

    async def suggestions(
        self, start: datetime, end: datetime, limit: int
    ) -> list[tuple[datetime, str | None, str]]:
        return await latest_suggestions(self._db, start, end, limit)

    async def publications(self) -> list[Publication]:
        return await publications(self._db)

    async def earlier_results(self) -> list[PublishedResult]:
        """Results the unit published before (`skm riwayat`), for the public trend."""
        return await published_results(self._db)

    async def withdraw(self, period: Period, reason: str, actor: str) -> bool:
        async with self._db.transaction() as tx:
            return await withdraw(tx, period, reason, self._clock(), actor)

    # --- complaints and follow-up plans -----------------------------------------------------

    async def open_complaints(self, limit: int) -> list[Complaint]:
        async with self._db.transaction() as tx:
            return await open_complaints(tx, limit=limit)

    async def all_plans(self) -> list[FollowUpPlan]:
        async with self._db.transaction() as tx:
            return await all_plans(tx)

    async def plans_for_period(self, first: date, last: date) -> list[FollowUpPlan]:
        return await plans_for_period(self._db, first, last)

    # --- the content's edits ----------------------------------------------------------------

    async def versions_of(self, target: str) -> list[ContentVersion]:
        return await versions_of(self._db, target)

    async def save_edit(
        self, base: Content, target: str, form: Mapping[str, str], author: str
    ) -> Saved:
        return await save_edit(self._db, base, target, form, author, self._clock())

    async def restore_shipped(self, base: Content, target: str, author: str) -> Saved:
        return await restore_shipped(self._db, base, target, author, self._clock())

    async def roll_back(self, base: Content, version_id: int, author: str) -> Saved | None:
        return await roll_back(self._db, base, version_id, author, self._clock())
