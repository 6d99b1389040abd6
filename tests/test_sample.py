"""Krejcie & Morgan minimum sample sizes, as the published table gives them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skm_core.ikm.sample import krejcie_morgan, sample_adequate

PUBLISHED = {
    10: 10, 15: 14, 20: 19, 25: 24, 30: 28, 40: 36, 50: 44, 60: 52, 70: 59, 80: 66, 90: 73,
    100: 80, 110: 86, 150: 108, 200: 132, 220: 140, 250: 152, 300: 169, 400: 196, 500: 217,
    600: 234, 700: 248, 800: 260, 900: 269, 1000: 278, 1200: 291, 1500: 306, 2000: 322,
    3000: 341, 4000: 351, 5000: 357, 10000: 370, 20000: 377, 50000: 381, 1000000: 384,
}  # fmt: skip


@pytest.mark.parametrize(("population", "sample"), sorted(PUBLISHED.items()))
def test_matches_the_published_table(population, sample):
    assert krejcie_morgan(population) == sample


def test_formula_value_where_the_table_rounds_up():
    # The table prints 384 for N = 100000; the formula gives 382.6, which rounds to 383.
    assert krejcie_morgan(100_000) == 383


def test_no_population_needs_no_sample():
    assert krejcie_morgan(0) == 0


def test_negative_population_is_refused():
    with pytest.raises(ValueError, match="negative"):
        krejcie_morgan(-1)


def test_adequacy():
    assert sample_adequate(80, 100)
    assert not sample_adequate(79, 100)


@given(st.integers(min_value=1, max_value=10**7))
def test_sample_never_exceeds_population_and_never_exceeds_384(n):
    assert 1 <= krejcie_morgan(n) <= min(n, 384)


@given(st.integers(min_value=1, max_value=10**6))
def test_sample_grows_with_population(n):
    assert krejcie_morgan(n) <= krejcie_morgan(n + 1)
