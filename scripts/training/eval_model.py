#!/usr/bin/env python3
"""The model card's row for one model, in one JSON: every measurement of issue 16.

Usage::

    python scripts/training/eval_model.py --data-dir ../shared/data --model runs/x/final \\
        --json out/model_row_x.json
    # a quick check: 200 rows per NLI set, 100 real-news dev pairs and 100 of FNC-1
    python scripts/training/eval_model.py --data-dir ../shared/data --model runs/x/final \\
        --max-rows 200 --max-pairs 100
    # the final measurement of the model chosen to ship: the test half too
    python scripts/training/eval_model.py --data-dir ../shared/data --model default \\
        --halves dev test --json out/model_row_default.json

It measures, with one :class:`nli.model.ContradictionScorer` (what users get: the model's
calibration, its threshold, ``--precision auto``):

* ``nli_sets``: accuracy (and macro-F1) on every evaluation-only set of ``SPLITS.md``,
  MNLI dev-matched on all 9,815 pairs, exactly as ``scripts/eval_nli_sets.py`` does
  (its ``EVAL_SETS`` and ``evaluate_sets``);
* ``real_pairs``: the real-news set (``fixtures/real``), the halves ``--halves`` names:
  ``dev`` by default, the half that training, calibration and the choice between candidate
  models may use; ``--halves dev test`` adds the test half, which is for the final
  measurement of a model already chosen (the numbers the model card reports), never for
  choosing between candidates. Every gold pair, with the annotated statement and report
  text given (no extraction, no pairing): the report is the premise, the statement the
  hypothesis, scored as ``nli pairs`` scores a pair (windows, both directions, calibrated
  contradiction probability). Contradiction is positive; neutral and entailment negative.
  ROC-AUC (95 % bootstrap interval over articles) and contradiction F1 at the model's own
  threshold. The issue's gate (ROC-AUC >= 0.85, F1 >= 0.75) is on the test half;
* ``fnc1_holdout``: ``eval_fnc1_holdout.py`` (disagree vs agree bodies on the FNC-1
  hold-out, ROC-AUC with a 95 % interval over bodies).

``row`` sums it up in the model card's columns. Contamination, for the model shipped as
v0.1: it was trained on FNC-1 train bodies, the held-out ones included, so its
``fnc1_holdout`` is no hold-out number (``contaminated`` says so); the FNC-1 articles of
the real-news set were among its training bodies too (with FNC-1 headlines, not the annotated
statements), which ``real_pairs`` does not flag.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

TRAINING = Path(__file__).resolve().parent
sys.path.insert(0, str(TRAINING))
sys.path.insert(0, str(TRAINING.parent))
from eval_fnc1_holdout import (  # noqa: E402
    evaluate_holdout,
    load_holdout,
    sample_records,
    score_labelled_pairs,
)
from eval_nli_sets import EVAL_SETS, evaluate_sets  # noqa: E402

from nli.config import ScoringConfig  # noqa: E402
from nli.evaluate import read_gold_articles  # noqa: E402
from nli.model import ContradictionScorer, resolve_model_path  # noqa: E402
from nli.pair_jobs import load_scorer  # noqa: E402
from nli.types import PairRecord  # noqa: E402

logger = logging.getLogger("eval_model")

REAL_SET = TRAINING.parents[1] / "fixtures" / "real"
#: Halves of the real-news set ``--halves`` may name, and the default: dev only (the test
#: half is for the final measurement of a chosen model).
REAL_HALVES: tuple[str, ...] = ("dev", "test")
DEFAULT_HALVES: tuple[str, ...] = ("dev",)
PARTS: tuple[str, ...] = ("nli", "real", "fnc1")


def real_pair_records(path: Path) -> list[PairRecord]:
    """Every gold pair of a real-news half as an ``nli pairs`` record.

    The statement and report are the annotated spans' text; the label is the gold verdict
    on the official. ``extra["article_id"]`` groups an article's pairs for the bootstrap.
    Records come in file order (article, then pair), ids ``<article id>/<pair index>``.

    Args:
        path (Path): ``fixtures/real/dev.jsonl`` or ``test.jsonl`` (``fixtures/real/README.md``).

    Returns:
        list[PairRecord]: One per gold pair.
    """
    records = []
    for gold in read_gold_articles(path):
        text = gold.article.text
        for k, pair in enumerate(gold.pairs):
            statement, report = pair.texts(text)
            records.append(
                PairRecord(
                    id=f"{gold.article.id}/{k}",
                    statement=statement,
                    report=report,
                    label=pair.label,  # type: ignore[arg-type]
                    extra={"article_id": gold.article.id},
                )
            )
    return records


def evaluate_real_pairs(
    scorer: ContradictionScorer,
    config: ScoringConfig,
    *,
    halves: Sequence[str] = DEFAULT_HALVES,
    real_dir: Path = REAL_SET,
    max_pairs: int | None = None,
    seed: int = 0,
    n_resamples: int = 1000,
) -> dict[str, dict[str, Any]]:
    """Metrics of :func:`score_labelled_pairs` on each real-news half of ``halves`` (``dev``
    by default; ``test`` only for the final measurement of a chosen model), keyed by half.

    Raises:
        ValueError: For a half other than ``dev`` or ``test``.
    """
    unknown = sorted(set(halves) - set(REAL_HALVES))
    if unknown:
        raise ValueError(f"unknown halves {unknown}; choose from {list(REAL_HALVES)}")
    out = {}
    for half in halves:
        records = sample_records(real_pair_records(real_dir / f"{half}.jsonl"), max_pairs, seed)
        metrics, _ = score_labelled_pairs(
            scorer,
            records,
            config,
            group_field="article_id",
            n_resamples=n_resamples,
            seed=seed,
        )
        out[half] = metrics
        logger.info("real pairs %s: %s", half, metrics)
    return out


def model_fingerprint(model: str) -> str | None:
    """SHA-256 of the model's weights (:func:`nli.int8.weights_sha256`, as run manifests
    name them), None when the model is not a local directory."""
    from nli.int8 import weights_sha256

    folder = Path(resolve_model_path(model))
    return weights_sha256(folder) if folder.is_dir() else None


def card_row(result: dict[str, Any]) -> dict[str, float | None]:
    """The model card's columns from a full result (None for a part not measured)."""
    nli = {r["set"]: r["accuracy"] for r in result.get("nli_sets", [])}
    real = result.get("real_pairs", {})
    fnc = result.get("fnc1_holdout", {}).get("metrics", {})
    return {
        "mnli_m": nli.get("MNLI dev-matched"),
        "real_dev_roc_auc": real.get("dev", {}).get("roc_auc"),
        "real_dev_f1": real.get("dev", {}).get("f1_contradiction"),
        "real_test_roc_auc": real.get("test", {}).get("roc_auc"),
        "real_test_f1": real.get("test", {}).get("f1_contradiction"),
        "fnc1_holdout_roc_auc": fnc.get("roc_auc"),
    }


