"""The choice of units on its own: what it offers and how a pick is read."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skm_core.content import Content
from skm_core.conversation.channels import ChannelProfile
from skm_core.conversation.option_ids import UnitChoice, UnitsPage, encode
from skm_core.conversation.units import UnitChooser
from skm_core.tickets import poster_payload, unit_of_payload, unit_payload
from tests.conversation.units import three_units

WIDE = ChannelProfile(max_options=None, max_text=4000)


@pytest.fixture(scope="module")
def chooser(content: Content) -> UnitChooser:
    return UnitChooser(three_units(content).units)


def test_the_units_are_offered_by_name_in_the_deployments_order(chooser: UnitChooser) -> None:
    view = chooser.view(0, WIDE)
    assert [o.label for o in view.options] == [
        "Kecamatan Sangasanga",
        "Kecamatan Anggana",
        "Kecamatan Muara Jawa",
    ]
    assert view.options[1].id == encode(UnitChoice("anggana"))
    assert "Bapak/Ibu" in view.text


def test_many_units_are_paged_within_the_channels_limit(content: Content) -> None:
    units = three_units(content).units
    narrow = ChannelProfile(max_options=3, max_text=1000)
    first = UnitChooser(units).view(0, narrow)
    assert len(first.options) <= 3
    assert first.options[-1].id == encode(UnitsPage(1))
    assert "Halaman 1 dari" in first.text


@pytest.mark.parametrize(
    ("typed", "unit"),
    [
        ("2", "anggana"),
        ("Kecamatan Muara Jawa", "muara-jawa"),
        ("anggana", "anggana"),
        ("Angana", "anggana"),
        ("kec. sanga sanga", "sangasanga"),
        ("sangsanga", "sangasanga"),
        ("muarajawa", "muara-jawa"),
        ("saya warga muara jwa", "muara-jawa"),
    ],
)
def test_a_unit_is_picked_by_its_number_or_its_name_typed_with_typos(
    chooser: UnitChooser, typed: str, unit: str
) -> None:
    assert chooser.picked_text(typed, 0, WIDE) == unit


@pytest.mark.parametrize("typed", ["jawa", "syarat kk", "4", "kecamatan", "", "halo"])
def test_words_that_name_no_unit_pick_none(chooser: UnitChooser, typed: str) -> None:
    assert chooser.picked_text(typed, 0, WIDE) is None


def test_an_option_of_a_unit_not_deployed_picks_none(chooser: UnitChooser) -> None:
    assert chooser.picked_option(encode(UnitChoice("tenggarong"))) is None
    assert chooser.picked_option(encode(UnitChoice("anggana"))) == "anggana"
    assert chooser.picked_option(encode(UnitsPage(2))) == 2


def test_link_and_poster_payloads_name_their_unit() -> None:
    assert unit_of_payload(unit_payload("muara-jawa")) == ("muara-jawa", False)
    assert unit_of_payload(poster_payload("anggana")) == ("anggana", True)
    assert poster_payload() == "survei"
    assert unit_of_payload("survei") is None
    assert unit_of_payload("Xk3_9aZ-q0wErtyU") is None


@given(st.text(max_size=300))
def test_any_text_is_read_without_failing(text: str) -> None:
    chooser = _CHOOSER[0]
    picked = chooser.picked_text(text, 0, WIDE)
    assert picked is None or picked in {e.id for e in chooser.entries} or isinstance(picked, int)


_CHOOSER: list[UnitChooser] = []


@pytest.fixture(autouse=True, scope="module")
def _shared(chooser: UnitChooser) -> None:
    _CHOOSER[:] = [chooser]
