"""Tests for nli.evaluate against scikit-learn computed independently."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score, roc_auc_score

from nli.evaluate import compute_metrics, decide_labels


def _random_case(seed: int, n: int = 60):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet([1, 1, 1], size=n)
    refs = list(rng.choice(["contradiction", "neutral", "entailment"], size=n))
    return probs, refs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_metrics_agree_with_sklearn(seed):
    probs, refs = _random_case(seed)
    metrics = compute_metrics(probs, refs)
    preds = decide_labels(probs)
    assert metrics["n"] == len(refs)
    assert metrics["f1_contradiction"] == pytest.approx(
        f1_score(refs, preds, labels=["contradiction"], average="macro", zero_division=0)
    )
    is_c = [r == "contradiction" for r in refs]
    assert metrics["roc_auc"] == pytest.approx(roc_auc_score(is_c, probs[:, 0]))
    accuracy = np.mean([p == r for p, r in zip(preds, refs, strict=True)])
    assert metrics["accuracy"] == pytest.approx(accuracy)


def test_threshold_changes_contradiction_decisions():
    probs = np.array([[0.4, 0.5, 0.1], [0.35, 0.05, 0.6]])
    assert decide_labels(probs) == ["neutral", "entailment"]
    assert decide_labels(probs, threshold=0.3) == ["contradiction", "contradiction"]
    assert decide_labels(probs, threshold=0.9) == ["neutral", "entailment"]


def test_auc_is_nan_when_one_class_only():
    probs = np.array([[0.9, 0.05, 0.05], [0.8, 0.1, 0.1]])
    metrics = compute_metrics(probs, ["contradiction", "contradiction"])
    assert np.isnan(metrics["roc_auc"])
    assert metrics["f1_contradiction"] == 1.0


@pytest.mark.parametrize(
    ("probs", "refs", "message"),
    [
        (np.zeros((2, 3)), ["neutral"], "references"),  # length mismatch
        (np.zeros((0, 3)), [], "no labelled pairs"),  # empty
        (np.zeros((1, 3)), ["yes"], "unknown reference"),  # bad label
        (np.zeros((1, 2)), ["neutral"], "shape"),  # wrong width
    ],
)
def test_bad_metric_inputs_raise(probs, refs, message):
    with pytest.raises(ValueError, match=message):
        compute_metrics(probs, refs)
