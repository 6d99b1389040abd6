"""The IKM engine: the regulation's arithmetic, exactly, on every boundary."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skm_core.ikm.compute import (
    Grade,
    InvalidAnswer,
    Tally,
    UnansweredUnsur,
    Weighting,
    compute_ikm,
    grade_for,
    round_half_up,
)
from tests.answer_sets import rows_with_total, rows_with_unsur_sums

# Tabel 1 of the unit's report, period 1 July to 20 November 2023, NRR per unsur as printed.
REPORT_2023 = {
    "U1": "3,88",
    "U2": "3,88",
    "U3": "3,86",
    "U4": "3,99",
    "U5": "3,89",
    "U6": "3,89",
    "U7": "3,9",
    "U8": "3,99",
    "U9": "3,9",
}
# Answers worked out by hand, not from the table: 73 respondents who all answered every unsur,
# each answering 4 except this many who answered 3 (e.g. U3: 4 - 10/73 = 3.863).
RESPONDENTS_2023 = 73
THREES_2023 = {"U1": 9, "U2": 9, "U3": 10, "U4": 1, "U5": 8, "U6": 8, "U7": 7, "U8": 1, "U9": 7}


def ikm_of(rows: list[list[int | None]]) -> Decimal:
    return compute_ikm(Tally.from_answers(rows)).ikm_shown


class TestUnitReport2023:
    @pytest.fixture
    def result(self):
        rows = [
            [3 if person < THREES_2023[f"U{i}"] else 4 for i in range(1, 10)]
            for person in range(RESPONDENTS_2023)
        ]
        return compute_ikm(Tally.from_answers(rows))

    def test_nrr_per_unsur_matches_the_report(self, result):
        printed = {code: Decimal(v.replace(",", ".")) for code, v in REPORT_2023.items()}
        assert {code: result.nrr_shown(code) for code in REPORT_2023} == printed

    def test_ikm_is_25_times_the_mean_nrr(self, result):
        # 73 x 9 answers of 4, less one for each of the 60 answers of 3.
        assert result.ikm == Fraction(25 * (73 * 9 * 4 - 60), 9 * 73)
        assert result.ikm_shown == Decimal("97.72")

    def test_every_unsur_and_the_whole_are_sangat_baik(self, result):
        assert result.grade is Grade.A
        assert {result.unsur_grade(f"U{i}") for i in range(1, 10)} == {Grade.A}

    def test_kecepatan_pelayanan_is_the_lowest(self, result):
        # The report follows up U3 (3,86) first, then Prosedur and Persyaratan (3,88 both);
        # the tie between those two is ordered here by unsur number.
        assert result.lowest() == ["U3", "U1", "U2"]


class TestIntervalBoundaries:
    """Raw answer sets whose IKM lands exactly on each edge of the regulation's table."""

    @pytest.mark.parametrize(
        ("respondents", "total", "shown", "grade"),
        [
            (250, 7947, "88.30", Grade.B),  # mean answer 3.532
            (2500, 79479, "88.31", Grade.A),  # mean answer 3.5324
            (250, 6894, "76.60", Grade.C),  # 3.064
            (2500, 68949, "76.61", Grade.B),  # 3.0644
            (250, 5850, "65.00", Grade.C),  # 2.6
            (2500, 58491, "64.99", Grade.D),  # 2.5996
        ],
    )
    def test_boundary(self, respondents, total, shown, grade):
        result = compute_ikm(Tally.from_answers(rows_with_total(respondents, total)))
        assert result.ikm_shown == Decimal(shown)
        assert result.grade is grade

    def test_value_between_printed_intervals_is_classified_after_rounding(self):
        # 88.305 lies in the printed gap between 88.30 and 88.31; rounded half up it is 88.31.
        assert grade_for(Fraction(88305, 1000)) is Grade.A
        assert grade_for(Fraction(883049, 10000)) is Grade.B
        assert grade_for(Fraction(76605, 1000)) is Grade.B
        assert grade_for(Fraction(64995, 1000)) is Grade.C

    def test_unsur_grade_uses_the_same_table_on_nrr_times_25(self):
        rows = rows_with_unsur_sums(250, [883] + [1000] * 8)  # U1 NRR 3.532 -> 88.30
        result = compute_ikm(Tally.from_answers(rows))
        assert result.unsur_grade("U1") is Grade.B
        assert result.unsur_grade("U2") is Grade.A


class TestBlanks:
    def test_nrr_divides_by_those_who_answered_that_unsur(self):
        rows: list[list[int | None]] = [[4, 4, 4, 4, 4, 4, 4, 4, 4], [2, None, 4, 4, 4, 4, 4, 4, 4]]
        result = compute_ikm(Tally.from_answers(rows))
        assert result.nrr["U1"] == 3
        assert result.nrr["U2"] == 4
        assert result.respondents == 2

    def test_an_unsur_nobody_answered_has_no_ikm(self):
        rows = [[4, 4, None, 4, 4, 4, 4, 4, None]]
        with pytest.raises(UnansweredUnsur) as err:
            compute_ikm(Tally.from_answers(rows))
        assert err.value.codes == ("U3", "U9")

    def test_no_respondents_at_all(self):
        with pytest.raises(UnansweredUnsur):
            compute_ikm(Tally.empty())


