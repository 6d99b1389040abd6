"""The Indeks Kepuasan Masyarakat of PermenPANRB 14/2017, computed exactly.

NRR per unsur is the sum of its answers over the number of respondents who answered it. The IKM
is 25 times the mean of the nine NRR: every unsur weighs exactly 1/9. All arithmetic is done in
fractions; values are rounded (half up, to two decimals) only to be shown and to be classified.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from skm_core.content.models import UNSUR_CODES

MIN_SCORE = 1
MAX_SCORE = 4
SCALE = 25
LOWEST_COUNT = 3
LEGACY_WEIGHT = Fraction(111, 1000)
"""The weight printed as 0,111 in many reports; kept only to reproduce old spreadsheets."""

Answer = int | None
"""One answer, 1..4, or None when the respondent left the unsur unanswered."""


class Weighting(StrEnum):
    EXACT = "exact"
    LEGACY = "legacy"


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


# Lower bounds of each grade on the 25..100 scale, applied to the value rounded to two decimals.
GRADE_FLOORS: tuple[tuple[Decimal, Grade], ...] = (
    (Decimal("88.31"), Grade.A),
    (Decimal("76.61"), Grade.B),
    (Decimal("65.00"), Grade.C),
)


class InvalidAnswer(ValueError):
    def __init__(self, index: int, code: str, value: object) -> None:
        self.index, self.code, self.value = index, code, value
        super().__init__(f"respondent {index}, {code}: {value!r} is not an answer from 1 to 4")


class UnansweredUnsur(ValueError):
    """No respondent answered these unsur, so their NRR (and so the IKM) does not exist."""

    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = tuple(codes)
        super().__init__(f"no answers for {', '.join(self.codes)}")


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """Round an exact value the way reports and spreadsheets do (half away from zero)."""
    scaled = abs(value) * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    if value < 0:
        whole = -whole
    return Decimal(whole).scaleb(-places)


def grade_for(score: Fraction) -> Grade:
    """Classify a value on the 25..100 scale after rounding it to two decimals."""
    shown = round_half_up(score, 2)
    for floor, grade in GRADE_FLOORS:
        if shown >= floor:
            return grade
    return Grade.D


@dataclass(frozen=True)
class Tally:
    """Sums and counts of answers per unsur: all the IKM needs, and what SQL can aggregate."""

    respondents: int
    sums: tuple[int, ...]
    counts: tuple[int, ...]

    @classmethod
    def empty(cls) -> "Tally":
        zeros = (0,) * len(UNSUR_CODES)
        return cls(0, zeros, zeros)

    @classmethod
    def from_answers(cls, rows: Iterable[Sequence[Answer]]) -> "Tally":
        sums = [0] * len(UNSUR_CODES)
        counts = [0] * len(UNSUR_CODES)
        respondents = 0
        for index, row in enumerate(rows, start=1):
            if len(row) != len(UNSUR_CODES):
                raise ValueError(f"respondent {index}: expected 9 answers, got {len(row)}")
            respondents += 1
            for i, value in enumerate(row):
                if value is None:
                    continue
                if (
                    isinstance(value, bool)
                    or not isinstance(value, int)
                    or not MIN_SCORE <= value <= MAX_SCORE
                ):
                    raise InvalidAnswer(index, UNSUR_CODES[i], value)
                sums[i] += value
                counts[i] += 1
        return cls(respondents, tuple(sums), tuple(counts))

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(
            self.respondents + other.respondents,
            tuple(a + b for a, b in zip(self.sums, other.sums, strict=True)),
            tuple(a + b for a, b in zip(self.counts, other.counts, strict=True)),
        )


@dataclass(frozen=True)
class IkmResult:
    respondents: int
    nrr: dict[str, Fraction]
    ikm: Fraction
    weighting: Weighting = Weighting.EXACT

    @property
    def ikm_shown(self) -> Decimal:
        return round_half_up(self.ikm, 2)

    @property
    def grade(self) -> Grade:
        return grade_for(self.ikm)

    def nrr_shown(self, code: str, places: int = 2) -> Decimal:
        return round_half_up(self.nrr[code], places)

    def unsur_score(self, code: str) -> Fraction:
        """An unsur's NRR on the 25..100 scale (NRR x 25)."""
        return self.nrr[code] * SCALE

    def unsur_grade(self, code: str) -> Grade:
        return grade_for(self.unsur_score(code))

    def lowest(self, count: int = LOWEST_COUNT) -> list[str]:
        """The unsur with the lowest NRR, ascending; ties keep the unsur order (U1 before U2)."""
        ranked = sorted(UNSUR_CODES, key=lambda code: (self.nrr[code], UNSUR_CODES.index(code)))
        return ranked[:count]


def compute_ikm(tally: Tally, weighting: Weighting = Weighting.EXACT) -> IkmResult:
    """The IKM of a tally; raises UnansweredUnsur when an unsur has no answer at all."""
    missing = [code for code, n in zip(UNSUR_CODES, tally.counts, strict=True) if n == 0]
    if missing:
        raise UnansweredUnsur(missing)
    nrr = {
        code: Fraction(total, n)
        for code, total, n in zip(UNSUR_CODES, tally.sums, tally.counts, strict=True)
    }
    if weighting is Weighting.EXACT:
        index = SCALE * sum(nrr.values(), Fraction(0)) / len(UNSUR_CODES)
    else:
        index = SCALE * sum((v * LEGACY_WEIGHT for v in nrr.values()), Fraction(0))
    return IkmResult(tally.respondents, nrr, index, weighting)
