"""Where the pair ranker's recall is lost, on the dev half of the real-news set.

Usage::

    python scripts/ranking_diagnostics.py fixtures/real/dev.jsonl oracle
    python scripts/ranking_diagnostics.py fixtures/real/dev.jsonl curve [--draws 3]

Both measure the cross-validated pairing recall of rankers fitted as
``scripts/fit_pair_ranker.py`` fits the shipped one (5 folds by article, the kept-pair rule
chosen for at most ``--budget`` pairs per article):

- ``oracle``: the shipped fit (claim roles predicted out of fold), and rankers that are told
  per claim instead (as the three role features) whether it overlaps the statement / the
  report of a gold contradiction, or any gold statement / any gold report of the labelled
  pairs, whatever their label (the annotation's roles: every statement/report pair on the
  same matter is labelled). What the told rankers reach bounds what
  knowing each claim's role would give.
- ``curve``: the whole fit (claim roles with their own inner folds, then the ranker) on a share
  of each training fold's articles (25 %, 50 %, all; ``--draws`` random draws of the
  smaller shares), measured on the held-out fold: what more annotated articles would give.

Never run it on the test half: that half is only measured, and a file holding any of its
articles is refused (``scripts/real_halves.py``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from fit_pair_ranker import (
    ArticlePairs,
    article_folds,
    article_pairs,
    choose_rule,
    expand_features,
    fit_ranker_weights,
    out_of_fold_probabilities,
    roles_and_training,
    shipped_fit,
    with_out_of_fold_sides,
)
from real_halves import refuse_test_half

from nli.evaluate import GoldArticle, read_gold_articles, spans_overlap
from nli.ranking import logistic


def annotated_roles(gold: GoldArticle, article: ArticlePairs) -> np.ndarray:
    """Per claim: does it overlap a gold statement, a gold report of the labelled pairs (any
    label; 0/1, two columns)."""
    statements = {p.statement_span for p in gold.pairs}
    reports = {p.report_span for p in gold.pairs}
    rows = [
        [any(spans_overlap(c.span, s) for s in statements),
         any(spans_overlap(c.span, r) for r in reports)]
        for c in article.claims
    ]  # fmt: skip
    return np.array(rows, dtype=np.float64).reshape(len(article.claims), 2)


def cv_recall(articles: Sequence[ArticlePairs], budget: float, c: float, degree: int) -> float:
    """Cross-validated pairing recall of a ranker on the articles' features as they are."""
    probs = out_of_fold_probabilities(articles, c=c, degree=degree, folds=5)
    return choose_rule(articles, probs, budget)[3]


def oracle(
    golds: Sequence[GoldArticle], articles: Sequence[ArticlePairs], budget: float
) -> dict[str, float]:
    """Pairing recall of the shipped fit and of rankers told each claim's role."""
    shipped = shipped_fit()
    c, degree = shipped["c"], int(shipped["degree"])
    predicted = with_out_of_fold_sides(articles, article_folds(articles, 5), shipped["roles_c"])
    told_sides = [a.with_sides(a.sides.astype(np.float64)) for a in articles]
    told_roles = [a.with_sides(annotated_roles(g, a)) for g, a in zip(golds, articles, strict=True)]
    return {
        "predicted claim roles (the shipped fit)": cv_recall(predicted, budget, c, degree),
        "told the contradiction sides": cv_recall(told_sides, budget, c, degree),
        "told any gold statement / any gold report": cv_recall(told_roles, budget, c, degree),
    }


def curve(
    articles: Sequence[ArticlePairs], budget: float, shares: Sequence[float], draws: int
) -> dict[float, list[float]]:
    """Per share of each training fold's articles, the pairing recall of each draw."""
    shipped = shipped_fit()
    c, degree, roles_c = shipped["c"], int(shipped["degree"]), shipped["roles_c"]
    fold = article_folds(articles, 5)
    out: dict[float, list[float]] = {}
    for share in shares:
        out[share] = []
        for draw in range(draws if share < 1.0 else 1):
            keep = np.random.default_rng(draw).random(len(articles)) < share
            probs = [np.zeros(len(a.index)) for a in articles]
            for k in range(5):
                train = [a for i, a in enumerate(articles) if fold[i] != k and keep[i]]
                # the whole fit on the share, as scripts/fit_pair_ranker.py fits the shipped one
                roles, inner = roles_and_training(train, 5, roles_c)
                weights, bias = fit_ranker_weights(inner, c, degree)
                for i in np.flatnonzero(fold == k).tolist():
                    a = articles[i]
                    if not a.index:
                        continue
                    if roles is not None:
                        a = a.with_sides(roles.probabilities(a.claims, a.embeddings))
                    probs[i] = logistic(expand_features(a.features, degree) @ weights + bias)
            out[share].append(choose_rule(articles, probs, budget)[3])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path, help="the dev half (JSONL of labelled articles)")
    parser.add_argument("what", choices=("oracle", "curve"))
    parser.add_argument("--budget", type=float, default=19.5, help="pairs per article, at most")
    parser.add_argument("--draws", type=int, default=3, help="curve: draws per smaller share")
    parser.add_argument("--finder", default="parse", choices=("parse", "rules"))
    args = parser.parse_args(argv)
    try:
        refuse_test_half(args.gold)
    except (ValueError, FileNotFoundError) as error:
        parser.error(f"{error} (measure on the dev half)")
    golds = read_gold_articles(args.gold)
    articles = [article_pairs(g, args.finder) for g in golds]
    if args.what == "oracle":
        for name, recall in oracle(golds, articles, args.budget).items():
            print(f"{name}: pairing recall {recall:.3f}")
    else:
        for share, recalls in curve(articles, args.budget, (0.25, 0.5, 1.0), args.draws).items():
            shown = " ".join(f"{r:.3f}" for r in recalls)
            print(f"{share:.0%} of the training articles: {np.mean(recalls):.3f} ({shown})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
