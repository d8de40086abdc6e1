"""Accuracy and speed of each scorer precision on the real-news dev pairs, in one run.

Usage::

    python scripts/bench_precision.py [--rows runs/real-dev.jsonl] [--model default] [--record]

The rows are ``scripts/training/make_real_pairs.py``'s output on the dev half
(``fixtures/real/dev.jsonl``): each gold statement/report pair as the pipeline feeds it to the
model. When ``--rows`` does not exist, or was not built by this script from the current
``dev.jsonl``, it is (re)built first, with an fp32 scorer: the SHA-256 of the ``dev.jsonl`` the
rows came from is recorded beside them (``ROWS.source.json``), so rows from an older version of
the dev half never reach ``--record``. A rows file holding any article of the test half is
refused (``scripts/real_halves.py``): that half is only measured by ``nli eval``.

For fp32, bf16 autocast, bf16 weights and int8 (ONNX Runtime) it prints:

- ``pairs/s``: ``predict`` on the rows' model inputs (both directions), best of ``--repeats``
  rounds that take the precisions in turn, so their ratios are comparable;
- ``AUC``: contradiction ROC-AUC of the verdict on the official, scored as ``nli score``
  scores it by default (report -> statement only; P(contradiction), every row of today's input
  being a direct assertion; P(entailment) for a reported denial of rows made before v0.4, the
  model's calibration applied), and ``AUC both``
  scored both ways (``--both-ways``);
- ``AUC loss`` (one way) and the mean and largest absolute difference of the three
  probabilities against fp32 over every model input (both directions).

int8 passes its guard (nli/int8.py) with an AUC loss <= 0.01, one way and both ways, and a
mean shift <= 0.02; the guard records the one-way AUCs, or the both-ways ones where those
lose more.
``--record`` writes the int8 result to the model directory's ``int8_guard.json``, which lets
``precision="auto"`` choose int8 for those weights.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnxruntime
import torch
from real_halves import refuse_test_half
from sklearn.metrics import roc_auc_score

from nli import int8
from nli.io import sha256_file
from nli.model import ContradictionScorer, Target, resolve_model_path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "fixtures" / "real" / "dev.jsonl"


def source_path(rows: Path) -> Path:
    """Where the provenance of a rows file is kept: ``ROWS.source.json`` beside it."""
    return rows.with_name(rows.name + ".source.json")


def rows_are_current(rows: Path, gold: Path = DEV) -> bool:
    """Whether ``rows`` were built by this script from ``gold`` as it is now.

    False when the rows or their ``.source.json`` are missing, unreadable, or record
    another SHA-256 of ``gold`` (the dev half changed since they were built).
    """
    source = source_path(rows)
    if not rows.is_file() or not source.is_file():
        return False
    try:
        recorded = json.loads(source.read_text(encoding="utf-8")).get("gold_sha256")
    except (json.JSONDecodeError, AttributeError):
        return False
    return bool(recorded == sha256_file(gold))


def build_rows(path: Path, model: str, gold: Path = DEV) -> None:
    """Write ``make_real_pairs.py``'s rows for ``gold`` to ``path``, with an fp32 scorer."""
    sys.path.insert(0, str(ROOT / "scripts" / "training"))
    import make_real_pairs

    make_real_pairs.main([str(gold), "-o", str(path), "--model", model, "--precision", "fp32"])


def read_rows(path: Path, model: str, gold: Path = DEV) -> list[dict]:
    """The real-news dev pairs, (re)built with an fp32 scorer unless ``path`` holds the
    rows of ``gold`` as it is now (:func:`rows_are_current`).

    Raises:
        SystemExit: When ``path`` holds any article of the test half.
    """
    if path.exists():
        try:
            refuse_test_half(path)
        except ValueError as error:
            raise SystemExit(f"{error} (use dev pairs)") from error
    if not rows_are_current(path, gold):
        why = "is missing" if not path.exists() else "was not built from the current " + gold.name
        print(f"{path} {why}: building it from {gold}", file=sys.stderr)
        gold_sha256 = sha256_file(gold)
        build_rows(path, model, gold)
        record = {"gold": str(gold), "gold_sha256": gold_sha256, "model": model}
        source_path(path).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def model_inputs(rows: list[dict]) -> list[tuple[str, str]]:
    """The distinct (premise, hypothesis) inputs ``score_pairs`` sends for the rows."""
    inputs: dict[tuple[str, str], None] = {}
    for row in rows:
        inputs[(row["premise"], row["hypothesis"])] = None
        if row["polarity"] != "-":
            inputs[(row["hypothesis"], row["premise"])] = None
    return list(inputs)


