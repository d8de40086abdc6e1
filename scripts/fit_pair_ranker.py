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
import dataclasses
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
from nli.ranking import (
    DEFAULT_RANKER_PATH,
    FEATURES,
    ROLE_FEATURES,
    ClaimRoles,
    PairRanker,
    expand_features,
    logistic,
    pair_features,
    role_inputs,
    select_pairs,
    side_columns,
)
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
    #: The claims' embeddings (one row each; no columns when fewer than two claims).
    embeddings: np.ndarray
    #: Per claim, whether it is the statement / the report of a gold contradiction.
    sides: np.ndarray

    def with_sides(self, sides: np.ndarray) -> ArticlePairs:
        """This article with :data:`nli.ranking.ROLE_FEATURES` after its features, from
        the claims' side probabilities (as :func:`nli.ranking.pair_features` adds them)."""
        i = np.array([a for a, _ in self.index], dtype=np.int64)
        j = np.array([b for _, b in self.index], dtype=np.int64)
        columns = side_columns(sides, i, j).reshape(len(i), len(ROLE_FEATURES))
        return dataclasses.replace(self, features=np.column_stack([self.features, columns]))


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
    # per claim and gold contradiction: does the claim overlap its statement / its report
    on_statement, on_report = (
        np.array(
            [[spans_overlap(c.span, getattr(p, slot)) for p in contradictions] for c in claims],
            dtype=bool,
        ).reshape(len(claims), len(contradictions))
        for slot in ("statement_span", "report_span")
    )
    sides = np.column_stack([on_statement.any(axis=1), on_report.any(axis=1)])
    if len(claims) < 2:
        return ArticlePairs(
            claims, [], np.zeros((0, len(FEATURES))), [], len(contradictions), embeddings, sides
        )
    index, rows = pair_features(claims, embeddings, text_length=len(gold.article.text))
    hits = [set(np.flatnonzero(on_statement[i] & on_report[j]).tolist()) for i, j in index]
    return ArticlePairs(claims, index, rows, hits, len(contradictions), embeddings, sides)


def as_ranker_reads(article: ArticlePairs, ranker: PairRanker) -> ArticlePairs:
    """The article with the features ``ranker`` reads: with its claim roles' side features
    when it has claim roles (:meth:`nli.ranking.PairRanker.features_of`)."""
    if ranker.roles is None or not article.index:
        return article
    return article.with_sides(ranker.roles.probabilities(article.claims, article.embeddings))


def shipped_fit() -> dict[str, float]:
    """How the shipped ranker was fitted: ``c``, ``degree`` and ``roles_c`` (0: no roles)."""
    fitted = json.loads(DEFAULT_RANKER_PATH.read_text(encoding="utf-8")).get("fitted", {})
    return {
        "c": float(fitted.get("c", 0.003)),
        "degree": int(fitted.get("degree", 2)),
        "roles_c": float(fitted.get("roles_c") or 0.0),
    }


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


def article_folds(articles: Sequence[ArticlePairs], folds: int) -> np.ndarray:
    """Each article's fold: ``GroupKFold`` over the candidate pairs, grouped by article
    (articles without a pair go to fold 0, where they count for nothing)."""
    groups = np.concatenate([np.full(len(a.index), k) for k, a in enumerate(articles)])
    fold = np.zeros(len(articles), dtype=np.int64)
    for k, (_, test) in enumerate(GroupKFold(folds).split(groups, groups, groups)):
        fold[np.unique(groups[test])] = k
    return fold


def role_rows(articles: Sequence[ArticlePairs]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inputs, gold sides, article of each row) of every claim of an article with a pair."""
    kept = [k for k, a in enumerate(articles) if a.index]
    x = np.vstack([role_inputs(articles[k].claims, articles[k].embeddings) for k in kept])
    y = np.vstack([articles[k].sides for k in kept])
    owner = np.concatenate([np.full(len(articles[k].claims), k) for k in kept])
    return x, y, owner


def fit_roles(x: np.ndarray, y: np.ndarray, c: float) -> ClaimRoles:
    """Claim roles (two logistic regressions) fitted on role inputs and gold sides."""
    sides = [fit(x, y[:, k], c) for k in (0, 1)]
    return ClaimRoles(
        weights=tuple(tuple(float(w) for w in weights) for weights, _ in sides),  # type: ignore[arg-type]
        bias=tuple(float(bias) for _, bias in sides),  # type: ignore[arg-type]
    )


def out_of_fold_sides(
    articles: Sequence[ArticlePairs], fold: np.ndarray, c: float
) -> list[np.ndarray]:
    """Each article's claim side probabilities from claim roles fitted on the other folds."""
    x, y, owner = role_rows(articles)
    out = [np.zeros((len(a.claims), 2)) for a in articles]
    for k in np.unique(fold):
        train = fold[owner] != k
        roles = fit_roles(x[train], y[train], c)
        for a in np.flatnonzero(fold == k).tolist():
            if articles[a].index:
                out[a] = roles.probabilities(articles[a].claims, articles[a].embeddings)
    return out


