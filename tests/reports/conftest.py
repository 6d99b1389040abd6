import pytest

from skm_core.reports.chart import summary_chart_png
from skm_core.reports.document import Document, report_document
from skm_core.storage.responses import AnswerRecord, answer_records
from skm_core.summary import Summary, build_summary
from tests.reports.sample_data import NOW, PERIOD, WITA, fill_database


@pytest.fixture
async def summary(db, content) -> Summary:
    await fill_database(db)
    return await build_summary(db, content, PERIOD, NOW, WITA)


@pytest.fixture
async def records(db, summary) -> list[AnswerRecord]:
    return await answer_records(db, *PERIOD.utc_bounds(WITA))


@pytest.fixture
async def empty_summary(db, content) -> Summary:
    return await build_summary(db, content, PERIOD, NOW, WITA)


@pytest.fixture
async def summary_document(summary, content) -> Document:
    return report_document(summary, content, summary_chart_png(summary, content))
