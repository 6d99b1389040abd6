"""The units side by side: ranked by IKM as shown, ties sharing a rank, small units ungraded."""

import io
import itertools
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from skm_core.calendar.periods import month_of
from skm_core.content import Content
from skm_core.ikm.compute import Tally, compute_ikm
from skm_core.reports.standings import (
    Standings,
    UnitFigures,
    rank_units,
    standings_text,
)
from skm_core.reports.standings_export import standings_csv, standings_xlsx
from skm_core.storage.rollup import Population

NAMES = {"a": "Kecamatan A", "b": "Kecamatan B", "c": "Kecamatan C", "d": "Kecamatan D"}


def uniform(respondents: int, answer: int) -> Tally:
    """Every respondent gave the same answer to every unsur."""
    return Tally.from_answers([[answer] * 9] * respondents)


def figures(**tallies: Tally) -> dict[str, UnitFigures]:
    return {unit: UnitFigures(tally) for unit, tally in tallies.items()}


def test_units_are_ranked_by_ikm_from_the_highest() -> None:
    ranked = rank_units(NAMES, figures(a=uniform(30, 2), b=uniform(30, 4), c=uniform(30, 3)), 5)
    assert [(s.unit_id, s.rank) for s in ranked] == [("b", 1), ("c", 2), ("a", 3), ("d", None)]


def test_units_showing_the_same_ikm_share_a_rank_in_the_deployments_order() -> None:
    tallies = figures(a=uniform(10, 3), b=uniform(40, 4), c=uniform(30, 3), d=uniform(20, 2))
    ranked = rank_units(NAMES, tallies, 5)
    assert [(s.unit_id, s.rank) for s in ranked] == [("b", 1), ("a", 2), ("c", 2), ("d", 4)]


def test_a_unit_with_too_few_answers_is_shown_but_neither_graded_nor_ranked() -> None:
    ranked = rank_units(NAMES, figures(a=uniform(4, 4), b=uniform(5, 1)), 5)
    by_unit = {s.unit_id: s for s in ranked}
    assert by_unit["b"].rank == 1 and by_unit["b"].graded
    assert by_unit["a"].rank is None and not by_unit["a"].graded
    assert by_unit["a"].result is not None  # its IKM is still computed, only marked
    assert [s.unit_id for s in ranked] == ["b", "a", "c", "d"]


@given(
    st.dictionaries(
        st.sampled_from(sorted(NAMES)),
        st.tuples(st.integers(0, 40), st.integers(1, 4)),
    ),
    st.integers(1, 10),
)
def test_ranks_never_rise_down_the_list_and_follow_the_shown_ikm(
    units: dict[str, tuple[int, int]], small: int
) -> None:
    ranked = rank_units(NAMES, figures(**{u: uniform(n, a) for u, (n, a) in units.items()}), small)
    assert sorted(s.unit_id for s in ranked) == sorted(NAMES)
    graded = [s for s in ranked if s.graded]
    assert all(s.respondents >= small for s in graded)
    assert ranked[: len(graded)] == graded
    for upper, lower in itertools.pairwise(graded):
        assert upper.result is not None and lower.result is not None
        assert upper.result.ikm_shown >= lower.result.ikm_shown
        same = upper.result.ikm_shown == lower.result.ikm_shown
        assert (lower.rank == upper.rank) if same else (lower.rank == graded.index(lower) + 1)


def test_each_units_line_carries_its_own_ikm_lowest_unsur_sample_and_overdue_plans(
    content: Content,
) -> None:
    tally = Tally.from_answers([[4, 3, 4, 4, 4, 4, 4, 2, 4]] * 30)
    found = {
        "a": UnitFigures(tally, Population(40, "entered"), overdue=2),
        "b": UnitFigures(uniform(3, 4)),
    }
    ranked = rank_units({"a": "Kecamatan A", "b": "Kecamatan B"}, found, 5)
    text = standings_text(
        Standings("Kabupaten Kutai Kartanegara", month_of(date(2026, 11, 5)), NOW, ranked),
        content,
    )
    shown = str(compute_ikm(tally).ikm_shown).replace(".", ",")
    assert f"1. Kecamatan A: IKM {shown}" in text
    assert "U8" in text  # the lowest unsur
    assert "kurang 6" in text  # Krejcie & Morgan: 40 served needs 36 respondents
    assert "RTL lewat waktu: 2" in text
    assert "Belum dinilai" in text and "Kecamatan B: 3 responden" in text


def test_the_side_by_side_of_twenty_units_fits_the_chat_in_a_few_messages(
    content: Content,
) -> None:
    names = {f"u{i}": f"Kecamatan Nomor {i}" for i in range(20)}
    found = {unit: UnitFigures(uniform(50 + i, 1 + i % 4)) for i, unit in enumerate(names)}
    text = standings_text(
        Standings("Kabupaten", month_of(date(2026, 11, 5)), NOW, rank_units(names, found, 5)),
        content,
    )
    # Each unit's line stays short enough to read on a phone.
    assert max(len(line) for line in text.splitlines()) <= 80
    assert len(text) < 3 * 3500


NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def test_the_exports_hold_every_unit_with_numbers_as_numbers(content: Content) -> None:
    found = {"a": UnitFigures(uniform(30, 4), Population(40, "entered"), overdue=1)}
    found["b"] = UnitFigures(uniform(3, 2))
    names = {"a": "=Kecamatan A", "b": "Kecamatan B"}
    standings = Standings(
        "Kabupaten", month_of(date(2026, 11, 5)), NOW, rank_units(names, found, 5)
    )
    rows = standings_csv(standings, content).decode("utf-8-sig").splitlines()
    assert rows[1].split(";")[:5] == ["1", "'=Kecamatan A", "30", "100,0", "A"]
    assert rows[2].split(";")[:5] == ["", "Kecamatan B", "3", "50,0", ""]
    book = load_workbook(io.BytesIO(standings_xlsx(standings, content)))
    sheet = book.worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert values[0][:4] == [1, "=Kecamatan A", 30, 100.0]
    assert sheet.cell(4, 2).data_type == "s"  # a name that starts with "=" stays text
    assert values[0][-3:] == [36, "kurang 6", 1]
