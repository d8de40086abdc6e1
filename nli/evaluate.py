"""Metrics for labelled statement/report pairs.

Like the metric modules of Hugging Face ``evaluate``, :func:`compute_metrics` is a
function of predictions and references with explicit keyword parameters; the
arithmetic is left to scikit-learn.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    precision_recall_fscore_support,
    roc_auc_score,
)

from nli.types import LABELS


def decide_labels(probs: np.ndarray, *, threshold: float | None = None) -> list[str]:
    """Turn ``(n, 3)`` probabilities into labels.

    Args:
        probs (np.ndarray): Columns contradiction, neutral, entailment.
        threshold (float, optional): When set, a pair is ``"contradiction"`` exactly
            when its contradiction probability is >= ``threshold``; otherwise the more
            likely of neutral/entailment. When None, the argmax. Defaults to None.

    Returns:
        list[str]: One label per row.

    Example:
        >>> import numpy as np
        >>> p = np.array([[0.4, 0.5, 0.1], [0.2, 0.1, 0.7]])
        >>> decide_labels(p), decide_labels(p, threshold=0.3)
        (['neutral', 'entailment'], ['contradiction', 'entailment'])
    """
    probs = np.asarray(probs)
    if probs.ndim != 2 or probs.shape[1] != 3:
        raise ValueError(f"probs must have shape (n, 3), got {probs.shape}")
    if threshold is None:
        return [LABELS[i] for i in probs.argmax(axis=1)]
    rest = np.where(probs[:, 1] >= probs[:, 2], 1, 2)
    chosen = np.where(probs[:, 0] >= threshold, 0, rest)
    return [LABELS[i] for i in chosen]


def compute_metrics(
    probs: np.ndarray,
    references: Sequence[str],
    *,
    threshold: float | None = None,
) -> dict[str, float]:
    """Accuracy, per-class precision/recall/F1 and contradiction ROC-AUC/PR-AUC.

    Args:
        probs (np.ndarray): ``(n, 3)`` predicted probabilities (contradiction,
            neutral, entailment).
        references (Sequence[str]): Gold labels, each one of :data:`nli.types.LABELS`.
        threshold (float, optional): Contradiction decision threshold, see
            :func:`decide_labels`. Defaults to None (argmax).

    Returns:
        dict[str, float]: ``n``; ``accuracy``, ``macro_f1``; ``precision_<label>``,
        ``recall_<label>``, ``f1_<label>`` for each label (0 when undefined); and
        ``roc_auc`` / ``pr_auc`` of the contradiction probability against
        "gold is contradiction" (NaN when only one class is present). All in [0, 1],
        higher is better.

    Example:
        >>> import numpy as np
        >>> p = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.6, 0.2, 0.2], [0.1, 0.1, 0.8]])
        >>> m = compute_metrics(p, ["contradiction", "neutral", "neutral", "entailment"])
        >>> round(m["accuracy"], 2), round(m["f1_contradiction"], 3), m["roc_auc"]
        (0.75, 0.667, 1.0)
    """
    probs = np.asarray(probs, dtype=np.float64)
    references = list(references)
    if len(references) != len(probs):
        raise ValueError(f"{len(probs)} predictions but {len(references)} references")
    if not references:
        raise ValueError("no labelled pairs to evaluate")
    unknown = sorted(set(references) - set(LABELS))
    if unknown:
        raise ValueError(f"unknown reference labels {unknown}; expected {list(LABELS)}")
    predictions = decide_labels(probs, threshold=threshold)
    precision, recall, f1, _ = precision_recall_fscore_support(
        references, predictions, labels=list(LABELS), zero_division=0.0
    )
    result: dict[str, float] = {
        "n": float(len(references)),
        "accuracy": float(accuracy_score(references, predictions)),
        "macro_f1": float(np.mean(f1)),
    }
    for i, label in enumerate(LABELS):
        result[f"precision_{label}"] = float(precision[i])
        result[f"recall_{label}"] = float(recall[i])
        result[f"f1_{label}"] = float(f1[i])
    is_contradiction = np.array([ref == "contradiction" for ref in references])
    if is_contradiction.all() or not is_contradiction.any():
        result["roc_auc"] = float("nan")
        result["pr_auc"] = float("nan")
    else:
        result["roc_auc"] = float(roc_auc_score(is_contradiction, probs[:, 0]))
        result["pr_auc"] = float(average_precision_score(is_contradiction, probs[:, 0]))
    return result
