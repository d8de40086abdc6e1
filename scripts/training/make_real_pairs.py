"""In-domain NLI training pairs from the dev half of the real-news set.

Usage::

    python scripts/training/make_real_pairs.py fixtures/real/dev.jsonl -o runs/real-dev.jsonl
    python scripts/training/make_real_pairs.py fixtures/real/dev.jsonl -o runs/fold0.jsonl \\
        --folds 2 --fold 0 --heldout runs/fold0-heldout.jsonl

Runs the article pipeline (claims, pairing, the shipped model) on the gold articles, matches
each gold pair to the finding whose statement and report spans overlap it, and writes the
model's own inputs for it (``premise`` = the report's content, ``hypothesis`` = what the
official asserts or denies) with the gold verdict turned into an NLI label: for a reported
denial (polarity ``-``) a contradiction of the official is the report *entailing* the denied
proposition, so contradiction and entailment swap. Blanket denials are left out (their
hypothesis is the report itself, nothing to learn). ``--folds/--fold`` split the articles by
a hash of their id, for cross-validation on dev. A file holding any article of the test half
is refused, whatever its name (``scripts/real_halves.py``): that half is only measured.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

# real_halves.py (the test-half guard) is a module of scripts/, one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from real_halves import refuse_test_half

from nli.config import ArticleConfig, RunCounts, ScoringConfig
from nli.evaluate import best_matching_finding, findings_by_article, read_gold_articles
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
    parser.add_argument("--folds", type=int, default=1)
    parser.add_argument("--fold", type=int, default=None, help="leave this fold out")
    parser.add_argument("--heldout", type=Path, help="write the left-out fold's rows here")
    args = parser.parse_args(argv)
    try:
        refuse_test_half(args.gold)
    except (ValueError, FileNotFoundError) as error:
        parser.error(f"{error} (never train on it)")
    gold = read_gold_articles(args.gold)
    scoring = ScoringConfig(model=args.model, precision=args.precision)
    scorer = load_scorer(scoring)
    config = ArticleConfig(scoring=scoring)
    findings, _ = score_article_batch([g.article for g in gold], scorer, config, RunCounts())
    by_article = findings_by_article(findings)
    rows: dict[bool, list[dict]] = {True: [], False: []}
    for item in gold:
        held = args.fold is not None and fold_of(item.article.id, args.folds) == args.fold
        seen: set[tuple[str, str]] = set()
        for pair in item.pairs:
            best = best_matching_finding(
                by_article.get(item.article.id, []), pair, skip_blanket=True
            )
            if best is None:
                continue
            premise = best["normalised"]["premise"]
            hypothesis = best["normalised"]["hypothesis"]
            if (premise, hypothesis) in seen:
                continue
            seen.add((premise, hypothesis))
            rows[held].append(
                {
                    "premise": premise,
                    "hypothesis": hypothesis,
                    "label": nli_label(pair.label, best["normalised"]["polarity"]),
                    "verdict": pair.label,
                    "polarity": best["normalised"]["polarity"],
                    "article_id": item.article.id,
                }
            )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("".join(json.dumps(r) + "\n" for r in rows[False]), encoding="utf-8")
    if args.heldout is not None:
        args.heldout.write_text("".join(json.dumps(r) + "\n" for r in rows[True]), encoding="utf-8")
    print(f"{len(rows[False])} training rows, {len(rows[True])} held-out rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
