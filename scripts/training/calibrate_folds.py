"""Fit a model's calibration on dev pairs it was trained on, with its fold models' scores.

Usage::

    python scripts/training/calibrate_folds.py fixtures/calibration_dev.jsonl \
        --model runs/v04/final --fold-models runs/v04-f0/final runs/v04-f1/final \
        --write runs/v04/final runs/v04-f0/final runs/v04-f1/final

A model trained on the real-news dev half (``train_nli.py --extra-jsonl`` with rows of
``make_real_pairs.py``) is over-confident on those pairs, so ``nli calibrate`` on a
calibration set that holds them would fit it too sharp a temperature. Here each real-news row
of the calibration set (id ``real-<article id>-<n>``, as ``make_calibration_dev.py`` writes
them) is scored by the fold model that did not see its article (``--fold-models``: the K-th
trained without fold K of ``make_real_pairs.fold_of``), every other row (the hand-written
pairs) by ``--model``, and one temperature and threshold are fitted on all the scores, as
``nli calibrate`` fits them (one way). The same ``calibration.json`` is written into every
``--write`` directory, so that a priority threshold fitted with the fold models
(``fit_finding_threshold.py --fold-models``) holds for the final model too.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from make_real_pairs import fold_of

from nli.calibration import fit_calibration, write_calibration
from nli.evaluate import probs_matrix
from nli.io import read_pairs
from nli.model import ContradictionScorer, Precision
from nli.types import ErrorRecord, PairRecord


def article_of(record_id: str) -> str | None:
    """The article id of a real-news calibration row, None for any other row.

    Example:
        >>> article_of("real-h1-002-17"), article_of("hand-3")
        ('h1-002', None)
    """
    if not record_id.startswith("real-"):
        return None
    head, _, index = record_id[len("real-") :].rpartition("-")
    return head if head and index.isdigit() else None


def fold_probs(
    records: Sequence[PairRecord], model: str, fold_models: Sequence[str], precision: Precision
) -> np.ndarray:
    """``(n, 3)`` uncalibrated probabilities, each row from the model that did not train on it."""
    articles = [article_of(r.id) for r in records]
    assigned = [len(fold_models) if a is None else fold_of(a, len(fold_models)) for a in articles]
    probs = np.zeros((len(records), 3))
    for index, name in enumerate([*fold_models, model]):
        rows = [i for i, a in enumerate(assigned) if a == index]
        if not rows:
            continue
        scorer = ContradictionScorer(name, precision=precision)
        scored = scorer.score_pairs(
            [records[i].statement for i in rows],
            [records[i].report for i in rows],
            show_progress_bar=False,
        )
        probs[rows] = probs_matrix(s.probs for s in scored)
    return probs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dev_pairs", type=Path, help="the calibration set (nli pairs schema)")
    parser.add_argument("--model", required=True, help="scores the rows of no dev article")
    parser.add_argument("--fold-models", nargs="+", required=True, help="K-th: without fold K")
    parser.add_argument("--write", nargs="+", type=Path, required=True, help="model directories")
    parser.add_argument("--precision", default="fp32", choices=["fp32", "bf16", "int8", "auto"])
    args = parser.parse_args(argv)
    if len(args.fold_models) < 2:
        parser.error("--fold-models needs one model per fold, at least 2")
    read = list(read_pairs(args.dev_pairs))
    records = [r for r in read if isinstance(r, PairRecord)]
    errors = [r for r in read if isinstance(r, ErrorRecord)]
    if errors:
        parser.error(f"{args.dev_pairs}: {len(errors)} unreadable rows, first: {errors[0].message}")
    probs = fold_probs(records, args.model, args.fold_models, args.precision)
    calibration = fit_calibration(probs, [r.label or "" for r in records], fitted_on=args.dev_pairs)
    for folder in args.write:
        write_calibration(folder, calibration)
    print(
        f"temperature {calibration.temperature:.3f}, threshold {calibration.threshold:.3f} on "
        f"{calibration.n} pairs (ECE {calibration.ece_before:.3f} -> {calibration.ece_after:.3f});"
        f" written to {len(args.write)} model directories",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
