"""A period's summary: the same numbers as the IKM engine, and the words officials read."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from skm_core.calendar.periods import month_of, week_of, year_of
from skm_core.ikm.compute import Tally, compute_ikm
from skm_core.ikm.responses import SurveyResponse
from skm_core.reports.summary import build_summary
from skm_core.reports.summary_text import summary_text
from skm_core.storage.complaints import add_complaint, complaints_of_period
from skm_core.storage.followup import add_plan
from skm_core.storage.history import add_published_result
from skm_core.storage.population import set_population_figure
from skm_core.storage.responses import insert_responses
from tests.complaint_answers import answered

WITA = ZoneInfo("Asia/Makassar")
NOVEMBER = month_of(date(2026, 11, 1))
NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def response(day: int, answers, service="kk", suggestion=None, month=11) -> SurveyResponse:
    return SurveyResponse(
        submitted_at=datetime(2026, month, day, 10, 0, tzinfo=WITA),
        channel="telegram",
        answers=tuple(answers),
        service_id=service,
        profile={"jenis_kelamin": "p", "pendidikan": "sma"},
        suggestion=suggestion,
    )


NOVEMBER_ROWS: list[list[int | None]] = [
    [4, 4, 3, 4, 4, 4, 4, 4, 4],
    [3, 4, 2, 4, 3, 4, 4, 3, 4],
    [4, 3, None, 4, 4, 4, 3, 4, 4],
]


async def store(db, responses) -> None:
    async with db.transaction() as tx:
        await insert_responses(tx, responses)


async def test_summary_numbers_equal_the_engines(db, content):
    await store(db, [response(d + 1, row) for d, row in enumerate(NOVEMBER_ROWS)])
    await store(db, [response(5, [2] * 9, month=10)])
    summary = await build_summary(db, content, NOVEMBER, NOW, WITA)
    expected = compute_ikm(Tally.from_answers(NOVEMBER_ROWS))
    assert summary.result == expected
    assert summary.respondents == 3
    assert summary.previous == compute_ikm(Tally.from_answers([[2] * 9]))
    assert summary.change == expected.ikm - 50
    assert summary.profile["jenis_kelamin"] == {"p": 3}


async def test_per_service_and_unnamed_responses(db, content):
    rows = [response(1, [4] * 9, "kk"), response(2, [2] * 9, "sktm"), response(3, [3] * 9, None)]
    await store(db, rows)
    summary = await build_summary(db, content, NOVEMBER, NOW, WITA)
    lines = {line.service_id: (line.respondents, line.ikm) for line in summary.services}
    expected: dict[str | None, tuple[int, Fraction | None]] = {
        "kk": (1, Fraction(100)),
        "sktm": (1, Fraction(50)),
        None: (1, Fraction(75)),
    }
    assert lines == expected


async def test_population_from_an_entered_figure_else_from_tickets(db, content):
    await store(db, [response(1, [4] * 9)])
    summary = await build_summary(db, content, NOVEMBER, NOW, WITA)
    assert (summary.population, summary.min_sample, summary.sample_adequate) == (None, None, None)
    async with db.transaction() as tx:
        await set_population_figure(tx, NOVEMBER.key(), 100, NOW, "kasi")
    summary = await build_summary(db, content, NOVEMBER, NOW, WITA)
    assert (summary.population, summary.population_source, summary.min_sample) == (
        100,
        "entered",
        80,
    )
    assert summary.sample_adequate is False


async def test_history_covers_the_periods_before(db, content):
    await store(db, [response(1, [4] * 9), response(1, [3] * 9, month=9)])
    summary = await build_summary(db, content, NOVEMBER, NOW, WITA)
    assert [p.period.first.month for p in summary.history] == [6, 7, 8, 9, 10, 11]
    assert [p.ikm for p in summary.history] == [None, None, None, 75, None, 100]


async def test_text_in_indonesian_style(db, content):
    await store(
        db,
        [response(d + 1, row, suggestion="Tambah kursi") for d, row in enumerate(NOVEMBER_ROWS)],
    )
    async with db.transaction() as tx:
        await add_plan(
            tx,
            date(2026, 7, 1),
            date(2026, 12, 31),
            "U3",
            "Tambah petugas",
            "November 2026",
            date(2026, 11, 30),
            "Camat",
            NOW - timedelta(days=60),
            "kasi",
        )
    summary = await build_summary(db, content, NOVEMBER, NOW, WITA)
    text = summary_text(summary, content)
    ikm = compute_ikm(Tally.from_answers(NOVEMBER_ROWS)).ikm_shown
    assert f"IKM: {str(ikm).replace('.', ',')}" in text
    assert "Periode: November 2026" in text
    assert "1. U3 Waktu Penyelesaian" in text
    assert "Tambah kursi" in text
    assert "Rencana tindak lanjut terbuka: 1, lewat waktu: 1." in text
    assert "Periode sebelumnya belum memiliki IKM" in text


async def test_an_empty_period(db, content):
    summary = await build_summary(db, content, week_of(date(2026, 11, 23)), NOW, WITA)
    assert summary.result is None
    assert "Belum ada responden" in summary_text(summary, content)


async def add_published(db, first: date, last: date, ikm: str = "97.72") -> None:
    nrr = {f"U{i}": Decimal("3.9") for i in range(1, 10)}
    async with db.transaction() as tx:
        await add_published_result(tx, first, last, 150, nrr, Decimal(ikm), "Laporan 2023", NOW)


async def test_a_published_result_fills_a_period_without_answers(db, content):
    await store(db, [response(3, [4] * 9, month=11)])
    await add_published(db, date(2023, 7, 1), date(2023, 11, 20))
    summary = await build_summary(db, content, year_of(date(2024, 1, 1)), NOW, WITA)
    point = summary.history[-2]
    assert point.period == year_of(date(2023, 1, 1))
    assert (point.respondents, point.ikm) == (150, Fraction("97.72"))
    assert point.published is not None and point.published.source == "Laporan 2023"
    assert summary.previous is not None and summary.previous.ikm_shown == Decimal("97.72")


async def test_stored_answers_win_over_a_published_result(db, content):
    await store(db, [response(3, [3] * 9, month=10)])
    await add_published(db, date(2026, 10, 1), date(2026, 10, 31), ikm="90")
    summary = await build_summary(db, content, NOVEMBER, NOW, WITA)
    assert summary.history[-2].ikm == 75
    assert summary.history[-2].published is None


async def test_a_small_service_is_flagged_in_the_chat_summary(db, content):
    await store(db, [response(d + 1, row) for d, row in enumerate(NOVEMBER_ROWS)])
    summary = await build_summary(db, content, NOVEMBER, NOW, WITA)
    assert summary.is_small(3)
    text = summary_text(summary, content)
    assert "• Pelayanan Pembuatan Kartu Keluarga: 3 · 91,20*" in text
    assert "kurang dari 10 orang (sampel kecil)" in text


async def test_complaints_of_the_period_only(db, content):
    first, last = NOVEMBER.utc_bounds(WITA)
    async with db.transaction() as tx:
        before = await add_complaint(tx, "telegram", "a", "x", "complaint", "lama", first - HOUR)
        during = await add_complaint(tx, "telegram", "b", "x", "complaint", "kursi", first + HOUR)
        await add_complaint(tx, "telegram", "c", "x", "complaint", "parkir", first + 2 * HOUR)
        await answered(tx, before, "ok", first)
        await answered(tx, during, "ok", first + 4 * HOUR)
    counts = await complaints_of_period(db, first, last)
    assert (counts.received, counts.answered, counts.still_open) == (2, 1, 1)
    assert counts.median_answer_time == 3 * HOUR


async def test_nothing_open_is_said_without_zeros(db, content):
    await store(db, [response(d + 1, row) for d, row in enumerate(NOVEMBER_ROWS)])
    text = summary_text(await build_summary(db, content, NOVEMBER, NOW, WITA), content)
    assert "Tidak ada rencana tindak lanjut yang masih terbuka." in text
    assert "Tidak ada pengaduan/pertanyaan yang belum dijawab." in text
    assert ": 0" not in text


async def test_counts_have_thousands_separators(db, content):
    await store(db, [response(d + 1, row) for d, row in enumerate(NOVEMBER_ROWS)])
    async with db.transaction() as tx:
        await set_population_figure(tx, NOVEMBER.key(), 12500, NOW, "camat")
    text = summary_text(await build_summary(db, content, NOVEMBER, NOW, WITA), content)
    assert "Jumlah pelayanan (dicatat petugas): 12.500; sampel minimum 373." in text
    assert "kurang 370 responden" in text


async def test_the_report_compares_with_the_published_period_it_names(db, content):
    from skm_core.reports.document import report_document

    in_2024 = SurveyResponse(datetime(2024, 5, 2, 9, tzinfo=WITA), "telegram", (4,) * 9)
    await store(db, [in_2024])
    await add_published(db, date(2023, 7, 1), date(2023, 11, 20))
    summary = await build_summary(db, content, year_of(date(2024, 1, 1)), NOW, WITA)
    text = report_document(summary, content, None).text()
    assert "periode sebelumnya (1 Juli 2023 s.d. 20 November 2023, IKM 97,72)" in text


async def test_the_chat_says_how_many_suggestions_it_leaves_out(db, content):
    await store(db, [response(d, [4] * 9, suggestion=f"Saran {d}") for d in range(1, 8)])
    text = summary_text(await build_summary(db, content, NOVEMBER, NOW, WITA), content)
    assert "Saran 7" in text and "Saran 2" not in text
    assert "…dan 2 saran lainnya; seluruhnya ada di laporan PDF (/ekspor)." in text
