#!/usr/bin/env python3
"""Accuracy of an NLI model on every evaluation-only set of ``shared/data/SPLITS.md``.

This reproduces the accuracy table of ``nli/models/default/MODEL_CARD.md``::

    python scripts/eval_nli_sets.py --data-dir ../shared/data --model default \\
        --json out/eval_nli_sets.json

How each set is scored (the model's argmax over contradiction / neutral / entailment):

* 3-way NLI sets (MNLI, TaxiNLI MNLI-dev parts, ANLI, SICK test, ConjNLI dev, CAD-SNLI):
  accuracy and macro-F1 against the gold label.
* RTE dev (``two_way``): "neutral" there means not-entailment, so a prediction is right when
  ``argmax == entailment`` matches ``gold == entailment``.
* Perspectrum dev/test (stance): premise = perspective, hypothesis = claim;
  SUPPORT -> entailment, UNDERMINE -> contradiction. Two-way accuracy comparing
  P(entailment) with P(contradiction) (neutral is not a gold option).
* SemEval-2016 task 6 test (tweet stance): premise = tweet, hypothesis =
  ``"The author supports {target}."``; FAVOR -> entailment, AGAINST -> contradiction,
  NONE -> neutral; 3-way accuracy and macro-F1. This is zero-shot stance through an NLI
  template, so expect it far below the NLI sets.

``snli/test_textfooler1k`` is not reported: it is drawn from snli/test, which is in the
training pool (SPLITS.md). Only evaluation is done here: nothing is fitted or tuned.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402

from nli.model import ContradictionScorer  # noqa: E402
from nli.types import LABELS  # noqa: E402

CONTRADICTION = LABELS.index("contradiction")
NEUTRAL = LABELS.index("neutral")
ENTAILMENT = LABELS.index("entailment")


@dataclass(frozen=True)
class EvalSet:
    """One evaluation file and how its rows become scored pairs."""

    name: str
    path: str
    kind: str  # "nli3", "nli2", "perspectrum", "semeval"


#: In the order of the model card's table (MNLI-m first).
EVAL_SETS: tuple[EvalSet, ...] = (
    EvalSet("MNLI dev-matched", "mnli/dev_matched.jsonl.gz", "nli3"),
    EvalSet("MNLI-mm (textfooler 1k)", "mnli/dev_mismatched_textfooler1k.jsonl.gz", "nli3"),
    EvalSet("TaxiNLI MNLI-m part", "taxinli/mnli_dev_matched_part.jsonl.gz", "nli3"),
    EvalSet("TaxiNLI MNLI-mm part", "taxinli/mnli_dev_mismatched_part.jsonl.gz", "nli3"),
    EvalSet("ANLI R1 dev", "anli/r1_dev.jsonl.gz", "nli3"),
    EvalSet("ANLI R2 dev", "anli/r2_dev.jsonl.gz", "nli3"),
    EvalSet("ANLI R3 dev", "anli/r3_dev.jsonl.gz", "nli3"),
    EvalSet("SICK test", "sick/test.jsonl.gz", "nli3"),
    EvalSet("RTE dev (2-way)", "rte/dev.jsonl.gz", "nli2"),
    EvalSet("ConjNLI dev", "conjnli/dev.jsonl.gz", "nli3"),
    EvalSet("CAD-SNLI dev", "cad_snli/dev.jsonl.gz", "nli3"),
    EvalSet("CAD-SNLI test", "cad_snli/test.jsonl.gz", "nli3"),
    EvalSet("Perspectrum dev (2-way stance)", "stance/perspectrum/dev.jsonl.gz", "perspectrum"),
    EvalSet("Perspectrum test (2-way stance)", "stance/perspectrum/test.jsonl.gz", "perspectrum"),
    EvalSet("SemEval-2016 T6 test (stance)", "stance/semeval2016_task6/test.jsonl.gz", "semeval"),
)

PERSPECTRUM_LABELS = {"SUPPORT": ENTAILMENT, "UNDERMINE": CONTRADICTION}
SEMEVAL_LABELS = {"FAVOR": ENTAILMENT, "AGAINST": CONTRADICTION, "NONE": NEUTRAL}


def read_jsonl_gz(path: Path) -> list[dict[str, Any]]:
    """All rows of a gzip'd JSONL file."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def to_pairs(rows: Sequence[dict[str, Any]], kind: str) -> tuple[list[tuple[str, str]], list[int]]:
    """Turn the rows of one set into ``(premise, hypothesis)`` pairs and gold label ids."""
    pairs: list[tuple[str, str]] = []
    gold: list[int] = []
    for row in rows:
        if kind in ("nli3", "nli2"):
            label = str(row["label"]).lower()
            if label not in LABELS:
                continue  # e.g. SNLI-style "-" rows without a gold label
            pairs.append((row["premise"], row["hypothesis"]))
            gold.append(LABELS.index(label))
        elif kind == "perspectrum":
            stance = str(row["stance"]).upper()
            if stance in PERSPECTRUM_LABELS:
                pairs.append((row["perspective"], row["claim"]))
                gold.append(PERSPECTRUM_LABELS[stance])
        elif kind == "semeval":
            stance = str(row["stance"]).upper()
            if stance in SEMEVAL_LABELS:
                pairs.append(
                    (" ".join(row["text"].split()), f"The author supports {row['target']}.")
                )
                gold.append(SEMEVAL_LABELS[stance])
        else:
            raise ValueError(f"unknown set kind {kind!r}")
    return pairs, gold