class TestInvalidAnswers:
    @pytest.mark.parametrize("bad", [0, 5, -1, True, 3.5, "4"])
    def test_values_outside_one_to_four_are_refused_not_counted(self, bad):
        with pytest.raises(InvalidAnswer) as err:
            Tally.from_answers([[4, 4, 4, bad, 4, 4, 4, 4, 4]])
        assert err.value.code == "U4"
        assert err.value.index == 1

    def test_a_row_must_have_nine_answers(self):
        with pytest.raises(ValueError, match="expected 9"):
            Tally.from_answers([[4] * 8])


class TestLowest:
    def test_ties_are_broken_by_unsur_number(self):
        rows = [[3, 4, 3, 4, 3, 4, 4, 4, 4]]
        assert compute_ikm(Tally.from_answers(rows)).lowest() == ["U1", "U3", "U5"]

    def test_ranking_uses_exact_values_not_rounded_ones(self):
        # U2 = 3.877 and U1 = 3.884 both show as 3,88, yet U2 is lower.
        rows = rows_with_unsur_sums(1000, [3884, 3877, 3860, 3990, 3890, 3890, 3900, 3990, 3900])
        assert compute_ikm(Tally.from_answers(rows)).lowest() == ["U3", "U2", "U1"]


class TestLegacyWeight:
    def test_printed_weight_gives_99_9_for_a_perfect_survey(self):
        result = compute_ikm(Tally.from_answers([[4] * 9]), Weighting.LEGACY)
        assert result.ikm_shown == Decimal("99.90")

    def test_exact_weight_is_the_default(self):
        assert compute_ikm(Tally.from_answers([[4] * 9])).ikm == 100


class TestRounding:
    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            (Fraction(88305, 1000), "88.31"),
            (Fraction(883049999, 10**7), "88.30"),
            (Fraction(1, 3), "0.33"),
            (Fraction(2, 3), "0.67"),
            (Fraction(-1, 200), "-0.01"),
            (Fraction(100), "100.00"),
        ],
    )
    def test_half_up_on_exact_values(self, value, shown):
        assert str(round_half_up(value, 2)) == shown


answer = st.one_of(st.none(), st.integers(min_value=1, max_value=4))
complete_row = st.lists(st.integers(min_value=1, max_value=4), min_size=9, max_size=9)
row = st.lists(answer, min_size=9, max_size=9)
answer_sets = st.lists(complete_row, min_size=1, max_size=40).flatmap(
    lambda base: st.lists(row, max_size=40).map(lambda extra: base + extra)
)


class TestProperties:
    @given(answer_sets, st.randoms())
    def test_order_of_respondents_does_not_matter(self, rows, rnd):
        shuffled = list(rows)
        rnd.shuffle(shuffled)
        assert compute_ikm(Tally.from_answers(shuffled)) == compute_ikm(Tally.from_answers(rows))

    @given(st.integers(min_value=1, max_value=500))
    def test_all_fours_give_100_and_all_ones_give_25(self, n):
        assert compute_ikm(Tally.from_answers([[4] * 9] * n)).ikm == 100
        assert compute_ikm(Tally.from_answers([[1] * 9] * n)).ikm == 25

    @given(answer_sets)
    def test_ikm_stays_within_25_and_100(self, rows):
        result = compute_ikm(Tally.from_answers(rows))
        assert 25 <= result.ikm <= 100
        assert all(1 <= v <= 4 for v in result.nrr.values())

    @given(answer_sets)
    def test_ikm_equals_25_times_mean_nrr(self, rows):
        tally = Tally.from_answers(rows)
        result = compute_ikm(tally)
        mean = sum(Fraction(s, c) for s, c in zip(tally.sums, tally.counts, strict=True)) / 9
        assert result.ikm == 25 * mean

    @given(st.lists(complete_row, min_size=1, max_size=30), st.integers(1, 4))
    def test_adding_a_respondent_at_the_current_mean_changes_nothing(self, rows, k):
        # k copies of every row keep each NRR the same: the added respondents answer the mean.
        result = compute_ikm(Tally.from_answers(rows))
        assert compute_ikm(Tally.from_answers(rows * (k + 1))).ikm == result.ikm

    @given(answer_sets)
    def test_a_respondent_answering_every_whole_nrr_changes_nothing(self, rows):
        before = compute_ikm(Tally.from_answers(rows))
        newcomer = [int(v) if v.denominator == 1 else None for v in before.nrr.values()]
        after = compute_ikm(Tally.from_answers([*rows, newcomer]))
        assert after.nrr == before.nrr
        assert after.ikm == before.ikm

    @given(answer_sets, answer_sets)
    def test_tallies_add_up(self, first, second):
        assert Tally.from_answers(first) + Tally.from_answers(second) == Tally.from_answers(
            first + second
        )
