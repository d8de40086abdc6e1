#!/usr/bin/env python3
"""FNC-1 hold-out: does the contradiction score separate disagree from agree bodies?

The measurement of issue 16 ("Done when", FNC-1): on the held-out FNC-1 train bodies of
``fnc1_holdout.py`` (20 % of the body ids, with all their headlines), every ``agree`` and
``disagree`` (headline, body) row is scored exactly as ``nli pairs`` scores a pair: the
headline is the statement (hypothesis), the whole body the report (premise), the body is cut
into the scorer's overlapping windows (``ContradictionScorer.premise_windows``), both
directions are scored, and the window and direction with the highest contradiction
probability are kept (``nli.pair_jobs.score_records``). The score is that pair's
*calibrated* contradiction probability (the model directory's ``calibration.json``), as
``nli eval`` reads it; the decision threshold is the one ``nli calibrate`` fitted.

Reported per model, on the same rows: the ROC-AUC of the calibrated contradiction score with
``disagree`` as the positive class and ``agree`` as the negative one, with a 95 % percentile
bootstrap interval that resamples *bodies* (a body's headlines are not independent of each
other), the pair-level interval of ``nli eval`` beside it, the AUC of the raw score,
contradiction F1 at the model's threshold, and counts. ``--discuss`` also scores the
``discuss`` rows and adds disagree-vs-discuss and disagree-vs-(agree + discuss) AUCs and
how well P(neutral) picks out discuss rows.

Usage::

    python scripts/training/eval_fnc1_holdout.py --data-dir ../shared/data \\
        --model default runs/minilm-v2/final --json out/fnc1_holdout.json
    # a quick check on a seeded random sample of 200 rows
    python scripts/training/eval_fnc1_holdout.py --data-dir ../shared/data --max-pairs 200

Contamination: the model shipped as v0.1 (``nli/models/default`` up to issue 16) was trained on
FNC-1 train bodies *before* the hold-out existed, held-out ones included, with their
headlines and stances as labels. Its number here is therefore not a hold-out measurement; the
output says so (``contaminated``) when the model's weights are that model's.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
from sklearn.metrics import f1_score, roc_auc_score  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fnc1_holdout import heldout_ids, read_bodies, read_stances  # noqa: E402

from nli.config import ScoringConfig  # noqa: E402
from nli.evaluate import decide_labels, percentile_intervals  # noqa: E402
from nli.io import sha256_file  # noqa: E402
from nli.model import ContradictionScorer, resolve_model_path  # noqa: E402
from nli.pair_jobs import evaluate_scores, load_scorer, score_records  # noqa: E402
from nli.types import LABELS, PairRecord  # noqa: E402

logger = logging.getLogger("eval_fnc1_holdout")

#: How an FNC-1 stance reads as a verdict of the headline by the body: a body that disagrees
#: with the headline contradicts it. ``unrelated`` rows are never scored.
STANCE_LABELS: dict[str, str] = {
    "disagree": "contradiction",
    "agree": "entailment",
    "discuss": "neutral",
}
#: The stances of the headline number (disagree positive, agree negative).
HEADLINE_STANCES: tuple[str, ...] = ("agree", "disagree")

#: SHA-256 of ``model.safetensors`` of the model shipped as v0.1 (commit 4051276). It was
#: trained on FNC-1 train bodies, held-out ones included, so its hold-out AUC is contaminated.
CONTAMINATED_WEIGHTS: dict[str, str] = {
    "4c134d3c44ae77a2bb1320454ab854741925e0d1c084207e073558449111c378": (
        "the v0.1 shipped model: trained on FNC-1 train bodies (held-out ones included, "
        "with their headlines and stances) before the hold-out was fixed; not a hold-out number"
    ),
}

CONFIDENCE = 0.95


def holdout_records(
    bodies: dict[str, str],
    stances: Sequence[dict[str, str]],
    *,
    keep: Sequence[str] = HEADLINE_STANCES,
) -> list[PairRecord]:
    """The held-out (headline, body) rows with a stance in ``keep``, as ``nli pairs`` records.

    The hold-out is ``fnc1_holdout.heldout_ids`` over all body ids. Each record's statement is
    the headline, its report the whole body, its label the stance read as an NLI verdict
    (:data:`STANCE_LABELS`); ``extra`` keeps ``body_id`` and ``stance``. Record ids are
    ``fnc1-<row>`` with the 0-based row of the stance file, and records come in file order,
    so the rows are the same in every run.

    Args:
        bodies (dict[str, str]): ``{body id: text}`` (``fnc1_holdout.read_bodies``).
        stances (Sequence[dict[str, str]]): Rows of ``fnc1_holdout.read_stances``.
        keep (Sequence[str]): Stances to keep. Defaults to agree and disagree.

    Returns:
        list[PairRecord]: One per kept held-out row.

    Raises:
        ValueError: For a stance in ``keep`` that has no NLI reading, or a stance row whose
            body is missing.
    """
    unknown = sorted(set(keep) - set(STANCE_LABELS))
    if unknown:
        raise ValueError(f"stances {unknown} cannot be scored; choose from {sorted(STANCE_LABELS)}")
    held = heldout_ids(bodies)
    records = []
    for row_index, row in enumerate(stances):
        body_id, stance = row["Body ID"], row["Stance"]
        if body_id not in held or stance not in keep:
            continue
        if body_id not in bodies:
            raise ValueError(f"stance row {row_index} names body {body_id!r}, which is missing")
        records.append(
            PairRecord(
                id=f"fnc1-{row_index}",
                statement=row["Headline"],
                report=bodies[body_id],
                label=STANCE_LABELS[stance],  # type: ignore[arg-type]
                extra={"body_id": body_id, "stance": stance},
            )
        )
    return records


def sample_records(
    records: Sequence[PairRecord], max_pairs: int | None, seed: int
) -> list[PairRecord]:
    """A seeded random sample of ``max_pairs`` records, in their original order.

    ``None`` (or a number at least the count) keeps every record.

    Example:
        >>> rows = [PairRecord(str(i), "s", "r") for i in range(10)]
        >>> [r.id for r in sample_records(rows, 3, seed=0)] == [
        ...     r.id for r in sample_records(rows, 3, seed=0)]
        True
        >>> len(sample_records(rows, None, seed=0)), len(sample_records(rows, 3, seed=0))
        (10, 3)
    """
    if max_pairs is None or max_pairs >= len(records):
        return list(records)
    if max_pairs < 1:
        raise ValueError(f"max_pairs must be >= 1, got {max_pairs}")
    chosen = sorted(random.Random(seed).sample(range(len(records)), max_pairs))
    return [records[i] for i in chosen]


def grouped_bootstrap(
    positive: Sequence[bool] | np.ndarray,
    scores: Sequence[float] | np.ndarray,
    *,
    predicted: Sequence[bool] | np.ndarray | None = None,
    groups: Sequence[str] | np.ndarray | None = None,
    n_resamples: int = 1000,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals of ROC-AUC (and F1) that resample whole groups.

    Rows of one group (the headlines of one FNC-1 body, the pairs of one article) are
    drawn together, so rows that share a text do not pass for independent evidence. With
    ``groups=None`` each row is its own group (the ordinary pair-level bootstrap). A
    resample holding one class only has no AUC, and one without any gold or decided
    contradiction no F1; they are left out of that metric's interval.

    Args:
        positive (array of bool): Gold: is the row a contradiction (disagree).
        scores (array of float): The score ranked by the AUC; higher means contradiction.
        predicted (array of bool, optional): Decisions at a threshold; adds ``f1``.
        groups (array, optional): Group key per row. Defaults to one group per row.
        n_resamples (int): Bootstrap resamples. Defaults to 1000.
        seed (int): Seed of the resampling. Defaults to 0.
        confidence (float): Coverage of the interval. Defaults to 0.95.

    Returns:
        dict[str, tuple[float, float]]: ``roc_auc`` (and ``f1``) as ``(low, high)``; NaN
        when no resample defines the metric.

    Example:
        >>> ci = grouped_bootstrap([True, True, False, False], [0.9, 0.4, 0.5, 0.1],
        ...                        groups=["a", "b", "a", "b"], n_resamples=200, seed=1)
        >>> low, high = ci["roc_auc"]
        >>> 0.0 <= low <= high <= 1.0
        True
    """
    y = np.asarray(positive, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    if y.ndim != 1 or s.shape != y.shape:
        raise ValueError(
            f"positive and scores must be 1-d of one length, got {y.shape} and {s.shape}"
        )
    decided = None if predicted is None else np.asarray(predicted, dtype=bool)
    if decided is not None and decided.shape != y.shape:
        raise ValueError(f"predicted has shape {decided.shape}, expected {y.shape}")
    keys = np.arange(len(y)) if groups is None else np.asarray(groups)
    if keys.shape != y.shape:
        raise ValueError(f"groups has shape {keys.shape}, expected {y.shape}")
    if len(y) == 0:
        raise ValueError("no rows to bootstrap")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    _, inverse = np.unique(keys, return_inverse=True)
    members = [np.flatnonzero(inverse == g) for g in range(int(inverse.max()) + 1)]
    rng = np.random.default_rng(seed)
    samples: dict[str, list[float]] = {"roc_auc": []}
    if decided is not None:
        samples["f1"] = []
    for _ in range(n_resamples):
        index = np.concatenate([members[g] for g in rng.integers(0, len(members), len(members))])
        gold = y[index]
        # F1 is undefined when neither gold nor decisions hold a contradiction
        if decided is not None and (gold.any() or decided[index].any()):
            samples["f1"].append(float(f1_score(gold, decided[index], zero_division=0.0)))
        if gold.all() or not gold.any():
            continue
        samples["roc_auc"].append(float(roc_auc_score(gold, s[index])))
    return percentile_intervals(samples, confidence)


def _auc(positive: np.ndarray, scores: np.ndarray) -> float:
    """ROC-AUC, NaN when one class is missing."""
    if positive.all() or not positive.any():
        return float("nan")
    return float(roc_auc_score(positive, scores))


def score_labelled_pairs(
    scorer: ContradictionScorer,
    records: Sequence[PairRecord],
    config: ScoringConfig,
    *,
    group_field: str,
    n_resamples: int = 1000,
    seed: int = 0,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Score labelled records as ``nli pairs`` does and measure them as ``nli eval`` does.

    Contradiction (gold ``contradiction``) is the positive class; every other gold label is
    negative. The score is the calibrated contradiction probability of the window and
    direction that ``score_pairs`` kept; the decision threshold is ``config.threshold``,
    else the model's fitted one, else argmax (``nli.pair_jobs.evaluate_scores``).

    Args:
        scorer (ContradictionScorer): The model, loaded once.
        records (Sequence[PairRecord]): Labelled pairs (statement, report, label).
        config (ScoringConfig): Scoring options (directions, batch size, threshold).
        group_field (str): Key of ``record.extra`` whose rows are resampled together.
        n_resamples (int): Bootstrap resamples; 0 skips the intervals.
        seed (int): Bootstrap seed.

    Returns:
        tuple[dict, list[dict]]: The metrics, and one row per record with its id,
        ``extra``, gold label, raw and calibrated contradiction score, calibrated
        P(neutral), decision, window and direction (for further breakdowns).
    """
    if not records:
        raise ValueError("no labelled pairs to score")
    start = time.perf_counter()
    result = score_records(scorer, records, config)
    seconds = time.perf_counter() - start
    references = [str(record.label) for record, _ in result.scored]
    raw = result.probs()
    evaluation = evaluate_scores(
        raw, references, scorer, config, n_resamples=n_resamples, seed=seed
    )
    calibrated = evaluation.probs[:, LABELS.index("contradiction")]
    positive = np.array([ref == "contradiction" for ref in references])
    threshold = evaluation.threshold
    decided = np.array(
        [label == "contradiction" for label in decide_labels(evaluation.probs, threshold=threshold)]
    )
    raw_score = np.array([s.probs.contradiction for _, s in result.scored])
    n_windows = np.array([s.n_windows for _, s in result.scored])
    m = evaluation.metrics
    metrics: dict[str, Any] = {
        "n": len(references),
        "n_positive": int(positive.sum()),
        "n_negative": int((~positive).sum()),
        "n_groups": len({r.extra[group_field] for r, _ in result.scored}),
        "roc_auc": m["roc_auc"],
        "roc_auc_raw": _auc(positive, raw_score),
        "pr_auc": m["pr_auc"],
        "f1_contradiction": m["f1_contradiction"],
        "precision_contradiction": m["precision_contradiction"],
        "recall_contradiction": m["recall_contradiction"],
        "threshold": threshold,
        "temperature": evaluation.temperature,
        "calibrated": evaluation.calibrated,
        "mean_windows": float(n_windows.mean()),
        "share_windowed": float(np.mean(n_windows > 1)),
        "pairs_per_second": len(references) / max(seconds, 1e-9),
        "confidence": CONFIDENCE,
    }
    if n_resamples > 0:
        grouped = grouped_bootstrap(
            positive,
            calibrated,
            predicted=decided,
            groups=[r.extra[group_field] for r, _ in result.scored],
            n_resamples=n_resamples,
            seed=seed,
        )
        metrics["roc_auc_ci"] = grouped["roc_auc"]
        metrics["f1_contradiction_ci"] = grouped["f1"]
        metrics["roc_auc_ci_pairs"] = evaluation.intervals["roc_auc"]
        metrics["bootstrap"] = f"{n_resamples} resamples of {group_field} (pairs for *_ci_pairs)"
    rows = [
        {
            "id": record.id,
            **record.extra,
            "gold": ref,
            "score_raw": float(raw_score[i]),
            "score": float(calibrated[i]),
            "neutral": float(evaluation.probs[i, LABELS.index("neutral")]),
            "contradiction": bool(decided[i]),
            "direction": score.direction,
            "window": score.window,
            "n_windows": score.n_windows,
        }
        for i, ((record, score), ref) in enumerate(zip(result.scored, references, strict=True))
    ]
    return metrics, rows


def discuss_breakdown(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """What the scores of ``discuss`` rows add to the headline number.

    Returns:
        dict: ``mean_score`` per stance; ``roc_auc_disagree_vs_discuss`` and
        ``roc_auc_disagree_vs_rest`` (rest = agree + discuss) of the calibrated contradiction
        score; ``roc_auc_discuss_vs_rest_neutral``: P(neutral) ranking discuss above agree and
        disagree. NaN where a class is missing.

    Example:
        >>> rows = [{"stance": "disagree", "score": 0.9, "neutral": 0.1},
        ...         {"stance": "agree", "score": 0.1, "neutral": 0.2},
        ...         {"stance": "discuss", "score": 0.3, "neutral": 0.7}]
        >>> out = discuss_breakdown(rows)
        >>> out["roc_auc_disagree_vs_rest"], out["roc_auc_discuss_vs_rest_neutral"]
        (1.0, 1.0)
    """
    stance = np.array([r["stance"] for r in rows])
    score = np.array([r["score"] for r in rows], dtype=np.float64)
    neutral = np.array([r["neutral"] for r in rows], dtype=np.float64)
    mean_score = {
        name: float(score[stance == name].mean()) if (stance == name).any() else float("nan")
        for name in STANCE_LABELS
    }
    vs_discuss = np.isin(stance, ("disagree", "discuss"))
    return {
        "counts": {name: int((stance == name).sum()) for name in STANCE_LABELS},
        "mean_score": mean_score,
        "roc_auc_disagree_vs_discuss": _auc(stance[vs_discuss] == "disagree", score[vs_discuss]),
        "roc_auc_disagree_vs_rest": _auc(stance == "disagree", score),
        "roc_auc_discuss_vs_rest_neutral": _auc(stance == "discuss", neutral),
    }


def contamination(model: str) -> str | None:
    """Why ``model``'s FNC-1 hold-out number is not a hold-out number (None when it is).

    Only models whose weights are known to have read held-out bodies are recognised
    (:data:`CONTAMINATED_WEIGHTS`); training code of version 2 never reads them.
    """
    weights = Path(resolve_model_path(model)) / "model.safetensors"
    if not weights.is_file():
        return None
    return CONTAMINATED_WEIGHTS.get(sha256_file(weights))


def evaluate_holdout(
    scorer: ContradictionScorer,
    records: Sequence[PairRecord],
    config: ScoringConfig,
    *,
    n_resamples: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """The FNC-1 hold-out result of one model on ``records`` (from :func:`holdout_records`).

    The headline metrics use the agree and disagree rows only; ``discuss`` rows, when
    present, go into ``discuss`` (:func:`discuss_breakdown`).

    Returns:
        dict: ``model``, ``contaminated`` (a reason, or None), ``precision``, ``metrics``
        (see :func:`score_labelled_pairs`; ``roc_auc`` is the headline number) and, with
        discuss rows, ``discuss``.
    """
    headline = [r for r in records if r.extra["stance"] in HEADLINE_STANCES]
    discuss = [r for r in records if r.extra["stance"] == "discuss"]
    metrics, rows = score_labelled_pairs(
        scorer, headline, config, group_field="body_id", n_resamples=n_resamples, seed=seed
    )
    out: dict[str, Any] = {
        "model": config.model,
        "contaminated": contamination(config.model),
        "precision": scorer.precision,
        "metrics": metrics,
    }
    if discuss:
        _, discuss_rows = score_labelled_pairs(
            scorer, discuss, config, group_field="body_id", n_resamples=0
        )
        out["discuss"] = discuss_breakdown(rows + discuss_rows)
    return out


def load_holdout(data_dir: Path, *, with_discuss: bool = False) -> list[PairRecord]:
    """The hold-out records of the FNC-1 files under ``data_dir`` (see :func:`holdout_records`)."""
    keep = (*HEADLINE_STANCES, "discuss") if with_discuss else HEADLINE_STANCES
    return holdout_records(read_bodies(data_dir), read_stances(data_dir), keep=keep)


def summary_line(result: dict[str, Any]) -> str:
    """One printed line per model."""
    m = result["metrics"]
    ci = m.get("roc_auc_ci", (float("nan"), float("nan")))
    line = (
        f"{result['model']}: n={m['n']} ({m['n_positive']} disagree / {m['n_negative']} agree, "
        f"{m['n_groups']} bodies) ROC-AUC {m['roc_auc']:.3f} [{ci[0]:.3f}, {ci[1]:.3f}] "
        f"(raw {m['roc_auc_raw']:.3f}) F1 {m['f1_contradiction']:.3f} at {m['threshold']}"
    )
    if result.get("contaminated"):
        line += f"  CONTAMINATED: {result['contaminated']}"
    return line


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, score the hold-out with each model, print and optionally write JSON."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", type=Path, required=True, help="the shared data folder")
    p.add_argument(
        "--model", nargs="+", default=["default"], help="'default', model directories or hub ids"
    )
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    p.add_argument("--max-pairs", type=int, default=None, help="seeded random sample of N rows")
    p.add_argument("--seed", type=int, default=0, help="seed of the sample and the bootstrap")
    p.add_argument("--discuss", action="store_true", help="also score the discuss rows")
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
    if args.max_pairs is not None and args.max_pairs < 1:
        p.error(f"--max-pairs must be >= 1, got {args.max_pairs}")
    if not (args.data_dir / "stance" / "fnc1").is_dir():
        p.error(f"{args.data_dir}: no stance/fnc1 folder")
    records = sample_records(
        load_holdout(args.data_dir, with_discuss=args.discuss), args.max_pairs, args.seed
    )
    results = []
    for model in args.model:
        config = ScoringConfig(model=model, batch_size=args.batch_size, precision=args.precision)
        start = time.perf_counter()
        result = evaluate_holdout(
            load_scorer(config), records, config, n_resamples=args.n_resamples, seed=args.seed
        )
        result["seconds"] = round(time.perf_counter() - start, 1)
        results.append(result)
        print(summary_line(result), flush=True)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "holdout": "fnc1_holdout.heldout_ids (20 % of FNC-1 train body ids)",
            "sample": {"max_pairs": args.max_pairs, "seed": args.seed, "rows": len(records)},
            "results": results,
        }
        args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
