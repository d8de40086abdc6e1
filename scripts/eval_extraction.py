"""Statement/report extraction and pairing quality on the annotated fixture articles.

Extraction is scored per kind by span overlap: a predicted claim is correct when its span
overlaps a gold span of the same kind, and a gold claim is found when some predicted claim of
its kind overlaps it. Pairing is scored end to end on the gold pairs whose label is not
``neutral``: a gold pair is recalled when :func:`nli.pairing.pair_claims`, run on the
extracted claims, returns a (statement, report) pair whose spans overlap the gold
statement's and the gold report's. The share of gold ``neutral`` pairs that are kept is shown
too (lower is better pruning).

The annotation rules are in ``fixtures/ANNOTATION.md``. ``dev`` is ``fixtures/articles.jsonl``
(the rules were developed on it); ``heldout`` is ``fixtures/articles_heldout.jsonl`` (never
used for tuning).

The real-news set (``fixtures/real/dev.jsonl``, text inline) is read the same way; compare
the claim finders there with ``--finder rules`` and ``--finder parse`` (words per second of
extraction are printed too).

Usage:
    python scripts/eval_extraction.py [--split dev|heldout|all] [--min-overlap N] [--errors]
    python scripts/eval_extraction.py --gold fixtures/real/dev.jsonl --finder parse
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nli.claims import extract_claims
from nli.pairing import pair_claims
from nli.types import Article, Claim

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SPLITS: dict[str, tuple[Path, ...]] = {
    "dev": (FIXTURES / "articles.jsonl",),
    "heldout": (FIXTURES / "articles_heldout.jsonl",),
    "all": (FIXTURES / "articles.jsonl", FIXTURES / "articles_heldout.jsonl"),
}
KINDS = (("statement", "statements"), ("report", "reports"))


@dataclass
class KindCounts:
    """Counts behind one kind's precision and recall."""

    predicted: int = 0
    gold: int = 0
    correct: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        """Correct predictions over predictions (1.0 when nothing was predicted)."""
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Found gold claims over gold claims (1.0 when there are none)."""
        return self.found / self.gold if self.gold else 1.0


@dataclass
class PairCounts:
    """Counts behind pair recall: gold pairs by label, and how many the pairing kept."""

    gold: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    predicted: int = 0

    def add(self, label: str, kept: bool) -> None:
        """Count one gold pair."""
        self.gold[label] = self.gold.get(label, 0) + 1
        self.kept[label] = self.kept.get(label, 0) + int(kept)

    def rate(self, labels: Sequence[str]) -> tuple[int, int]:
        """(kept, gold) summed over ``labels``."""
        return sum(self.kept.get(x, 0) for x in labels), sum(self.gold.get(x, 0) for x in labels)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when two [start, end) spans share a character."""
    return a[0] < b[1] and b[0] < a[1]


def read_gold(paths: Sequence[Path]) -> Iterator[tuple[dict[str, Any], str]]:
    """Yield (annotation record, article text) for every line of the gold files."""
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if "text" in record:
                    text = record["text"]
                else:
                    text = (path.parent / record["file"]).read_text(encoding="utf-8")
                yield record, text


def score_article(
    record: dict[str, Any],
    claims: Sequence[Claim],
    kinds: dict[str, KindCounts],
    pairs: PairCounts,
    *,
    min_overlap: int,
) -> list[str]:
    """Add one article's counts; return lines describing its errors."""
    errors: list[str] = []
    for kind, key in KINDS:
        predicted = [c for c in claims if c.kind == kind]
        gold_spans = [tuple(item["span"]) for item in record[key]]
        counts = kinds[kind]
        counts.predicted += len(predicted)
        counts.gold += len(gold_spans)
        for claim in predicted:
            if any(overlaps(claim.span, g) for g in gold_spans):
                counts.correct += 1
            else:
                errors.append(f"  FP {kind}: {claim.text!r} [{claim.speaker}]")
        for item, span in zip(record[key], gold_spans, strict=True):
            if any(overlaps(c.span, span) for c in predicted):
                counts.found += 1
            else:
                errors.append(f"  FN {kind}: {item['text']!r}")
    kept = pair_claims(claims, min_overlap=min_overlap)
    pairs.predicted += len(kept)
    for gold_pair in record["pairs"]:
        statement = tuple(record["statements"][gold_pair["statement"]]["span"])
        report = tuple(record["reports"][gold_pair["report"]]["span"])
        hit = any(overlaps(s.span, statement) and overlaps(r.span, report) for s, r in kept)
        pairs.add(gold_pair["label"], hit)
        if gold_pair["label"] != "neutral" and not hit:
            errors.append(
                f"  missed {gold_pair['label']} pair: "
                f"{record['statements'][gold_pair['statement']]['text'][:60]!r} x "
                f"{record['reports'][gold_pair['report']]['text'][:60]!r}"
            )
    return errors


def evaluate(
    paths: Sequence[Path], *, min_overlap: int, show_errors: bool, finder: str = "parse"
) -> tuple[dict[str, KindCounts], PairCounts, float]:
    """Extract and pair every gold article; return the counts and the words per second of
    extraction (errors printed on request)."""
    kinds = {kind: KindCounts() for kind, _ in KINDS}
    pairs = PairCounts()
    words = 0
    seconds = 0.0
    for record, text in read_gold(paths):
        start = time.perf_counter()
        claims = extract_claims(Article(record["id"], text), finder)
        seconds += time.perf_counter() - start
        words += len(text.split())
        errors = score_article(record, claims, kinds, pairs, min_overlap=min_overlap)
        if show_errors and errors:
            print(record["id"])
            print("\n".join(errors))
    return kinds, pairs, words / max(seconds, 1e-9)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="dev")
    parser.add_argument("--gold", type=Path, nargs="*", help="gold JSONL files (overrides --split)")
    parser.add_argument("--min-overlap", type=int, default=1, help="pair_claims min_overlap")
    parser.add_argument("--errors", action="store_true", help="list false/missed claims")
    parser.add_argument("--finder", choices=("parse", "rules"), default="parse")
    args = parser.parse_args(argv)
    paths = tuple(args.gold) if args.gold else SPLITS[args.split]
    if args.finder == "parse":  # load spaCy before timing
        from nli.nlp import load_nlp

        load_nlp()
    kinds, pairs, wps = evaluate(
        paths, min_overlap=args.min_overlap, show_errors=args.errors, finder=args.finder
    )
    print(
        f"split: {args.split if not args.gold else 'custom'} ({', '.join(p.name for p in paths)})"
    )
    for kind, c in kinds.items():
        print(
            f"{kind:<10} precision {c.precision:.3f} recall {c.recall:.3f} "
            f"(predicted {c.predicted}, correct {c.correct}, gold {c.gold}, found {c.found})"
        )
    for name, labels in (
        ("contradiction", ("contradiction",)),
        ("non-neutral", ("contradiction", "entailment")),
        ("neutral kept", ("neutral",)),
    ):
        kept, gold = pairs.rate(labels)
        share = kept / gold if gold else 1.0
        what = "recall" if name != "neutral kept" else "share"
        print(f"pairs {name:<14} {what} {share:.3f} ({kept}/{gold})")
    print(f"pairs predicted  {pairs.predicted} (min_overlap {args.min_overlap})")
    print(f"extraction {wps:,.0f} words/s (finder {args.finder})")


if __name__ == "__main__":
    main()
