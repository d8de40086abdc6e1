"""Score real-news pairs (from make_real_pairs.py) with one or more models, as the pipeline does.

Usage::

    python scripts/training/eval_real_pairs.py runs/fold0-heldout.jsonl \\
        --models default runs/real-cv0/final

For each model prints the contradiction ROC-AUC of the verdict on the official (score =
P(contradiction) for a direct assertion, P(entailment) for a reported denial, both directions
as ``nli score`` scores them, calibration of the model applied) and F1 at the model's own
threshold, on the same rows.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score, roc_auc_score

from nli.model import ContradictionScorer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", type=Path)
    parser.add_argument("--models", nargs="+", default=["default"])
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.rows.read_text().splitlines() if line]
    gold = np.array([r["verdict"] == "contradiction" for r in rows])
    for name in args.models:
        scorer = ContradictionScorer(name)
        scored = scorer.score_pairs(
            [r["hypothesis"] for r in rows],
            [r["premise"] for r in rows],
            targets=["entailment" if r["polarity"] == "-" else "contradiction" for r in rows],
            show_progress_bar=False,
        )
        target = ["entailment" if r["polarity"] == "-" else "contradiction" for r in rows]
        calibrated = np.array(
            [getattr(scorer.calibrate(s.probs), t) for s, t in zip(scored, target, strict=True)]
        )
        threshold = scorer.decision_threshold or 0.5
        auc = roc_auc_score(gold, calibrated)
        f1 = f1_score(gold, calibrated >= threshold)
        print(f"{name}: n={len(rows)} ROC-AUC {auc:.3f} F1 {f1:.3f} (threshold {threshold:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
