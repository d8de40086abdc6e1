"""Statement and report extraction precision/recall on fixtures/articles.jsonl (span overlap).

A predicted claim counts as correct when its span overlaps a gold span of the same kind;
a gold claim counts as found when some predicted claim of its kind overlaps it.

Usage:
    python scripts/eval_extraction.py [fixtures/articles.jsonl]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from nli.pipeline import extract_claims
from nli.types import Article


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when two [start, end) spans share a character."""
    return a[0] < b[1] and b[0] < a[1]


def main() -> None:
    gold_path = Path(sys.argv[1] if len(sys.argv) > 1 else "fixtures/articles.jsonl")
    stats = {
        kind: {"pred": 0, "gold": 0, "correct": 0, "found": 0} for kind in ("statement", "report")
    }
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        text = (gold_path.parent / gold["file"]).read_text(encoding="utf-8")
        claims = extract_claims(Article(gold["id"], text))
        for kind, key in (("statement", "statements"), ("report", "reports")):
            predicted = [c.span for c in claims if c.kind == kind]
            spans = [tuple(item["span"]) for item in gold[key]]
            s = stats[kind]
            s["pred"] += len(predicted)
            s["gold"] += len(spans)
            s["correct"] += sum(any(overlaps(p, g) for g in spans) for p in predicted)
            s["found"] += sum(any(overlaps(p, g) for p in predicted) for g in spans)
    for kind, s in stats.items():
        precision = s["correct"] / max(s["pred"], 1)
        recall = s["found"] / max(s["gold"], 1)
        print(
            f"{kind:<10} precision {precision:.3f} recall {recall:.3f} "
            f"(predicted {s['pred']}, gold {s['gold']})"
        )


if __name__ == "__main__":
    main()
