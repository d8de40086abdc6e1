"""Fit the pair ranker (``nli/ranking.py``) on the dev half of the real-news set.

Usage::

    python scripts/fit_pair_ranker.py fixtures/real/dev.jsonl -o nli/pair_ranker.json

For every dev article: find its claims as ``nli score`` does, embed them, and take every
ordered pair of claims that may pair (:func:`nli.ranking.pair_features`); a pair is positive
when it matches a gold contradiction pair (statement span on the statement, report span on
the report). A logistic regression on standardised inputs is cross-validated by article (5
folds); its inputs are the features and, with ``--degree 2`` (the default), their pairwise
products (:func:`nli.ranking.expand_features`). The kept-pair rule (``threshold``,
``max_pairs``, ``min_pairs``) is the one whose cross-validated pairing recall is highest
within ``--budget`` scored pairs per article. The final model is fitted on all dev articles
and written with its weights on the raw inputs, the rule, and how it was made (command, data
hash, cross-validated numbers). Never run it on the test half: that half is only measured,
and a file holding any of its articles is refused (``scripts/real_halves.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from real_halves import refuse_test_half
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from nli.claims import extract_claims
from nli.evaluate import GoldArticle, read_gold_articles, spans_overlap
from nli.io import sha256_file
from nli.ranking import FEATURES, PairRanker, expand_features, pair_features, select_pairs
from nli.retrieval import claim_query, load_encoder
from nli.types import Claim


@dataclass
class ArticlePairs:
    """One article's candidate pairs with what fitting needs."""

    claims: list[Claim]
    index: list[tuple[int, int]]
    features: np.ndarray
    #: Per candidate pair, the gold contradiction pairs (indices) it matches.
    hits: list[set[int]]
    n_gold: int


def article_pairs(gold: GoldArticle, finder: str = "parse") -> ArticlePairs:
    """Candidate pairs of one labelled article and the gold contradictions each matches."""
    claims = extract_claims(gold.article, finder, bare=True)  # as ranked pairing takes them
    if len(claims) < 2:  # no pair: nothing to embed
        return candidate_pairs(gold, claims, np.zeros((len(claims), 0)))
    embeddings = load_encoder().encode([claim_query(c) for c in claims])
    return candidate_pairs(gold, claims, embeddings)


def candidate_pairs(gold: GoldArticle, claims: list[Claim], embeddings: np.ndarray) -> ArticlePairs:
    """:func:`article_pairs` for claims found and embedded already (one row per claim)."""
    contradictions = [p for p in gold.pairs if p.label == "contradiction"]
    if len(claims) < 2:
        return ArticlePairs(claims, [], np.zeros((0, len(FEATURES))), [], len(contradictions))
    index, rows = pair_features(claims, embeddings, text_length=len(gold.article.text))
    hits = [
        {
            g
            for g, p in enumerate(contradictions)
            if spans_overlap(claims[i].span, p.statement_span)
            and spans_overlap(claims[j].span, p.report_span)
        }
        for i, j in index
    ]
    return ArticlePairs(claims, index, rows, hits, len(contradictions))


def pairing_recall(
    articles: Sequence[ArticlePairs],
    probs: Sequence[np.ndarray],
    threshold: float,
    max_pairs: int,
    min_pairs: int = 0,
) -> tuple[float, float]:
    """(pairing recall, pairs per article) of the kept-pair rule on given probabilities."""
    found = pairs = 0
    for art, p in zip(articles, probs, strict=True):
        kept = select_pairs(
            art.claims, art.index, p, threshold=threshold, max_pairs=max_pairs, min_pairs=min_pairs
        )
        spans = {(s.span, r.span) for s, r, _ in kept}
        hit: set[int] = set()
        for (i, j), h in zip(art.index, art.hits, strict=True):
            if (art.claims[i].span, art.claims[j].span) in spans:
                hit |= h
        found += len(hit)
        pairs += len(kept)
    total = sum(a.n_gold for a in articles)
    return found / max(total, 1), pairs / max(len(articles), 1)


def fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """Logistic regression on standardised features; weights returned on raw features."""
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, max_iter=5000).fit(scaler.transform(x), y)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    weights = model.coef_[0] / scale
    bias = float(model.intercept_[0] - np.sum(model.coef_[0] * scaler.mean_ / scale))
    return weights, bias


