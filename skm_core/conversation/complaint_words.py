"""Telling a complaint from a question: "pengaduan", "komplain", or a bad experience told in
words ("petugasnya judes", "antre lama sekali", "dimintai uang")."""

from skm_core.content.models import ComplaintWords
from skm_core.conversation.choices import key


class ComplaintDetector:
    def __init__(self, words: ComplaintWords) -> None:
        self._names = [tuple(key(w).split()) for w in words.names]
        self._bare = frozenset(w for phrase in words.bare_names for w in key(phrase).split())
        self._signals = [tuple(key(w).split()) for w in words.signals]
        self._filler = frozenset(w for phrase in words.filler for w in key(phrase).split())

    @staticmethod
    def _has(words: list[str], phrase: tuple[str, ...]) -> bool:
        """Every word of the phrase, in its order, among the typed words."""
        position = 0
        for word in phrase:
            try:
                position = words.index(word, position) + 1
            except ValueError:
                return False
        return bool(phrase)

    def is_complaint(self, text: str) -> bool:
        words = key(text).split()
        if any(self._has(words, p) for p in [*self._names, *self._signals]):
            return True
        return bool(self._bare & set(words)) and not self._rest(words)

    def draft(self, text: str) -> str:
        """The typed text as the complaint's draft; empty when it only asks to complain
        ("mau komplain"), so the form asks for the complaint itself."""
        return text.strip() if self._rest(key(text).split()) else ""

    def _rest(self, words: list[str]) -> list[str]:
        """The words that say more than "I want to complain"."""
        names = {w for phrase in self._names for w in phrase} | self._bare
        return [w for w in words if w not in names and w not in self._filler]
