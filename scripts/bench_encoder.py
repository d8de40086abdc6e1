"""Speed and pairing quality of each pairing-encoder precision on the real-news dev half.

Usage::

    python scripts/bench_encoder.py fixtures/real/dev.jsonl [--precisions fp32 bf16 int8]

For each precision of :class:`nli.retrieval.SentenceEncoder` (``bf16`` only where the CPU
has native bf16), on the claims ranked pairing takes from the dev articles (bare sentences
included), it prints:

- ``texts/s``: distinct claim texts embedded per second (one call, best of two); those
  embeddings are the ones the pairing columns use (claims are found once, for all);
- ``cos mean`` / ``cos min``: cosine of each text's embedding with fp32's;
- ``pairing``: pairing recall of the shipped ranker on these embeddings (its threshold and
  caps; in-sample: the ranker was fitted on this half), and pairs per article;
- ``CV pairing``: pairing recall of a ranker refitted out of fold on these embeddings, with
  the kept-pair rule chosen for at most 19.5 pairs per article (as
  ``scripts/fit_pair_ranker.py`` fits it).

``precision="auto"`` takes int8 only for the weights measured here
(``nli.retrieval.INT8_MEASURED_WEIGHTS``). Never run it on the test half.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from fit_pair_ranker import (
    as_ranker_reads,
    candidate_pairs,
    choose_rule,
    out_of_fold_probabilities,
    pairing_recall,
    shipped_fit,
)
from real_halves import refuse_test_half

from nli.claims import extract_claims
from nli.evaluate import read_gold_articles
from nli.ranking import load_ranker
from nli.retrieval import SentenceEncoder, claim_query


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path, help="the dev half (JSONL of labelled articles)")
    parser.add_argument("--precisions", nargs="+", default=["fp32", "bf16", "int8"])
    parser.add_argument("--budget", type=float, default=19.5, help="pairs per article, at most")
    args = parser.parse_args(argv)
    try:
        refuse_test_half(args.gold)
    except (ValueError, FileNotFoundError) as error:
        parser.error(f"{error} (measure on the dev half)")
    precisions = [
        p for p in args.precisions if p != "bf16" or torch.ops.mkldnn._is_mkldnn_bf16_supported()
    ]
    gold = read_gold_articles(args.gold)
    found = [extract_claims(g.article, "parse", bare=True) for g in gold]  # once for all
    texts = sorted({claim_query(c) for claims in found for c in claims})
    ranker = load_ranker()
    reference: np.ndarray | None = None
    print(
        f"{len(gold)} articles, {len(texts)} distinct texts; torch threads "
        f"{torch.get_num_threads()}"
    )
    print(f"{'precision':<10}{'texts/s':>9}{'cos mean':>10}{'cos min':>9}{'pairing':>9}"
          f"{'pairs':>7}{'CV pairing':>12}")  # fmt: skip
    for precision in ["fp32", *(p for p in precisions if p != "fp32")]:
        encoder = SentenceEncoder(precision=precision)
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            vectors = encoder.encode(texts)
            best = min(best, time.perf_counter() - start)
        reference = vectors if reference is None else reference  # fp32 comes first
        cosines = np.sum(vectors * reference, axis=1)
        row_of = {text: k for k, text in enumerate(texts)}
        articles = [
            candidate_pairs(g, claims, vectors[[row_of[claim_query(c)] for c in claims]])
            for g, claims in zip(gold, found, strict=True)
        ]
        probs = [ranker.probabilities(as_ranker_reads(a, ranker).features) for a in articles]
        recall, per = pairing_recall(
            articles, probs, ranker.threshold, ranker.max_pairs, ranker.min_pairs
        )
        folds = out_of_fold_probabilities(articles, folds=5, **shipped_fit())
        cv = choose_rule(articles, folds, args.budget, 1)[3]
        if precision in precisions:
            print(
                f"{encoder.precision:<10}{len(texts) / best:>9.0f}{cosines.mean():>10.4f}"
                f"{cosines.min():>9.4f}{recall:>9.4f}{per:>7.1f}{cv:>12.4f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
