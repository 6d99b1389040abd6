"""Free-text search of the services, for questions typed the way people type on a phone.

Each service is described by phrases (its names and the names people use) and keywords (single
words that point to it). A phrase matches by how much of it the question covers, word by word
and forgiving typos (RapidFuzz's normalised Indel similarity), weighted by how rare each word is
among all services, so that "surat" counts for little and "waris" for much. What the unit does
not serve (akta kelahiran, paspor) is indexed the same way, and answers as a referral when it
fits better than any service. Words glued together
("kartukeluarga", "e-ktp") are also compared in their joined form. Filler ("syarat", "gimana",
"mau bikin") is dropped first. A keyword alone can never score as high as a whole phrase.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from skm_core.content.models import Referral, SearchSettings, Service

_WORD = re.compile(r"[0-9a-z]+")
_SHORT_WORD = 3  # words this short (kk, ak1, ktp) must match exactly: one typo is another word


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


@dataclass(frozen=True)
class Match:
    service: Service
    score: float
    """0..100"""


@dataclass(frozen=True)
class SearchResult:
    query: str
    matches: tuple[Match, ...]
    """Every service with a score of at least the suggestion floor, best first."""
    confident: bool
    referral: Referral | None = None
    """Set when the question is about something the unit does not serve."""

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


@dataclass(frozen=True)
class _Phrase:
    service_index: int
    tokens: tuple[str, ...]
    joined: str
    ceiling: float


class ServiceSearch:
    def __init__(
        self,
        services: Sequence[Service],
        settings: SearchSettings,
        referrals: Sequence[Referral] = (),
    ) -> None:
        self._services = tuple(services)
        self._referrals = tuple(referrals)
        self._settings = settings
        self._filler = frozenset(w for phrase in settings.filler for w in words(phrase))
        self._phrases: list[_Phrase] = []
        for index, service in enumerate(self._services):
            names = [service.name, service.short_name, service.id.replace("-", " ")]
            for phrase in [*names, *service.aliases]:
                self._add(index, words(phrase), 100.0)
            for keyword in service.keywords:
                self._add(index, words(keyword), settings.keyword_ceiling)
        for number, referral in enumerate(self._referrals):
            index = len(self._services) + number
            for phrase in [referral.name, *referral.aliases]:
                self._add(index, words(phrase), 100.0)
            for keyword in referral.keywords:
                self._add(index, words(keyword), settings.keyword_ceiling)
        self._weights = self._word_weights()

    def _add(self, index: int, tokens: list[str], ceiling: float) -> None:
        meaningful = [t for t in tokens if t not in self._filler] or tokens
        if meaningful:
            self._phrases.append(_Phrase(index, tuple(meaningful), "".join(meaningful), ceiling))

    def _word_weights(self) -> dict[str, float]:
        # How many services use a word: a word shared by many says little about which one is meant.
        users: Counter[str] = Counter()
        total = len(self._services) + len(self._referrals)
        for index in range(total):
            vocabulary = {t for p in self._phrases if p.service_index == index for t in p.tokens}
            users.update(vocabulary)
        return {w: math.log(1 + total / n) for w, n in users.items()}

    def _query_terms(self, query: str) -> list[str]:
        tokens = [t for t in words(query) if t not in self._filler]
        # Adjacent words glued: "e ktp" meets "ektp", "kartu keluarga" meets "kartukeluarga".
        pairs = ["".join(tokens[i : i + 2]) for i in range(len(tokens) - 1)]
        return tokens + pairs

    @staticmethod
    def _similarity(word: str, terms: Iterable[str]) -> float:
        best = 0.0
        for term in terms:
            if term == word:
                return 1.0
            if len(word) <= _SHORT_WORD or len(term) <= _SHORT_WORD:
                continue
            best = max(best, Indel.normalized_similarity(word, term))
        return best

    def _phrase_score(self, phrase: _Phrase, terms: list[str]) -> float:
        floor = self._settings.word_similarity_floor
        total = sum(self._weights.get(t, 1.0) for t in phrase.tokens)
        covered = 0.0
        for token in phrase.tokens:
            similarity = self._similarity(token, terms)
            if similarity >= floor:
                covered += self._weights.get(token, 1.0) * similarity
        joined = self._similarity(phrase.joined, terms) if len(phrase.tokens) > 1 else 0.0
        if joined >= floor and joined * total > covered:
            covered = joined * total
        coverage = covered / total if total else 0.0
        # A longer phrase matched says more than a short one: "ktp digital" beats "ktp".
        specificity = covered / (covered + self._settings.specificity_bias)
        return coverage * specificity * phrase.ceiling

    def search(self, query: str) -> SearchResult:
        query = query[: self._settings.max_query_chars]
        terms = self._query_terms(query)
        scores = [0.0] * (len(self._services) + len(self._referrals))
        if terms:
            for phrase in self._phrases:
                score = self._phrase_score(phrase, terms)
                if score > scores[phrase.service_index]:
                    scores[phrase.service_index] = score
        ranked = sorted(
            (
                Match(service, round(s, 1))
                for service, s in zip(self._services, scores, strict=False)
            ),
            key=lambda m: (-m.score, m.service.order),
        )
        kept = tuple(m for m in ranked if m.score >= self._settings.suggest_floor)
        confident = bool(kept) and kept[0].score >= self._settings.confident_floor
        if confident and len(kept) > 1:
            confident = kept[0].score - kept[1].score >= self._settings.confident_margin
        return SearchResult(query, kept, confident, self._referral(scores, kept))

    def _referral(self, scores: list[float], services: tuple[Match, ...]) -> Referral | None:
        referral_scores = scores[len(self._services) :]
        if not referral_scores:
            return None
        best = max(range(len(referral_scores)), key=lambda i: referral_scores[i])
        score = round(referral_scores[best], 1)
        beaten = services[0].score if services else 0.0
        if score >= self._settings.confident_floor and score > beaten:
            return self._referrals[best]
        return None
