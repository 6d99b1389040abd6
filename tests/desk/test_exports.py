"""Exports: one row cannot break them (rows stored before text was cleaned still export), and
a large period never holds up a conversation: its answers are read on a connection of their
own in a worker thread, or a bounded batch at a time between conversation steps."""

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from skm_core.clean_text import EXCEL_CELL_CHARS, clean_text
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage.responses import insert_response
from tests.test_clean_text import BAD, utf16_units

FORMULA = '=HYPERLINK("x")'


@pytest.fixture
async def legacy_bad_rows(db):
    """A control character, a text longer than a cell, a formula with a control character."""
    at = datetime(2024, 6, 2, 3, 0, tzinfo=UTC)
    async with db.transaction() as tx:
        for suggestion in (BAD.replace("\ud800", ""), "x" * 40_000, FORMULA + "\x01"):
            await insert_response(
                tx,
                SurveyResponse(
                    submitted_at=at, channel="telegram", answers=(4,) * 9, suggestion=suggestion
                ),
            )


async def test_an_export_with_bad_rows_still_sends_every_file(admin, legacy_bad_rows):
    replies = await admin.type("/ekspor 2024-06-01..2024-06-30")
    sent = [r.attachment for r in replies if r.attachment is not None]
    # The report, the infographic (PDF and PNG), the workbook and the answers.
    assert sorted(a.filename.rsplit(".", 1)[1] for a in sent) == [
        "csv",
        "pdf",
        "pdf",
        "png",
        "xlsx",
    ]
    [xlsx] = [a.data for a in sent if a.filename.endswith(".xlsx")]
    workbook = load_workbook(io.BytesIO(xlsx))
    texts = [
        value
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]
    assert clean_text(BAD) in texts
    assert FORMULA in texts  # kept as text, not turned into a formula
    assert max(utf16_units(t) for t in texts) <= EXCEL_CELL_CHARS


async def test_a_follow_up_plan_is_cleaned_where_it_is_given(admin, db):
    await admin.type("/rtl tambah 2024; U3; Antrean\x00 online\x07; Semester 2 2024; Kasi\x1b PU")
    assert "RTL [1] dicatat" in admin.text
    assert await db.fetch_all("SELECT activity, responsible FROM follow_up_plans") == [
        ("Antrean online", "Kasi PU")
    ]


async def test_an_export_reads_answers_apart_or_in_bounded_batches(
    admin, engine, citizen, db, monkeypatch
):
    await citizen.type("survei")
    await citizen.choose("Ya")
    await citizen.choose("SKTM")
    await citizen.choose("Perempuan")
    await citizen.type("37")
    await citizen.choose("SMA")
    await citizen.choose("Wirausaha")
    for score in (4, 4, 3, 4, 3, 4, 4, 3, 4):
        await citizen.choose(f"{score} ·")
    await citizen.choose("Lewati")
    await citizen.choose("Kirim")
    assert "Terima kasih" in citizen.text
    through_main: list[str] = []
    fetch_all = type(db).fetch_all

    async def watched(self, sql, params=()):
        through_main.append(sql)
        return await fetch_all(self, sql, params)

    monkeypatch.setattr(type(db), "fetch_all", watched)
    await admin.type("/ekspor bulan ini")
    csv = next(
        r.attachment for r in admin.last if r.attachment and r.attachment.filename.endswith(".csv")
    )
    assert b"sktm" in csv.data.lower() or b"SKTM" in csv.data
    answers_read = [sql for sql in through_main if "u9, suggestion" in sql]
    assert answers_read, "the workbook reads its answers between conversation steps"
    assert all("LIMIT ?" in sql for sql in answers_read), "never a whole period at once"
