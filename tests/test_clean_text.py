"""Text from people is cleaned where it enters and where a cell is written, so that one row
cannot break an export."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from skm_core.clean_text import EXCEL_CELL_CHARS, clean_text

BAD = "Antre\x00 lama\x07,\x1b[31m petugas\x0b ramah\r\nterima kasih\ud800\uffff 👍"


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@given(st.text(), st.integers(min_value=2, max_value=200))
def test_cleaned_text_has_no_control_character_and_fits(text, limit):
    cleaned = clean_text(text, limit)
    assert all(c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs") for c in cleaned)
    assert "\ufffe" not in cleaned and "\uffff" not in cleaned
    assert utf16_units(cleaned) <= limit
    cleaned.encode("utf-8")  # no lone surrogate left


@given(st.text())
def test_cleaning_twice_changes_nothing_more(text):
    once = clean_text(text)
    assert clean_text(once) == once


@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs"]), max_size=300))
def test_ordinary_text_is_kept_as_it_is(text):
    assert clean_text(text) == text


def test_what_is_removed_and_what_stays():
    assert clean_text(BAD) == "Antre lama,[31m petugas ramah\nterima kasih 👍"


def test_a_long_text_is_cut_with_an_ellipsis_counting_utf16_units():
    assert clean_text("a" * 10, 5) == "aaaa…"
    assert clean_text("👍" * 10, 5) == "👍👍…"
    assert utf16_units(clean_text("👍" * 40_000)) <= EXCEL_CELL_CHARS


def test_the_limit_never_exceeds_a_spreadsheet_cell():
    assert utf16_units(clean_text("x" * 50_000, 100_000)) == EXCEL_CELL_CHARS
