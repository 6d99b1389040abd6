"""The choice reader: exact words, then prefixes and words, then small typos; never a guess."""

from hypothesis import given
from hypothesis import strategies as st

from skm_core.conversation.choices import Choice, ChoiceReader

NEGATIONS = ["tidak", "tdk", "kurang", "gak", "kada"]
SCALE = [
    Choice("1", "Tidak sesuai"),
    Choice("2", "Kurang sesuai"),
    Choice("3", "Sesuai", ("cocok",)),
    Choice("4", "Sangat sesuai"),
]
EDUCATION = [
    Choice("sd", "SD/Sederajat"),
    Choice("smp", "SMP/Sederajat"),
    Choice("sma", "SMA/Sederajat", ("smk",)),
    Choice("s1", "S1/D4", ("sarjana",)),
]
reader = ChoiceReader(NEGATIONS)


def test_label_alias_prefix_and_typo():
    assert reader.read("Sesuai!", SCALE).chosen == SCALE[2]
    assert reader.read("cocok", SCALE).chosen == SCALE[2]
    assert reader.read("sangat", SCALE).chosen == SCALE[3]
    assert reader.read("sngat sesuai", SCALE).chosen == SCALE[3]
    assert reader.read("sma", EDUCATION).chosen == EDUCATION[2]
    assert reader.read("d4", EDUCATION).chosen == EDUCATION[3]


def test_a_reply_fitting_several_choices_returns_them_all():
    reading = reader.read("sederajat", EDUCATION)
    assert reading.chosen is None
    assert [c.value for c in reading.candidates] == ["sd", "smp", "sma"]


def test_a_word_of_a_longer_reply_counts_only_where_asked():
    assert reader.read("lulusan smk", EDUCATION, by_word=True).chosen == EDUCATION[2]
    assert reader.read("lulusan smk", EDUCATION).chosen is None


@given(
    st.sampled_from(NEGATIONS),
    st.sampled_from(["sesuai", "sangat sesuai", "sgt sesuai", "sesuai banget", "sesuaii"]),
)
def test_a_negated_reply_is_never_a_choice_without_negation(negation, rest):
    for text in (f"{negation} {rest}", f"sangat {negation} {rest}"):
        chosen = reader.read(text, SCALE).chosen
        assert chosen is None or chosen.value in ("1", "2")


@given(st.text(max_size=200))
def test_any_text_is_read_without_error(text):
    for choices in (SCALE, EDUCATION):
        reading = reader.read(text, choices, by_word=True)
        assert reading.chosen is None or reading.chosen in choices
        assert all(c in choices for c in reading.candidates)
