"""Contradiction ROC-AUC on the gold pairs the pipeline reaches, by the form the model sees.

Usage::

    python scripts/eval_input_forms.py fixtures/real/dev.jsonl --models default accurate
    python scripts/eval_input_forms.py fixtures/real/dev.jsonl --fold 0 --skip-blanket

The article pipeline (claims, pairing, the shipped default model) runs once on the gold
articles; each gold pair matched by a finding (statement and report spans overlapping, the
finding with the highest calibrated score kept) is then scored by every model in three forms:

- ``pipeline``: what ``nli score`` hands the model (the finding's ``normalised`` texts; since
  v0.4 of the default model the report's content against the statement's own words; before
  it, the report's content against what the official asserts or denies, with P(entailment)
  as the score for a reported denial, polarity ``-``);
- ``finder spans``: the statement and report claim texts as the finder cut them;
- ``gold spans``: the statement and report as the annotators marked them;

the two span forms scored for contradiction, report as premise, as ``nli pairs`` does
(``--skip-blanket`` leaves out blanket denials, whose own words name nothing). ``--fold K``
keeps the articles of fold K of ``--folds`` (``make_real_pairs.fold_of``: the dev fold that
``make_distill_pairs.py --leave-out-fold K`` keeps unseen). It prints
one contradiction ROC-AUC per model and form, on the same pairs. A gap between ``pipeline`` and
``gold spans`` is what the claim finder and normalisation cost the model.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from nli.config import ArticleConfig, RunCounts, ScoringConfig
from nli.evaluate import (
    GoldArticle,
    best_matching_finding,
    findings_by_article,
    read_gold_articles,
)
from nli.findings import score_article_batch
from nli.model import ContradictionScorer, Target
from nli.pair_jobs import load_scorer

# make_real_pairs.py (the dev folds) is a module of scripts/training/.
sys.path.insert(0, str(Path(__file__).resolve().parent / "training"))
from make_real_pairs import fold_of  # noqa: E402

FORMS = ("pipeline", "finder spans", "gold spans")


@dataclass(frozen=True)
class ReachedPair:
    """One gold pair the pipeline reached, in every input form."""

    contradiction: bool
    premise: str
    hypothesis: str
    polarity: str
    finder_statement: str
    finder_report: str
    gold_statement: str
    gold_report: str


def reached_pairs(
    gold: Sequence[GoldArticle],
    findings: Sequence[dict[str, Any]],
    *,
    skip_blanket: bool = False,
) -> list[ReachedPair]:
    """The gold pairs some finding matches, with the best-scored matching finding's inputs.

    ``skip_blanket`` leaves out findings whose statement is a blanket denial ("that is not
    true": its pipeline hypothesis is the report itself), as ``make_real_pairs.py`` does.
    """
    by_article = findings_by_article(findings)
    out = []
    for item in gold:
        text = item.article.text
        for pair in item.pairs:
            best = best_matching_finding(
                by_article.get(item.article.id, []), pair, skip_blanket=skip_blanket
            )
            if best is None:
                continue
            (s0, s1), (r0, r1) = best["statement"]["span"], best["report"]["span"]
            gold_statement, gold_report = pair.texts(text)
            out.append(
                ReachedPair(
                    contradiction=pair.label == "contradiction",
                    premise=best["normalised"]["premise"],
                    hypothesis=best["normalised"]["hypothesis"],
                    polarity=best["normalised"]["polarity"],
                    finder_statement=text[s0:s1],
                    finder_report=text[r0:r1],
                    gold_statement=gold_statement,
                    gold_report=gold_report,
                )
            )
    return out


def form_scores(scorer: ContradictionScorer, pairs: Sequence[ReachedPair]) -> dict[str, np.ndarray]:
    """Calibrated contradiction-of-the-official scores of ``pairs`` in each of :data:`FORMS`."""
    targets: list[Target] = ["entailment" if p.polarity == "-" else "contradiction" for p in pairs]
    scored = scorer.score_pairs(
        [p.hypothesis for p in pairs],
        [p.premise for p in pairs],
        targets=targets,
        show_progress_bar=False,
    )
    out = {
        "pipeline": np.array(
            [getattr(scorer.calibrate(s.probs), t) for s, t in zip(scored, targets, strict=True)]
        )
    }
    for form, statement, report in (
        ("finder spans", "finder_statement", "finder_report"),
        ("gold spans", "gold_statement", "gold_report"),
    ):
        scored = scorer.score_pairs(
            [getattr(p, statement) for p in pairs],
            [getattr(p, report) for p in pairs],
            show_progress_bar=False,
        )
        out[form] = np.array([scorer.calibrate(s.probs).contradiction for s in scored])
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path, help="a real-news gold file (fixtures/real/dev.jsonl)")
    parser.add_argument("--models", nargs="+", default=["default"])
    parser.add_argument("--precision", default="fp32", choices=["auto", "int8", "bf16", "fp32"])
    parser.add_argument("--fold", type=int, default=None, help="keep only this fold's articles")
    parser.add_argument("--folds", type=int, default=2, help="folds of --fold (2)")
    parser.add_argument(
        "--skip-blanket", action="store_true", help="leave out blanket-denial statements"
    )
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error("--folds must be at least 2")
    if args.fold is not None and not 0 <= args.fold < args.folds:
        parser.error(f"--fold must lie in 0..{args.folds - 1}")
    gold = read_gold_articles(args.gold)
    if args.fold is not None:
        gold = [g for g in gold if fold_of(g.article.id, args.folds) == args.fold]
    scoring = ScoringConfig(model="default", precision=args.precision)
    findings, _ = score_article_batch(
        [g.article for g in gold], load_scorer(scoring), ArticleConfig(scoring=scoring), RunCounts()
    )
    pairs = reached_pairs(gold, findings, skip_blanket=args.skip_blanket)
    labels = np.array([p.contradiction for p in pairs])
    if len(set(labels.tolist())) < 2:
        print("the reached gold pairs hold one class only: no ROC-AUC", file=sys.stderr)
        return 1
    print(f"{len(pairs)} reached gold pairs, {int(labels.sum())} contradictions")
    print(f"{'model':<40}" + "".join(f"{form:>14}" for form in FORMS))
    for name in args.models:
        scores = form_scores(ContradictionScorer(name, precision=args.precision), pairs)
        row = "".join(f"{roc_auc_score(labels, scores[form]):>14.3f}" for form in FORMS)
        print(f"{name:<40}{row}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