def evaluate_model(
    config: ScoringConfig,
    data_dir: Path,
    *,
    parts: Sequence[str] = PARTS,
    halves: Sequence[str] = DEFAULT_HALVES,
    max_rows: int | None = None,
    max_pairs: int | None = None,
    seed: int = 0,
    n_resamples: int = 1000,
    scorer: ContradictionScorer | None = None,
) -> dict[str, Any]:
    """Measure one model on every part in ``parts`` and return the card's JSON.

    Args:
        config (ScoringConfig): Model and scoring options.
        data_dir (Path): The shared data folder.
        parts (Sequence[str]): Any of ``nli``, ``real``, ``fnc1``. Defaults to all.
        halves (Sequence[str]): Real-news halves measured by ``real``: ``dev`` and, for the
            final measurement of a chosen model only, ``test``. Defaults to ``("dev",)``.
        max_rows (int, optional): First N rows of each NLI set (a quick check).
        max_pairs (int, optional): Seeded random sample of N pairs per real-news half and of
            the FNC-1 hold-out (a quick check).
        seed (int): Seed of the samples and bootstraps.
        n_resamples (int): Bootstrap resamples.
        scorer (ContradictionScorer, optional): Reuse a loaded model.

    Returns:
        dict: ``model``, ``model_sha256``, ``precision``, ``sample``, ``seconds`` per part,
        ``nli_sets``, ``real_pairs``, ``fnc1_holdout`` (those measured) and ``row``.
    """
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise ValueError(f"unknown parts {unknown}; choose from {list(PARTS)}")
    scorer = scorer or load_scorer(config)
    result: dict[str, Any] = {
        "model": config.model,
        "model_sha256": model_fingerprint(config.model),
        "precision": scorer.precision,
        "sample": {"max_rows": max_rows, "max_pairs": max_pairs, "seed": seed},
        "seconds": {},
    }
    if "nli" in parts:
        start = time.perf_counter()
        result["nli_sets"] = evaluate_sets(
            lambda pairs: scorer.predict(pairs, show_progress_bar=False),
            data_dir,
            EVAL_SETS,
            max_rows,
        )
        result["seconds"]["nli"] = round(time.perf_counter() - start, 1)
    if "real" in parts:
        start = time.perf_counter()
        result["real_pairs"] = evaluate_real_pairs(
            scorer,
            config,
            halves=halves,
            max_pairs=max_pairs,
            seed=seed,
            n_resamples=n_resamples,
        )
        result["seconds"]["real"] = round(time.perf_counter() - start, 1)
    if "fnc1" in parts:
        start = time.perf_counter()
        records = sample_records(load_holdout(data_dir), max_pairs, seed)
        result["fnc1_holdout"] = evaluate_holdout(
            scorer, records, config, n_resamples=n_resamples, seed=seed
        )
        result["seconds"]["fnc1"] = round(time.perf_counter() - start, 1)
    result["row"] = card_row(result)
    return result


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def summary(result: dict[str, Any]) -> str:
    """Printed lines: the card row and the intervals behind it."""
    row = result["row"]
    lines = [
        "| model | MNLI-m | real dev AUC / F1 | real test AUC / F1 | FNC-1 hold-out AUC |",
        "|---|---:|---:|---:|---:|",
        f"| {result['model']} | {_number(row['mnli_m'])} "
        f"| {_number(row['real_dev_roc_auc'])} / {_number(row['real_dev_f1'])} "
        f"| {_number(row['real_test_roc_auc'])} / {_number(row['real_test_f1'])} "
        f"| {_number(row['fnc1_holdout_roc_auc'])} |",
    ]
    for half, m in result.get("real_pairs", {}).items():
        ci = m.get("roc_auc_ci")
        lines.append(
            f"real {half}: n={m['n']} ({m['n_positive']} contradiction, {m['n_groups']} articles)"
            + (f", ROC-AUC 95% CI [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")
            + f", raw ROC-AUC {m['roc_auc_raw']:.3f}"
        )
    fnc = result.get("fnc1_holdout")
    if fnc:
        m = fnc["metrics"]
        ci = m.get("roc_auc_ci")
        lines.append(
            f"FNC-1 hold-out: n={m['n']} ({m['n_positive']} disagree, {m['n_negative']} agree, "
            f"{m['n_groups']} bodies)"
            + (f", ROC-AUC 95% CI [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")
            + f", raw ROC-AUC {m['roc_auc_raw']:.3f}, F1 {m['f1_contradiction']:.3f}"
        )
        if fnc.get("contaminated"):
            lines.append(f"FNC-1 hold-out CONTAMINATED: {fnc['contaminated']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, measure the model, print the row and optionally write the JSON."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", type=Path, required=True, help="the shared data folder")
    p.add_argument("--model", default="default", help="'default', a model directory or hub id")
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    p.add_argument("--parts", nargs="+", default=list(PARTS), choices=PARTS)
    p.add_argument(
        "--halves",
        nargs="+",
        default=list(DEFAULT_HALVES),
        choices=REAL_HALVES,
        help="real-news halves to measure (default: dev); add test only for the final "
        "measurement of the model chosen to ship, never to choose between candidates",
    )
    p.add_argument("--max-rows", type=int, default=None, help="first N rows per NLI set")
    p.add_argument("--max-pairs", type=int, default=None, help="N pairs per real half / FNC-1")
    p.add_argument("--seed", type=int, default=0, help="seed of the samples and bootstraps")
    p.add_argument("--n-resamples", type=int, default=1000, help="bootstrap resamples")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--precision", default="auto", choices=["auto", "int8", "bf16", "fp32"])
    p.add_argument("-v", "--verbose", action="count", default=0)
    args = p.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for name in ("max_rows", "max_pairs"):
        value = getattr(args, name)
        if value is not None and value < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1, got {value}")
    if not args.data_dir.is_dir():
        p.error(f"{args.data_dir}: not a folder")
    config = ScoringConfig(model=args.model, batch_size=args.batch_size, precision=args.precision)
    result = evaluate_model(
        config,
        args.data_dir,
        parts=args.parts,
        halves=args.halves,
        max_rows=args.max_rows,
        max_pairs=args.max_pairs,
        seed=args.seed,
        n_resamples=args.n_resamples,
    )
    print(summary(result), flush=True)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
