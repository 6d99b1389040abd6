"""The choice of the unit (kecamatan) in a deployment that serves several: what it shows and
how a pick is read, whether pressed, typed as a number or typed as a name with typos.

Nothing here touches storage: the engine asks, and keeps the unit in the conversation state.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from skm_core.content.loader import Content
from skm_core.conversation.channels import ChannelProfile
from skm_core.conversation.messages import Option
from skm_core.conversation.option_ids import UnitChoice, UnitsPage, decode, encode
from skm_core.conversation.typed import normalise, typed_number, typed_option
from skm_core.conversation.view import View, paged
from skm_core.search import words

NAME_SIMILARITY_FLOOR = 0.8
"""How close typed words must come to a unit's name: "angana" for Anggana, "sanga sanga" for
Sangasanga, but not "jawa" alone for Muara Jawa."""

MAX_WORDS = 12
"""Words of a typed text that are compared: a name is short, a long message is no pick."""

_FILLER = frozenset({"kecamatan", "kec", "kantor", "camat", "di", "ke", "wilayah", "desa"})
"""Words people put around a kecamatan's name that tell nothing about which one."""


@dataclass(frozen=True)
class UnitEntry:
    id: str
    name: str
    """As the unit calls itself ("Kecamatan Anggana"): the option's label."""
    names: tuple[str, ...]
    """Its names, as compared with what is typed: filler words dropped, words joined."""


def _joined(text: str) -> str:
    kept = [w for w in words(text) if w not in _FILLER]
    return "".join(kept)


def _entry(content: Content) -> UnitEntry:
    unit = content.unit
    forms = {_joined(unit.name), _joined(unit.short_name), _joined(unit.id.replace("-", " "))}
    return UnitEntry(unit.id, unit.name, tuple(sorted(f for f in forms if f)))


class UnitChooser:
    """The units as options, in the deployment's order, and the reading of a pick."""

    def __init__(self, units: Sequence[Content], region: str | None = None) -> None:
        if not units:
            raise ValueError("a deployment has at least one unit")
        self.entries = tuple(_entry(u) for u in units)
        self._t = units[0].texts.chat
        self._region = region or units[0].unit.regency
        """The kabupaten's name, as the choice's welcome says it."""

    def welcome(self) -> str:
        return self._t.units_welcome.format(region=self._region)

    def unknown(self) -> str:
        return self._t.units_unknown

    def view(self, page: int, profile: ChannelProfile) -> View:
        items = [Option(encode(UnitChoice(e.id)), e.name) for e in self.entries]
        shown = paged(
            items,
            page,
            profile.max_options,
            lambda n: encode(UnitsPage(n)),
            (self._t.opt_prev, self._t.opt_next),
        )
        text = self._t.units_prompt
        if shown.count > 1:
            text += "\n" + self._t.services_page.format(page=shown.number + 1, pages=shown.count)
        return View(text, tuple(shown.options))

    def known(self, unit_id: str | None) -> str | None:
        """The id when it names a unit of this deployment (a state or a link may be old)."""
        return unit_id if any(e.id == unit_id for e in self.entries) else None

    def picked_option(self, option_id: str) -> str | int | None:
        """A pressed option: the unit's id, or the number of a page of the list."""
        match decode(option_id):
            case UnitChoice(unit_id):
                return self.known(unit_id)
            case UnitsPage(page):
                return page
            case _:
                return None

    def picked_text(self, raw: str, page: int, profile: ChannelProfile) -> str | int | None:
        """Typed text: an option's number or label on the page shown, else a unit's name."""
        text = normalise(raw)
        option = typed_option(self.view(page, profile).options, text)
        if option is not None:
            return self.picked_option(option.id)
        if typed_number(text) is not None:
            return None
        return self.named(text)

    def named(self, text: str) -> str | None:
        """The unit the typed words name, forgiving typos; None when none or two fit as well.

        A name may stand among other words ("saya dari anggana"), so every run of up to three
        adjacent words is compared, joined ("muara jawa" meets "muarajawa")."""
        tried = _runs([w for w in words(text) if w not in _FILLER][:MAX_WORDS])
        if not tried:
            return None
        scored = sorted(
            (
                (max(Indel.normalized_similarity(t, n) for t in tried for n in e.names), e.id)
                for e in self.entries
            ),
            reverse=True,
        )
        best, best_id = scored[0]
        if best < NAME_SIMILARITY_FLOOR:
            return None
        if len(scored) > 1 and scored[1][0] == best:
            return None
        return best_id


def _runs(kept: list[str]) -> set[str]:
    return {
        "".join(kept[start : start + size])
        for size in (1, 2, 3)
        for start in range(len(kept) - size + 1)
    }
