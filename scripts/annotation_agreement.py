"""How well two annotations of the same real-news articles agree.

Usage::

    python scripts/annotation_agreement.py fixtures/real/dev.jsonl fixtures/real/test.jsonl \
        --second fixtures/real/agreement/second.jsonl

The first files hold the kept annotation (articles are looked up by ``id``); ``--second`` holds
an independent second annotation of some of them, whose ids carry a prefix (``r-h5-004`` for
``h5-004``; ``--prefix``). For the articles in both it prints:

- claims: statements and reports of one annotation that overlap a claim of the same kind in the
  other, both ways, and their F1;
- contradiction pairs: gold contradictions of one annotation whose statement and report spans
  both overlap those of a contradiction of the other, both ways, and their F1;
- labels: on the pairs both annotations list (statement and report spans overlapping), the
  share with the same label and Cohen's kappa over contradiction / neutral / entailment;
- speakers: over pairs of matched claims of one article, whether the two annotations agree that
  they have one speaker (or source) entity or two.

Spans "overlap" when they share at least one character.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from nli.evaluate import spans_overlap as _overlap

LABELS = ("contradiction", "neutral", "entailment")


def _read(paths: Sequence[Path]) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    rows[row["id"]] = row
    return rows


def _claims(article: dict[str, Any]) -> list[tuple[str, list[int], str]]:
    """(kind, span, entity) of every statement and report."""
    return [
        ("statement", s["span"], s.get("speaker_entity", "")) for s in article["statements"]
    ] + [("report", r["span"], r.get("source_entity", "")) for r in article["reports"]]


def _pairs(article: dict[str, Any]) -> list[tuple[list[int], list[int], str]]:
    """(statement span, report span, label) of every labelled pair."""
    return [
        (
            article["statements"][p["statement"]]["span"],
            article["reports"][p["report"]]["span"],
            p["label"],
        )
        for p in article["pairs"]
    ]


def _found(mine: list[tuple[str, list[int], str]], theirs: list[tuple[str, list[int], str]]) -> int:
    return sum(any(k == k2 and _overlap(s, s2) for k2, s2, _ in theirs) for k, s, _ in mine)


def _contradictions_found(
    mine: list[tuple[list[int], list[int], str]], theirs: list[tuple[list[int], list[int], str]]
) -> int:
    return sum(
        any(
            lab2 == "contradiction" and _overlap(s, s2) and _overlap(r, r2)
            for s2, r2, lab2 in theirs
        )
        for s, r, lab in mine
        if lab == "contradiction"
    )


def _kappa(pairs: list[tuple[str, str]]) -> float:
    """Cohen's kappa of two label sequences (1.0 when both use one label throughout)."""
    n = len(pairs)
    if not n:
        return float("nan")
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in LABELS) / (n * n)
    return 1.0 if expected == 1.0 else (observed - expected) / (1 - expected)


def _f1(a: float, b: float) -> float:
    return 2 * a * b / (a + b) if a + b else 0.0


def agreement(
    first: dict[str, dict[str, Any]], second: dict[str, dict[str, Any]], prefix: str
) -> dict[str, Any]:
    """The agreement measures over the articles of ``second`` found in ``first``."""
    counts: Counter[str] = Counter()
    labels: list[tuple[str, str]] = []
    for sid, b in second.items():
        a = first.get(sid.removeprefix(prefix))
        if a is None:
            continue
        counts["articles"] += 1
        ca, cb = _claims(a), _claims(b)
        counts["claims_first"] += len(ca)
        counts["claims_second"] += len(cb)
        counts["claims_first_in_second"] += _found(ca, cb)
        counts["claims_second_in_first"] += _found(cb, ca)
        pa, pb = _pairs(a), _pairs(b)
        counts["contradictions_first"] += sum(p[2] == "contradiction" for p in pa)
        counts["contradictions_second"] += sum(p[2] == "contradiction" for p in pb)
        counts["contradictions_first_in_second"] += _contradictions_found(pa, pb)
        counts["contradictions_second_in_first"] += _contradictions_found(pb, pa)
        for s, r, lab in pa:
            other = [lab2 for s2, r2, lab2 in pb if _overlap(s, s2) and _overlap(r, r2)]
            if other:
                labels.append((lab, other[0]))
        # speakers: matched claim pairs, one entity or two in each annotation
        matched = []
        for k, s, ent in ca:
            twin = next((e2 for k2, s2, e2 in cb if k2 == k and _overlap(s, s2)), None)
            if twin is not None:
                matched.append((ent, twin))
        for (e1, f1), (e2, f2) in combinations(matched, 2):
            counts["speaker_pairs"] += 1
            counts["speaker_pairs_agree"] += (e1 == e2) == (f1 == f2)
            counts["speaker_pairs_same_first"] += e1 == e2
            counts["speaker_pairs_same_both"] += e1 == e2 and f1 == f2
    claims_r = counts["claims_first_in_second"] / max(counts["claims_first"], 1)
    claims_p = counts["claims_second_in_first"] / max(counts["claims_second"], 1)
    con_r = counts["contradictions_first_in_second"] / max(counts["contradictions_first"], 1)
    con_p = counts["contradictions_second_in_first"] / max(counts["contradictions_second"], 1)
    return {
        **counts,
        "claims_first_found_by_second": round(claims_r, 3),
        "claims_second_found_by_first": round(claims_p, 3),
        "claims_f1": round(_f1(claims_r, claims_p), 3),
        "contradictions_first_found_by_second": round(con_r, 3),
        "contradictions_second_found_by_first": round(con_p, 3),
        "contradictions_f1": round(_f1(con_r, con_p), 3),
        "pairs_listed_by_both": len(labels),
        "label_agreement": round(sum(x == y for x, y in labels) / max(len(labels), 1), 3),
        "label_kappa": round(_kappa(labels), 3),
        "label_confusion": dict(Counter(f"{x}->{y}" for x, y in labels)),
        "speaker_pair_agreement": round(
            counts["speaker_pairs_agree"] / max(counts["speaker_pairs"], 1), 3
        ),
        "speaker_same_entity_kept_by_second": round(
            counts["speaker_pairs_same_both"] / max(counts["speaker_pairs_same_first"], 1), 3
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("first", type=Path, nargs="+", help="The kept annotation.")
    parser.add_argument("--second", type=Path, required=True, help="The second annotation.")
    parser.add_argument("--prefix", default="r-", help="Id prefix of the second annotation.")
    args = parser.parse_args(argv)
    result = agreement(_read(args.first), _read([args.second]), args.prefix)
    if not result.get("articles"):
        parser.error("no article of the second annotation is in the first files")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
