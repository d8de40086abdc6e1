"""Fit the threshold on ``priority`` at which a ranked finding is labelled a contradiction.

Usage::

    python scripts/fit_finding_threshold.py fixtures/real/dev.jsonl --model default

A finding's ``priority`` is its calibrated score times the pair ranker's probability
(:func:`nli.labels.ranked_priority`): the model's verdict on the two claims, weighed by how
likely they are a denial and the report it answers. On the dev half of the real-news set,
priority tells the gold contradictions among the pairs that reach the model from the other
gold pairs better than the calibrated score alone, so ``nli score`` labels ranked findings
by it once this threshold is fitted for the model.

The ranker must not have seen the articles it rates here, or its probabilities would be
better than on new text: the dev articles are split into the ranker's folds
(``GroupKFold``, C, degree and claim roles as ``nli/pair_ranker.json`` records), each fold's
pairs are kept by a ranker fitted on the other folds (with the shipped rule: threshold, max and min
pairs), scored by the model as ``nli score`` scores them, and matched to the gold pairs as
``nli eval --articles`` matches them. The threshold is the one with the highest end-to-end
recall whose precision is at least ``--min-precision`` (default: the precision of the
calibrated-score label on the same findings, so the label loses no precision). The result
goes to ``finding_threshold.json`` in the model directory, with the hashes of the ranker
and of the calibration it was fitted with: ``nli score`` uses it only while both are
unchanged (``nli calibrate`` or a refitted ranker makes it stale; then the calibrated label
is used, with a warning, until this script is run again). Where no priority threshold finds as
much as the calibrated label at its precision, no threshold is written (an earlier one is
removed) and the model's findings keep the calibrated label. Never run it on the test half.

A model trained on the dev half's own pairs (the default model since v0.4) rates those pairs
better than it rates new text, so its threshold is fitted with its fold models instead:
``--fold-models M0 M1`` scores the articles of dev fold K (``make_real_pairs.fold_of``) with
the K-th model, trained without fold K, and calibrated like ``--model``
(``scripts/training/calibrate_folds.py`` writes one calibration into all of them); the
threshold is written for ``--model``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from fit_pair_ranker import (
    ArticlePairs,
    article_pairs,
    out_of_fold_probabilities,
    shipped_fit,
)
from real_halves import refuse_test_half

sys.path.insert(0, str(Path(__file__).resolve().parent / "training"))
from make_real_pairs import fold_of  # noqa: E402

from nli.config import ArticleConfig, ScoringConfig, decision_threshold
from nli.evaluate import GoldArticle, pipeline_quality, read_gold_articles
from nli.findings import make_finding, score_claim_pairs
from nli.io import sha256_file
from nli.labels import FINDING_THRESHOLD_FILE, FindingThreshold, write_finding_threshold
from nli.model import resolve_model_path
from nli.pair_jobs import load_scorer
from nli.ranking import DEFAULT_RANKER_PATH, load_ranker, select_pairs


def out_of_fold_findings(
    gold: Sequence[GoldArticle],
    articles: Sequence[ArticlePairs],
    probs: Sequence[np.ndarray],
    model: str,
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]], int, Any]:
    """The findings ``nli score`` would write with out-of-fold rankers (their labels are
    not used: the caller decides them), the claims found per article, the pairs scored, and
    the scorer."""
    shipped = load_ranker()
    config = ArticleConfig(scoring=ScoringConfig(model=model))
    scorer = load_scorer(config.scoring)
    kept = [
        select_pairs(
            a.claims,
            a.index,
            p,
            threshold=shipped.threshold,
            max_pairs=shipped.max_pairs,
            min_pairs=shipped.min_pairs,
        )
        for a, p in zip(articles, probs, strict=True)
    ]
    flat = [(s, r) for pairs in kept for s, r, _ in pairs]
    scores = iter(score_claim_pairs(flat, scorer, config))
    findings = [
        make_finding(g.article, s, r, next(scores), scorer, config, pair_probability=p)
        for g, pairs in zip(gold, kept, strict=True)
        for s, r, p in pairs
    ]
    claims = {
        g.article.id: [{"kind": c.kind, "span": c.span} for c in a.claims]
        for g, a in zip(gold, articles, strict=True)
    }
    return findings, claims, len(flat), scorer


def fold_model_findings(
    gold: Sequence[GoldArticle],
    articles: Sequence[ArticlePairs],
    probs: Sequence[np.ndarray],
    fold_models: Sequence[str],
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]], int, Any]:
    """:func:`out_of_fold_findings` with each dev fold's articles scored by the model that did
    not train on them (the K-th of ``fold_models`` for fold K), findings in article order."""
    by_fold: dict[int, list[int]] = {}
    for i, item in enumerate(gold):
        by_fold.setdefault(fold_of(item.article.id, len(fold_models)), []).append(i)
    findings: list[dict[str, Any]] = []
    claims: dict[str, list[dict[str, Any]]] = {}
    pairs, scorer = 0, None
    for fold, rows in sorted(by_fold.items()):
        fold_findings, fold_claims, fold_pairs, scorer = out_of_fold_findings(
            [gold[i] for i in rows],
            [articles[i] for i in rows],
            [probs[i] for i in rows],
            fold_models[fold],
        )
        findings += fold_findings
        claims.update(fold_claims)
        pairs += fold_pairs
    position = {item.article.id: i for i, item in enumerate(gold)}
    findings.sort(key=lambda f: position[f["article_id"]])  # stable: each article's order kept
    return findings, claims, pairs, scorer


def quality_at(
    gold: Sequence[GoldArticle],
    findings: Sequence[dict[str, Any]],
    claims: dict[str, list[dict[str, Any]]],
    pairs: int,
    flagged: Sequence[bool],
) -> tuple[float, float]:
    """(recall, precision) of ``nli eval --articles`` with the given findings flagged."""
    relabelled = [
        {**f, "label": "contradiction" if flag else "neutral"}
        for f, flag in zip(findings, flagged, strict=True)
    ]
    q = pipeline_quality(gold, relabelled, claims, pairs_scored=pairs)
    return q.recall, q.precision


def choose_threshold(
    gold: Sequence[GoldArticle],
    findings: Sequence[dict[str, Any]],
    claims: dict[str, list[dict[str, Any]]],
    pairs: int,
    min_precision: float,
) -> tuple[float, float, float] | None:
    """(threshold, recall, precision): the highest recall at ``min_precision`` or more (of
    equal recalls, the higher precision), trying the findings' priorities at 157 quantiles
    from the 20th to the 98th percentile (None when none reaches ``min_precision``)."""
    priority = np.array([float(f["priority"]) for f in findings])
    best: tuple[float, float, float] | None = None
    for threshold in np.unique(np.round(np.quantile(priority, np.linspace(0.2, 0.98, 157)), 5)):
        recall, precision = quality_at(gold, findings, claims, pairs, priority >= threshold)
        if precision >= min_precision and (best is None or (recall, precision) > best[1:]):
            best = (float(threshold), recall, precision)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path, help="the dev half (JSONL of labelled articles)")
    parser.add_argument("--model", default="default", help="'default', 'accurate' or a path")
    parser.add_argument(
        "--min-precision",
        type=float,
        default=None,
        help="lowest precision of the label (default: that of the calibrated-score label)",
    )
    parser.add_argument(
        "--fold-models",
        nargs="+",
        default=None,
        help="the K-th scores dev fold K (trained without it); their calibration is --model's",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the fit, write nothing")
    parser.add_argument(
        "--sweep",
        default=None,
        help="also print recall and precision at these priority thresholds (comma-separated)",
    )
    parser.add_argument(
        "--sweep-calibrated",
        default=None,
        help="also print them for the calibrated-score label at these thresholds",
    )
    args = parser.parse_args(argv)
    sweeps = {
        name: [float(x) for x in text.split(",") if x.strip()] if text else []
        for name, text in (("priority", args.sweep), ("calibrated", args.sweep_calibrated))
    }
    try:
        refuse_test_half(args.gold)
    except (ValueError, FileNotFoundError) as error:
        parser.error(f"{error} (fit on the dev half)")
    fitted, folds = shipped_fit(), 5

    gold = read_gold_articles(args.gold)
    articles = [article_pairs(g) for g in gold]
    probs = out_of_fold_probabilities(articles, folds=folds, **fitted)  # as the ranker was
    if args.fold_models:
        calibration = sha256_file(Path(resolve_model_path(args.model)) / "calibration.json")
        for other in args.fold_models:
            if sha256_file(Path(resolve_model_path(other)) / "calibration.json") != calibration:
                parser.error(f"{other}: its calibration.json is not --model's (calibrate_folds.py)")
        findings, claims, pairs, scorer = fold_model_findings(
            gold, articles, probs, args.fold_models
        )
    else:
        findings, claims, pairs, scorer = out_of_fold_findings(gold, articles, probs, args.model)
    base = decision_threshold(ArticleConfig(), scorer)
    calibrated = [float(f["calibrated"]) >= base for f in findings]
    base_recall, base_precision = quality_at(gold, findings, claims, pairs, calibrated)
    print(
        f"{len(gold)} articles, {pairs} pairs with out-of-fold rankers; calibrated label "
        f"(>= {base:.4f}): recall {base_recall:.4f}, precision {base_precision:.4f}"
    )
    floor = base_precision if args.min_precision is None else args.min_precision
    best = choose_threshold(gold, findings, claims, pairs, floor)
    if best is None:
        raise SystemExit(f"no threshold on priority reaches precision {floor:.4f}")
    threshold, recall, precision = best
    print(f"priority label (>= {threshold}): recall {recall:.4f}, precision {precision:.4f}")
    for name, thresholds in sweeps.items():
        values = np.array([float(f[name]) for f in findings])
        for at in thresholds:
            r, p = quality_at(gold, findings, claims, pairs, values >= at)
            print(f"  {name} >= {at}: recall {r:.4f}, precision {p:.4f}")
    if args.dry_run:
        return 0
    model_dir = Path(resolve_model_path(args.model))
    if args.min_precision is None and recall < base_recall:
        # labelling by priority would find less at the calibrated label's precision
        (model_dir / FINDING_THRESHOLD_FILE).unlink(missing_ok=True)
        print(
            f"the priority label finds less than the calibrated label at precision "
            f"{floor:.4f}: no {FINDING_THRESHOLD_FILE} (the model's findings are labelled by "
            "the calibrated score)"
        )
        return 0
    record = FindingThreshold(
        priority_threshold=threshold,
        ranker_sha256=sha256_file(DEFAULT_RANKER_PATH),
        calibration_sha256=sha256_file(model_dir / "calibration.json"),
        fitted={
            "command": "python scripts/fit_finding_threshold.py "
            + " ".join(sys.argv[1:] if argv is None else argv),
            "data": args.gold.name,
            "data_sha256": sha256_file(args.gold),
            "articles": len(gold),
            "pairs": pairs,
            "ranker_folds": folds,
            "fold_models": args.fold_models,
            "min_precision": round(floor, 4),
            "calibrated_label": {
                "threshold": round(base, 6),
                "recall": round(base_recall, 4),
                "precision": round(base_precision, 4),
            },
            "priority_label": {"recall": round(recall, 4), "precision": round(precision, 4)},
        },
    )
    path = write_finding_threshold(model_dir, record)
    print(f"wrote {path} ({FINDING_THRESHOLD_FILE})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
