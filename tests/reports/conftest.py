from datetime import datetime

import pytest

from skm_core.ikm.responses import SurveyResponse
from skm_core.reports.chart import summary_chart_png
from skm_core.reports.document import Document, report_document
from skm_core.reports.summary import Summary, build_summary
from skm_core.storage.responses import AnswerRecord, answer_records, insert_responses
from tests.reports.sample_data import NOW, PERIOD, WITA, fill_database


@pytest.fixture
async def summary(db, content) -> Summary:
    await fill_database(db)
    return await build_summary(db, content, PERIOD, NOW, WITA, every_suggestion=True)


@pytest.fixture
async def records(db, summary) -> list[AnswerRecord]:
    return await answer_records(db, *PERIOD.utc_bounds(WITA))


@pytest.fixture
async def empty_summary(db, content) -> Summary:
    return await build_summary(db, content, PERIOD, NOW, WITA)


@pytest.fixture
async def summary_without_ikm(db, content) -> Summary:
    """One respondent who left U8 unanswered: no NRR for U8, so no IKM."""
    lone = SurveyResponse(
        submitted_at=datetime(2026, 11, 3, 9, 0, tzinfo=WITA),
        channel="telegram",
        answers=(4, 4, 4, 4, 4, 4, 4, None, 4),
    )
    async with db.transaction() as tx:
        await insert_responses(tx, [lone])
    return await build_summary(db, content, PERIOD, NOW, WITA)


@pytest.fixture
async def summary_document(summary, content) -> Document:
    return report_document(summary, content, summary_chart_png(summary, content))