def contradiction_auc(
    scorer: ContradictionScorer, rows: list[dict], *, both_directions: bool
) -> float:
    """ROC-AUC of the calibrated score against the gold verdict 'contradiction'."""
    targets: list[Target] = [
        "entailment" if row["polarity"] == "-" else "contradiction" for row in rows
    ]
    scored = scorer.score_pairs(
        [r["hypothesis"] for r in rows],
        [r["premise"] for r in rows],
        targets=targets,
        both_directions=both_directions,
        show_progress_bar=False,
    )
    scores = [scorer.calibrated_score(s.probs, t) for s, t in zip(scored, targets, strict=True)]
    gold = [r["verdict"] == "contradiction" for r in rows]
    return float(roc_auc_score(gold, scores))


def bf16_weights(model: str) -> ContradictionScorer:
    """An fp32 scorer whose model weights are then cast to bf16 (no autocast)."""
    scorer = ContradictionScorer(model, precision="fp32")
    scorer.model = copy.deepcopy(scorer.model).to(torch.bfloat16)
    return scorer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=Path, default=ROOT / "runs" / "real-dev.jsonl")
    parser.add_argument("--model", default="default")
    parser.add_argument("--repeats", type=int, default=3, help="timing rounds (best kept)")
    parser.add_argument("--record", action="store_true", help="write int8_guard.json")
    args = parser.parse_args(argv)
    rows = read_rows(args.rows, args.model)
    inputs = model_inputs(rows)
    builders: dict[str, Callable[[], ContradictionScorer]] = {
        "fp32": lambda: ContradictionScorer(args.model, precision="fp32"),
        "bf16 autocast": lambda: ContradictionScorer(args.model, precision="bf16"),
        "bf16 weights": lambda: bf16_weights(args.model),
        "int8": lambda: ContradictionScorer(args.model, precision="int8"),
    }
    scorers = {name: build() for name, build in builders.items()}
    for name, scorer in scorers.items():
        if name != "bf16 weights" and scorer.precision != name.split()[0]:
            raise SystemExit(f"{name}: the scorer fell back to {scorer.precision} (see the log)")
    probs = {name: s.predict(inputs, show_progress_bar=False) for name, s in scorers.items()}
    best = dict.fromkeys(scorers, float("inf"))
    for _ in range(args.repeats):
        for name, scorer in scorers.items():
            start = time.perf_counter()
            scorer.predict(inputs, show_progress_bar=False)
            best[name] = min(best[name], time.perf_counter() - start)

    print(
        f"model={args.model} rows={len(rows)} model inputs={len(inputs)} "
        f"threads={torch.get_num_threads()} onnxruntime={onnxruntime.__version__}"
    )
    header = f"{'precision':<14}{'pairs/s':>9}{'x fp32':>8}{'AUC':>8}{'AUC loss':>10}"
    print(header + f"{'mean |dp|':>11}{'max |dp|':>10}{'AUC both':>10}")
    aucs, both = {}, {}
    for name, scorer in scorers.items():
        aucs[name] = contradiction_auc(scorer, rows, both_directions=False)
        both[name] = contradiction_auc(scorer, rows, both_directions=True)
        shift = np.abs(probs[name] - probs["fp32"])
        print(
            f"{name:<14}{len(inputs) / best[name]:>9.1f}{best['fp32'] / best[name]:>7.2f}x"
            f"{aucs[name]:>8.4f}{aucs['fp32'] - aucs[name]:>10.4f}"
            f"{shift.mean():>11.4f}{shift.max():>10.4f}{both[name]:>10.4f}"
        )
    # the guard's AUCs: one way (the default scoring) unless both ways loses more
    worst = max((aucs, both), key=lambda auc: auc["fp32"] - auc["int8"])
    guard = int8.Int8Guard(
        weights_sha256=int8.weights_sha256(resolve_model_path(args.model)),
        pairs=len(rows),
        auc_fp32=round(worst["fp32"], 6),
        auc_int8=round(worst["int8"], 6),
        mean_abs_shift=round(float(np.abs(probs["int8"] - probs["fp32"]).mean()), 6),
        onnxruntime=onnxruntime.__version__,
    )
    verdict = "holds" if guard.passed else "FAILS"
    print(
        f"int8 guard (AUC loss <= {int8.MAX_AUC_LOSS} one way and both ways, mean shift <= "
        f"{int8.MAX_MEAN_SHIFT}): {verdict}"
    )
    if args.record:
        path = int8.write_guard(resolve_model_path(args.model), guard)
        print(f"wrote {path}")
    return 0 if guard.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
