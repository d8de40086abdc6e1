"""In-domain NLI training pairs from the dev half of the real-news set.

Usage::

    python scripts/training/make_real_pairs.py fixtures/real/dev.jsonl -o runs/real-dev.jsonl
    python scripts/training/make_real_pairs.py fixtures/real/dev.jsonl -o runs/fold0.jsonl \\
        --folds 2 --fold 0 --heldout runs/fold0-heldout.jsonl
    python scripts/training/make_real_pairs.py fixtures/real/dev.jsonl -o runs/real-gold.jsonl \\
        --spans gold

Runs the article pipeline (claims, pairing, the shipped model) on the gold articles, matches
each gold pair to the finding whose statement and report spans overlap it, and writes the
model's own inputs for it (the finding's ``normalised`` texts: ``premise`` = the report,
``hypothesis`` = the statement, in their own words since v0.4 of the model) with the gold
verdict as its NLI label (for findings of an earlier version, whose hypothesis of a reported
denial was the denied proposition, polarity ``-``, contradiction and entailment swap).
``--spans gold`` writes every gold pair as the annotators marked it instead (no pipeline
run), ``--spans both`` both kinds of row. ``--folds/--fold`` split the articles by a hash of
their id, for cross-validation on dev. A file holding any article of the test half is
refused, whatever its name (``scripts/real_halves.py``): that half is only measured.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

# real_halves.py (the test-half guard) is a module of scripts/, one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from real_halves import refuse_test_half

from nli.config import ArticleConfig, RunCounts, ScoringConfig
from nli.evaluate import (
    GoldArticle,
    best_matching_finding,
    findings_by_article,
    read_gold_articles,
)
from nli.findings import score_article_batch
from nli.pair_jobs import load_scorer

SWAP = {"contradiction": "entailment", "entailment": "contradiction", "neutral": "neutral"}


def fold_of(article_id: str, folds: int) -> int:
    """The fold an article belongs to (stable across runs)."""
    return int(hashlib.sha256(article_id.encode("utf-8")).hexdigest(), 16) % folds


def nli_label(verdict: str, polarity: str) -> str:
    """The NLI label of (report, hypothesis) for a gold verdict on the official.

    Example:
        >>> nli_label("contradiction", "-"), nli_label("contradiction", "+")
        ('entailment', 'contradiction')
    """
    return SWAP[verdict] if polarity == "-" else verdict


def finder_rows(gold: list[GoldArticle], model: str, precision: str) -> list[dict[str, Any]]:
    """One row per gold pair the pipeline reaches: the best matching finding's model input."""
    scoring = ScoringConfig(model=model, precision=precision)
    config = ArticleConfig(scoring=scoring)
    findings, _ = score_article_batch(
        [g.article for g in gold], load_scorer(scoring), config, RunCounts()
    )
    by_article = findings_by_article(findings)
    rows = []
    for item in gold:
        for pair in item.pairs:
            best = best_matching_finding(by_article.get(item.article.id, []), pair)
            if best is not None:
                normalised = best["normalised"]
                rows.append(
                    _row(
                        normalised["premise"],
                        normalised["hypothesis"],
                        pair.label,
                        normalised["polarity"],
                        item.article.id,
                    )
                )
    return rows


def gold_rows(gold: list[GoldArticle]) -> list[dict[str, Any]]:
    """One row per gold pair, the report and statement as the annotators marked them."""
    rows = []
    for item in gold:
        text = item.article.text
        for pair in item.pairs:
            statement, report = pair.texts(text)
            rows.append(_row(report, statement, pair.label, "+", item.article.id))
    return rows


def _row(
    premise: str, hypothesis: str, verdict: str, polarity: str, article_id: str
) -> dict[str, Any]:
    return {
        "premise": premise,
        "hypothesis": hypothesis,
        "label": nli_label(verdict, polarity),
        "verdict": verdict,
        "polarity": polarity,
        "article_id": article_id,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--model", default="default")
    parser.add_argument(
        "--precision",
        default="auto",
        choices=["auto", "int8", "bf16", "fp32"],
        help="scorer precision of the pipeline run that picks each gold pair's finding",
    )
    parser.add_argument(
        "--spans",
        default="finder",
        choices=["finder", "gold", "both"],
        help="rows from the pipeline's findings (finder), the annotated spans (gold) or both",
    )
    parser.add_argument("--folds", type=int, default=1)
    parser.add_argument("--fold", type=int, default=None, help="leave this fold out")
    parser.add_argument("--heldout", type=Path, help="write the left-out fold's rows here")
    args = parser.parse_args(argv)
    try:
        refuse_test_half(args.gold)
    except (ValueError, FileNotFoundError) as error:
        parser.error(f"{error} (never train on it)")
    gold = read_gold_articles(args.gold)
    made = []
    if args.spans in ("finder", "both"):
        made += finder_rows(gold, args.model, args.precision)
    if args.spans in ("gold", "both"):
        made += gold_rows(gold)
    rows: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    seen: set[tuple[str, str, str]] = set()
    for row in made:
        key = (row["article_id"], row["premise"], row["hypothesis"])
        if key in seen:
            continue
        seen.add(key)
        held = args.fold is not None and fold_of(row["article_id"], args.folds) == args.fold
        rows[held].append(row)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("".join(json.dumps(r) + "\n" for r in rows[False]), encoding="utf-8")
    if args.heldout is not None:
        args.heldout.write_text("".join(json.dumps(r) + "\n" for r in rows[True]), encoding="utf-8")
    print(f"{len(rows[False])} training rows, {len(rows[True])} held-out rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
