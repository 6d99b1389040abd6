from hypothesis import given
from hypothesis import strategies as st

from skm_core.conversation.text_split import split_text


def test_short_text_is_one_piece():
    assert split_text("Persyaratan:\n1. KTP", 100) == ["Persyaratan:\n1. KTP"]


def test_cuts_between_paragraphs_first():
    text = "a" * 40 + "\n\n" + "b" * 40
    assert split_text(text, 60) == ["a" * 40, "b" * 40]


def test_a_word_longer_than_the_limit_is_cut_hard():
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


@given(st.text(max_size=3000), st.integers(min_value=1, max_value=500))
def test_pieces_fit_and_lose_no_visible_character(text, limit):
    pieces = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())
