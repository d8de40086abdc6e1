"""Tune retrieval pairing (top-k, minimum similarity) on the dev half of the real-news set.

Usage::

    python scripts/tune_pairing.py fixtures/real/dev.jsonl --model default

Finds the claims of every article once, embeds them, scores every statement's ``max(ks)``
most similar reports with the model once, then replays each (k, min_similarity) setting on
those scores and prints what ``nli eval --articles`` would print for it: pairing recall,
end-to-end recall and precision, top-1 and scored pairs per article. Never run it on the
test half: that half is only measured, and a file holding any of its articles is refused
(``scripts/real_halves.py``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from pathlib import Path

from real_halves import refuse_test_half

from nli.claims import extract_claims
from nli.config import ArticleConfig, ScoringConfig
from nli.evaluate import pipeline_quality, read_gold_articles
from nli.findings import make_finding, score_claim_pairs
from nli.pair_jobs import load_scorer
from nli.retrieval import keep_pair, load_encoder, retrieve_pairs, slot_ranks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--model", default="default")
    parser.add_argument("--finder", default="parse", choices=("parse", "rules"))
    parser.add_argument("--ks", type=int, nargs="+", default=[1, 2, 3, 4, 5, 8])
    parser.add_argument("--sims", type=float, nargs="+", default=[0.0, 0.1, 0.2, 0.3, 0.4])
    parser.add_argument("--report-ks", type=int, nargs="+", default=[0])
    parser.add_argument(
        "--blanket-ks",
        type=int,
        nargs="+",
        default=[0],
        help="k for blanket denials (0: as for other denials)",
    )
    parser.add_argument(
        "--denial-ks",
        type=int,
        nargs="+",
        default=[0],
        help="k for denials and blanket denials (0: the same k as other statements)",
    )
    parser.add_argument("--json", type=Path, help="Also write the grid as JSON here.")
    args = parser.parse_args(argv)
    try:
        refuse_test_half(args.gold)
    except (ValueError, FileNotFoundError) as error:
        parser.error(f"{error} (tune on the dev half)")

    gold = read_gold_articles(args.gold)
    scoring = ScoringConfig(model=args.model)
    scorer = load_scorer(scoring)
    base = ArticleConfig(scoring=scoring, finder=args.finder)
    encoder = load_encoder()
    start = time.perf_counter()
    claims = {g.article.id: extract_claims(g.article, args.finder) for g in gold}
    t_claims = time.perf_counter() - start
    widest = {
        g.article.id: retrieve_pairs(
            claims[g.article.id],
            k=max(args.ks + args.denial_ks + args.blanket_ks),
            min_similarity=-1.0,
            report_k=max(args.report_ks),
            encoder=encoder,
        )
        for g in gold
    }
    flat = [(aid, s, r, sim) for aid, found in widest.items() for s, r, sim in found]
    start = time.perf_counter()
    scores = score_claim_pairs([(s, r) for _, s, r, _ in flat], scorer, base)
    t_model = time.perf_counter() - start
    print(f"claims {t_claims:.1f}s, {len(flat)} candidate pairs scored in {t_model:.1f}s")
    articles = {g.article.id: g.article for g in gold}
    claim_dicts = {
        aid: [{"kind": c.kind, "span": c.span} for c in found] for aid, found in claims.items()
    }

    # rank of each pair within its statement and within its report, for replaying top-k with
    # retrieval's own rule (nli.retrieval.keep_pair); the widest run holds every top rank
    def ranks(key: object, other: int) -> dict[int, int]:
        out: dict[int, int] = {}
        ordered = sorted(range(len(flat)), key=lambda i: (key(i), -flat[i][3]))  # type: ignore[operator]
        for _, group in itertools.groupby(ordered, key=key):  # type: ignore[arg-type]
            members = list(group)
            slots = slot_ranks([flat[i][other].span for i in members])  # type: ignore[attr-defined]
            out.update(zip(members, slots, strict=True))
        return out

    s_rank = ranks(lambda i: (flat[i][0], flat[i][1].span, flat[i][1].kind), 2)
    r_rank = ranks(lambda i: (flat[i][0], flat[i][2].span, flat[i][2].kind), 1)
    rows = []
    print(
        f"{'k':>3} {'dk':>3} {'bk':>3} {'rk':>3} {'min_sim':>7} {'pair_rec':>8} {'recall':>7} "
        f"{'prec':>6} {'top1':>6} {'pairs/art':>9}"
    )
    for k, dk, bk, rk, min_sim in itertools.product(
        args.ks, args.denial_ks, args.blanket_ks, args.report_ks, args.sims
    ):

        def kept(
            i: int, k: int = k, dk: int = dk, bk: int = bk, rk: int = rk, min_sim: float = min_sim
        ) -> bool:
            _, s, r, sim = flat[i]
            return keep_pair(
                s, r, sim, s_rank[i], r_rank[i], k=k, min_similarity=min_sim,
                denial_k=dk or None, blanket_k=bk or None, report_k=rk,
            )  # fmt: skip

        keep = [i for i in range(len(flat)) if kept(i)]
        findings = [
            make_finding(articles[flat[i][0]], flat[i][1], flat[i][2], scores[i], scorer, base)
            for i in keep
        ]
        q = pipeline_quality(gold, findings, claim_dicts, pairs_scored=len(keep))
        rows.append(
            {
                "k": k,
                "denial_k": dk,
                "blanket_k": bk,
                "report_k": rk,
                "min_similarity": min_sim,
                **q.as_dict(),
            }
        )
        print(
            f"{k:>3} {dk:>3} {bk:>3} {rk:>3} {min_sim:>7.2f} {q.pairing_recall:>8.3f} "
            f"{q.recall:>7.3f} {q.precision:>6.3f} {q.top1:>6.3f} "
            f"{q.pairs_per_article:>9.1f}  {q.misses}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