def metrics_for(kind: str, probs: np.ndarray, gold: Sequence[int]) -> dict[str, float]:
    """Accuracy (and macro-F1 where three labels are gold) for one set."""
    y = np.asarray(gold)
    if kind == "nli2":
        pred_ent = probs.argmax(axis=1) == ENTAILMENT
        return {"accuracy": float(np.mean(pred_ent == (y == ENTAILMENT)))}
    if kind == "perspectrum":
        pred = np.where(probs[:, ENTAILMENT] >= probs[:, CONTRADICTION], ENTAILMENT, CONTRADICTION)
        return {"accuracy": float(accuracy_score(y, pred))}
    pred = probs.argmax(axis=1)
    return {
        "accuracy": float(accuracy_score(y, pred)),
        "macro_f1": float(f1_score(y, pred, labels=[0, 1, 2], average="macro", zero_division=0)),
    }


def evaluate_sets(
    predict: Callable[[list[tuple[str, str]]], np.ndarray],
    data_dir: Path,
    sets: Sequence[EvalSet],
    max_rows: int | None = None,
) -> list[dict[str, Any]]:
    """Score every set with ``predict`` and return one result row per set."""
    results: list[dict[str, Any]] = []
    for es in sets:
        rows = read_jsonl_gz(data_dir / es.path)
        if max_rows is not None:
            rows = rows[:max_rows]
        pairs, gold = to_pairs(rows, es.kind)
        t0 = time.perf_counter()
        probs = predict(pairs)
        dt = time.perf_counter() - t0
        res = {
            "set": es.name,
            "file": es.path,
            "n": len(pairs),
            **metrics_for(es.kind, probs, gold),
        }
        res["pairs_per_s"] = round(len(pairs) / dt, 1) if dt > 0 else None
        results.append(res)
        print(f"{es.name:34s} n={len(pairs):5d} acc={res['accuracy']:.4f}", flush=True)
    return results


def markdown_table(results: Sequence[dict[str, Any]]) -> str:
    """The model card's table."""
    lines = ["| set | n | accuracy | macro-F1 |", "|---|---:|---:|---:|"]
    for r in results:
        f1 = f"{r['macro_f1']:.3f}" if "macro_f1" in r else "-"
        lines.append(f"| {r['set']} | {r['n']} | {r['accuracy']:.3f} | {f1} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, score every set, print a table and optionally write JSON."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", type=Path, required=True, help="the shared/data folder")
    p.add_argument("--model", default="default", help="model directory or 'default'")
    p.add_argument("--sets", nargs="*", help="only sets whose file path contains one of these")
    p.add_argument("--max-rows", type=int, default=None, help="first N rows per set (smoke run)")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--precision", default="auto", choices=["auto", "int8", "bf16", "fp32"])
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = p.parse_args(argv)

    sets = [s for s in EVAL_SETS if not args.sets or any(k in s.path for k in args.sets)]
    if not sets:
        p.error(f"no evaluation set matches {args.sets}")
    scorer = ContradictionScorer(args.model, precision=args.precision, batch_size=args.batch_size)
    t0 = time.perf_counter()
    results = evaluate_sets(
        lambda pairs: scorer.predict(pairs, show_progress_bar=False),
        args.data_dir,
        sets,
        args.max_rows,
    )
    wall = time.perf_counter() - t0
    print()
    print(markdown_table(results))
    print(f"\nmodel {args.model} ({scorer.precision}), {wall:.0f} s")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"model": args.model, "precision": scorer.precision, "results": results}
        args.json.write_text(json.dumps(payload, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