def out_of_fold_probabilities(
    articles: Sequence[ArticlePairs], *, c: float, degree: int, folds: int
) -> list[np.ndarray]:
    """Each article's pair probabilities from a model fitted on the other folds
    (``GroupKFold`` by article, the same folds for the same articles)."""
    groups = np.concatenate([np.full(len(a.index), k) for k, a in enumerate(articles)])
    x = expand_features(np.concatenate([a.features for a in articles]), degree)
    y = np.array([bool(h) for a in articles for h in a.hits])
    probs = np.zeros(len(y))
    for train, test in GroupKFold(folds).split(x, y, groups):
        weights, bias = fit(x[train], y[train], c)
        probs[test] = 1.0 / (1.0 + np.exp(-np.clip(x[test] @ weights + bias, -500, 500)))
    bounds = np.cumsum([0, *(len(a.index) for a in articles)])
    return [probs[bounds[k] : bounds[k + 1]] for k in range(len(articles))]


def choose_rule(
    articles: Sequence[ArticlePairs],
    probs: Sequence[np.ndarray],
    budget: float,
    least_min_pairs: int = 1,
) -> tuple[float, int, int, float, float]:
    """The (threshold, max_pairs, min_pairs) with the best pairing recall within ``budget``
    pairs per article and ``min_pairs >= least_min_pairs``, with that recall and pairs per
    article."""
    every = np.concatenate([p for p in probs if len(p)])
    best: tuple[float, int, int, float, float] | None = None
    thresholds = np.unique(np.round(np.quantile(every, np.linspace(0.6, 0.99, 40)), 4))
    for max_pairs in (15, 20, 30, 40, 60):
        for min_pairs in sorted({least_min_pairs, 1, 2, 3, 5} - set(range(least_min_pairs))):
            for threshold in thresholds:
                recall, per = pairing_recall(
                    articles, probs, float(threshold), max_pairs, min_pairs
                )
                if per <= budget and (best is None or recall > best[3]):
                    best = (float(threshold), max_pairs, min_pairs, recall, per)
    if best is None:
        raise SystemExit(f"no rule keeps at most {budget} pairs per article")
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path, help="the dev half (JSONL of labelled articles)")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--budget", type=float, default=19.5, help="pairs per article, at most")
    parser.add_argument(
        "--c", type=float, default=0.003, help="inverse L2 regularisation (standardised inputs)"
    )
    parser.add_argument(
        "--degree",
        type=int,
        default=2,
        choices=(1, 2),
        help="1: linear in the features; 2: also their pairwise products (default)",
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--min-pairs",
        type=int,
        default=1,
        help="every article with two claims keeps at least this many pairs (default 1: "
        "an article with a denial and a report should never end without a finding)",
    )
    parser.add_argument("--finder", default="parse", choices=("parse", "rules"))
    args = parser.parse_args(argv)
    try:
        refuse_test_half(args.gold)
    except (ValueError, FileNotFoundError) as error:
        parser.error(f"{error} (fit on the dev half)")

    gold = read_gold_articles(args.gold)
    articles = [article_pairs(g, args.finder) for g in gold]
    y = np.array([bool(h) for a in articles for h in a.hits])
    print(f"{len(articles)} articles, {len(y)} candidate pairs, {int(y.sum())} positive")

    per_article = out_of_fold_probabilities(
        articles, c=args.c, degree=args.degree, folds=args.folds
    )
    threshold, max_pairs, min_pairs, recall, per = choose_rule(
        articles, per_article, args.budget, args.min_pairs
    )
    print(
        f"cross-validated: pairing recall {recall:.3f} at {per:.1f} pairs per article "
        f"(threshold {threshold}, max_pairs {max_pairs}, min_pairs {min_pairs})"
    )

    # built after the folds, which build their own: one expanded matrix in memory at a time
    x = expand_features(np.concatenate([a.features for a in articles]), args.degree)
    weights, bias = fit(x, y, args.c)
    ranker = PairRanker(
        tuple(float(w) for w in weights), bias, threshold, max_pairs, min_pairs, degree=args.degree
    )
    probs = [ranker.probabilities(a.features) for a in articles]
    fitted_recall, fitted_per = pairing_recall(articles, probs, threshold, max_pairs, min_pairs)
    print(f"fitted on all: pairing recall {fitted_recall:.3f} at {fitted_per:.1f} pairs")
    out = ranker.to_dict()
    out["fitted"] = {
        "command": "python scripts/fit_pair_ranker.py "
        + " ".join(sys.argv[1:] if argv is None else argv),
        "data": args.gold.name,
        "data_sha256": sha256_file(args.gold),
        "articles": len(articles),
        "candidate_pairs": int(len(y)),
        "positive_pairs": int(y.sum()),
        "cv_pairing_recall": round(recall, 4),
        "cv_pairs_per_article": round(per, 2),
        "c": args.c,
        "degree": args.degree,
        "folds": args.folds,
    }
    args.output.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
