"""Building raw answer sets with exactly known sums, to land the IKM on chosen values."""

from skm_core.ikm.compute import Answer


def _spread(count: int, total: int) -> list[Answer]:
    """`count` answers from 1 to 4 adding up to exactly `total`."""
    extra = total - count
    if not 0 <= extra <= 3 * count:
        raise ValueError(f"{count} answers cannot add up to {total}")
    values: list[Answer] = []
    for _ in range(count):
        bump = min(3, extra)
        values.append(1 + bump)
        extra -= bump
    return values


def rows_with_total(respondents: int, total: int) -> list[list[Answer]]:
    """`respondents` complete rows of nine answers whose grand total is exactly `total`."""
    flat = _spread(respondents * 9, total)
    return [flat[i : i + 9] for i in range(0, len(flat), 9)]


def rows_with_unsur_sums(respondents: int, sums: list[int]) -> list[list[Answer]]:
    """Complete rows whose per-unsur sums are exactly `sums` (U1..U9)."""
    columns = [_spread(respondents, total) for total in sums]
    return [[column[r] for column in columns] for r in range(respondents)]
