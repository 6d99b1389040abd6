"""Top-1 accuracy of the service search on the evaluation set.

Run it as `python -m tests.evaluate_search`; the test suite runs it too.
"""

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from skm_core.content import load_content, shipped_content_dir
from skm_core.search import ServiceSearch

EVAL_FILE = Path(__file__).parent / "data" / "search_eval.yaml"
REQUIRED_ACCURACY = 0.95


@dataclass(frozen=True)
class Evaluation:
    total: int
    correct: int
    confident_wrong: int
    misses: list[tuple[str, str, str]]

    @property
    def accuracy(self) -> float:
        return self.correct / self.total


def evaluate() -> Evaluation:
    content = load_content(shipped_content_dir())
    search = ServiceSearch(content.services, content.search, content.referrals)
    cases = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))
    correct = confident_wrong = 0
    misses: list[tuple[str, str, str]] = []
    for case in cases:
        result = search.search(case["query"])
        got = result.best.service.id if result.best else "-"
        if result.referral is not None:
            # A referral is shown instead of the service: for these cases, a miss.
            got = f"rujukan:{result.referral.id}"
        if got == case["expected"]:
            correct += 1
        else:
            misses.append((case["query"], case["expected"], got))
            # A referral that offers the expected service beside it still leads there.
            leads_there = (
                result.referral is not None and result.referral.related_service == case["expected"]
            )
            if result.confident or (result.referral is not None and not leads_there):
                confident_wrong += 1
    return Evaluation(len(cases), correct, confident_wrong, misses)


def main() -> int:
    result = evaluate()
    for query, expected, got in result.misses:
        print(f"MISS  {query!r}: expected {expected}, got {got}")
    print(
        f"top-1 accuracy {result.correct}/{result.total} = {result.accuracy:.1%}"
        f" (required {REQUIRED_ACCURACY:.0%}); confidently wrong: {result.confident_wrong}"
    )
    return 0 if result.accuracy >= REQUIRED_ACCURACY else 1


if __name__ == "__main__":
    sys.exit(main())
