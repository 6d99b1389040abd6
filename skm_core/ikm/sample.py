"""Minimum sample size by Krejcie & Morgan (1970), the table SKM practice cites."""

from fractions import Fraction

CHI_SQUARE = Fraction(3841, 1000)  # one degree of freedom at 95 % confidence
PROPORTION = Fraction(1, 2)
MARGIN = Fraction(5, 100)


def krejcie_morgan(population: int) -> int:
    """The minimum number of respondents for a population of N people served.

    S = X²·N·P(1−P) / (d²·(N−1) + X²·P(1−P)), rounded half up to a whole respondent, which
    reproduces the published table (10 → 10, 100 → 80, 1000 → 278, 1000000 → 384).
    """
    if population < 0:
        raise ValueError(f"population cannot be negative: {population}")
    if population == 0:
        return 0
    spread = PROPORTION * (1 - PROPORTION)
    size = CHI_SQUARE * population * spread / (MARGIN**2 * (population - 1) + CHI_SQUARE * spread)
    whole, rest = divmod(size.numerator, size.denominator)
    return whole + (1 if 2 * rest >= size.denominator else 0)


def sample_adequate(respondents: int, population: int) -> bool:
    return respondents >= krejcie_morgan(population)
