"""The publication image: an A4 portrait PDF and a square PNG of the period's results."""

import io
import re

from PIL import Image
from pypdf import PdfReader

from skm_core.reports.infographic import infographic_pdf, infographic_png


def text_of(pdf: bytes) -> str:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return " ".join((page.extract_text() or "").split())


async def test_the_square_png_is_1080_pixels(summary, content):
    with Image.open(io.BytesIO(infographic_png(summary, content))) as image:
        assert image.size == (1080, 1080)


async def test_the_pdf_is_one_a4_portrait_page(summary, content):
    pdf = infographic_pdf(summary, content)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


async def test_it_shows_the_ikm_mutu_respondents_period_and_nrr(summary, content):
    text = text_of(infographic_pdf(summary, content))
    for words in ("88,39", "Mutu A · Sangat Baik", "8 responden", "November 2026"):
        assert words in text
    for nrr in ("3,63", "2,88", "4,00", "3,57"):
        assert nrr in text
    assert not re.search(r"\d\.\d\d", text)


async def test_it_names_the_lowest_unsur_and_what_the_rtl_does(summary, content):
    text = text_of(infographic_pdf(summary, content))
    assert "U3 Waktu Penyelesaian · 2,88" in text
    assert "Penambahan petugas di bagian front office PATEN" in text
    # U9 has no plan in this period: the image says one is being drawn up.
    assert "Rencana tindak lanjut sedang disusun." in text


async def test_a_period_without_an_ikm_says_so(empty_summary, content):
    assert "Belum ada nilai IKM untuk periode ini." in text_of(
        infographic_pdf(empty_summary, content)
    )
    assert infographic_png(empty_summary, content).startswith(b"\x89PNG")