def with_out_of_fold_sides(
    articles: Sequence[ArticlePairs], fold: np.ndarray, c: float
) -> list[ArticlePairs]:
    """The articles with the role features, from :func:`out_of_fold_sides`."""
    sides = out_of_fold_sides(articles, fold, c)
    return [a.with_sides(s) for a, s in zip(articles, sides, strict=True)]


def roles_and_training(
    articles: Sequence[ArticlePairs], folds: int, roles_c: float
) -> tuple[ClaimRoles | None, list[ArticlePairs]]:
    """The claim roles fitted on every claim of ``articles``, and the articles with the role
    features the ranker learns from: side probabilities of claims the roles were not fitted
    on, as they will be on new articles (out of fold, the folds of the ranker's
    cross-validation). Without ``roles_c``: no roles, and the articles as they are."""
    if not roles_c:
        return None, list(articles)
    training = with_out_of_fold_sides(articles, article_folds(articles, folds), roles_c)
    x, y, _ = role_rows(articles)
    return fit_roles(x, y, roles_c), training


def fit_ranker_weights(
    training: Sequence[ArticlePairs], c: float, degree: int
) -> tuple[np.ndarray, float]:
    """The ranker's weights and bias fitted on every candidate pair of ``training``."""
    x = expand_features(np.concatenate([a.features for a in training]), degree)
    y = np.array([bool(h) for a in training for h in a.hits])
    return fit(x, y, c)


def out_of_fold_probabilities(
    articles: Sequence[ArticlePairs],
    *,
    c: float,
    degree: int,
    folds: int,
    roles_c: float | None = None,
) -> list[np.ndarray]:
    """Each article's pair probabilities from a model fitted on the other folds
    (``GroupKFold`` by article, the same folds for the same articles). With ``roles_c``,
    the features end with the role features, from claim roles fitted on the other folds
    (regularisation ``roles_c``; the same folds)."""
    fold = article_folds(articles, folds)
    if roles_c:
        articles = with_out_of_fold_sides(articles, fold, roles_c)
    pair_fold = np.concatenate([np.full(len(a.index), fold[k]) for k, a in enumerate(articles)])
    x = expand_features(np.concatenate([a.features for a in articles]), degree)
    y = np.array([bool(h) for a in articles for h in a.hits])
    probs = np.zeros(len(y))
    for k in np.unique(pair_fold):
        train, test = pair_fold != k, pair_fold == k
        weights, bias = fit(x[train], y[train], c)
        probs[test] = logistic(x[test] @ weights + bias)
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
    parser.add_argument(
        "--roles-c",
        type=float,
        default=1.0,
        help="inverse L2 regularisation of the claim roles (nli.ranking.ClaimRoles); 0: a "
        "ranker without them",
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

    roles, training = roles_and_training(articles, args.folds, args.roles_c)
    # the side features are in place: the same folds as with roles_c, computed once
    per_article = out_of_fold_probabilities(
        training, c=args.c, degree=args.degree, folds=args.folds
    )
    threshold, max_pairs, min_pairs, recall, per = choose_rule(
        articles, per_article, args.budget, args.min_pairs
    )
    print(
        f"cross-validated: pairing recall {recall:.3f} at {per:.1f} pairs per article "
        f"(threshold {threshold}, max_pairs {max_pairs}, min_pairs {min_pairs})"
    )

    # built after the folds, which build their own: one expanded matrix in memory at a time
    weights, bias = fit_ranker_weights(training, args.c, args.degree)
    ranker = PairRanker(
        tuple(float(w) for w in weights),
        bias,
        threshold,
        max_pairs,
        min_pairs,
        features=FEATURES + (ROLE_FEATURES if roles is not None else ()),
        degree=args.degree,
        roles=roles,
    )
    fitted_articles = [as_ranker_reads(a, ranker) for a in articles]
    probs = [ranker.probabilities(a.features) for a in fitted_articles]
    fitted_recall, fitted_per = pairing_recall(
        fitted_articles, probs, threshold, max_pairs, min_pairs
    )
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
        "roles_c": args.roles_c,
    }
    args.output.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
