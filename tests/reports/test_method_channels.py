"""The report's method chapter tells the ways answers came in apart: the counter's kiosk, the
website chat, the chat apps and imported files, each under its own name."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from skm_core.calendar.periods import month_of
from skm_core.content import Content
from skm_core.ikm.responses import SurveyResponse
from skm_core.reports.blocks import Section, Table
from skm_core.reports.chapters.method import method
from skm_core.reports.summary import build_summary
from skm_core.storage import Database
from skm_core.storage.responses import insert_responses

WITA = ZoneInfo("Asia/Makassar")
NOVEMBER = month_of(date(2026, 11, 1))
CHANNELS = {"kiosk": 3, "webchat": 2, "telegram": 1, "import": 4}


def _collection(section: Section) -> Table:
    tables = [b for b in section.blocks if isinstance(b, Table)]
    return tables[-1]


async def test_kiosk_chat_and_imported_answers_are_counted_apart(db: Database, content: Content):
    rows = [
        SurveyResponse(
            submitted_at=datetime(2026, 11, 3 + n, 10, 0, tzinfo=WITA),
            channel=channel,
            answers=(4, 4, 3, 4, 4, 4, 4, 4, 4),
            service_id="kk",
        )
        for channel, count in CHANNELS.items()
        for n in range(count)
    ]
    async with db.transaction() as tx:
        await insert_responses(tx, rows)
    summary = await build_summary(db, content, NOVEMBER, datetime(2026, 12, 1, tzinfo=UTC), WITA)
    table = _collection(method(summary, content))
    counts = {row[0]: row[1] for row in table.rows}
    assert counts == {
        "Kios survei di loket": "3",
        "Chat situs web": "2",
        "Telegram": "1",
        "Impor berkas": "4",
    }
