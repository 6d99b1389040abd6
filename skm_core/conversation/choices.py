"""Reading a typed answer among a question's choices, as a counter officer would.

A choice is taken by its label or an alias declared in content, then by the start of its label
or one of its words ("sma" for "SMA/Sederajat", "laki" for "Laki-laki"), then despite a small
typo. A reply that fits several choices equally is not guessed: the candidates are returned so
the person can be asked back. A reply that negates ("tidak", "kurang") never matches a choice
that does not, and the other way round, so "sangat tidak sesuai" is never "Sangat sesuai".
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from skm_core.conversation.typed import normalise

_NOT_WORD = re.compile(r"[^0-9a-z]+")
MIN_PREFIX = 2
MIN_FUZZY = 4
"""Replies this short must be exact: one typo in "sd" is another answer."""
FUZZY_FLOOR = 0.84
FUZZY_MARGIN = 0.06


def key(text: str) -> str:
    """Words only: case, punctuation and spacing do not matter ("S1/D4" is "s1 d4")."""
    return _NOT_WORD.sub(" ", normalise(text)).strip()


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return tuple(key(n) for n in (self.label, *self.aliases) if key(n))


@dataclass(frozen=True)
class Reading:
    chosen: Choice | None = None
    candidates: tuple[Choice, ...] = ()
    """When the reply fits several choices: those choices, in their order."""


class ChoiceReader:
    def __init__(self, negations: Iterable[str]) -> None:
        self._negations = frozenset(key(n) for n in negations)

    def read(self, text: str, choices: Sequence[Choice], by_word: bool = False) -> Reading:
        """What the reply chose; `by_word` also tries each word of a longer reply
        ("lulusan sma"), for questions whose choices are short names, not scales."""
        typed = key(text)
        if not typed:
            return Reading()
        for rule in (self._exact, self._partial, self._fuzzy):
            reading = rule(typed, choices)
            if reading.chosen is not None or reading.candidates:
                return reading
        if by_word and " " in typed:
            return self._by_word(typed, choices)
        return Reading()

    def read_exact(self, text: str, choices: Sequence[Choice]) -> Reading:
        """Only a whole label or alias: for choices that a search reads better (services)."""
        return self._exact(key(text), choices)

    def _negates(self, text: str) -> bool:
        return any(word in self._negations for word in text.split())

    def _agrees(self, typed: str, name: str) -> bool:
        return self._negates(typed) == self._negates(name)

    @staticmethod
    def _verdict(found: list[Choice], choices: Sequence[Choice]) -> Reading:
        values = {c.value for c in found}
        if len(values) == 1:
            return Reading(found[0])
        if values:
            return Reading(candidates=tuple(c for c in choices if c.value in values))
        return Reading()

    def _exact(self, typed: str, choices: Sequence[Choice]) -> Reading:
        return self._verdict([c for c in choices if typed in c.names()], choices)

    def _partial(self, typed: str, choices: Sequence[Choice]) -> Reading:
        if len(typed) < MIN_PREFIX:
            return Reading()

        def fits(name: str) -> bool:
            return self._agrees(typed, name) and (name.startswith(typed) or typed in name.split())

        return self._verdict([c for c in choices if any(fits(n) for n in c.names())], choices)

    def _fuzzy(self, typed: str, choices: Sequence[Choice]) -> Reading:
        if len(typed) < MIN_FUZZY:
            return Reading()
        scored: list[tuple[float, Choice]] = []
        for choice in choices:
            similarity = max(
                (
                    Indel.normalized_similarity(typed, name)
                    for name in choice.names()
                    if len(name) >= MIN_FUZZY and self._agrees(typed, name)
                ),
                default=0.0,
            )
            if similarity >= FUZZY_FLOOR:
                scored.append((similarity, choice))
        if not scored:
            return Reading()
        scored.sort(key=lambda pair: -pair[0])
        best = scored[0][0]
        close = [c for s, c in scored if best - s < FUZZY_MARGIN]
        return self._verdict(close, choices)

    def _by_word(self, typed: str, choices: Sequence[Choice]) -> Reading:
        if self._negates(typed):
            return Reading()
        found: list[Choice] = []
        for word in typed.split():
            found += [c for c in choices if word in _words_of(c)]
        return self._verdict(found, choices)


def _words_of(choice: Choice) -> set[str]:
    """The label's words and the one-word aliases: a word taken from a longer alias
    ("tamat" of "tidak tamat sd") does not name the choice on its own."""
    label, *aliases = choice.names()
    single = {a for a in aliases if " " not in a}
    return {w for w in label.split() if len(w) >= MIN_PREFIX} | single
