"""Metrics for labelled statement/report pairs and for labelled articles.

Like the metric modules of Hugging Face ``evaluate``, each metric function takes
predictions and references with explicit keyword parameters and leaves the
arithmetic to scikit-learn where scikit-learn has it (accuracy, precision/recall/F1,
ROC-AUC, average precision, Brier score, confusion matrix). Expected calibration
error has no scikit-learn function; it uses the same equal-width binning as
:func:`sklearn.calibration.calibration_curve`.

References: Guo et al., "On Calibration of Modern Neural Networks" (ICML 2017) for
top-label ECE; Efron & Tibshirani, "An Introduction to the Bootstrap" (1993) for
percentile intervals.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
    roc_auc_score,
)

from nli.io import InputError, atomic_path
from nli.types import LABELS, Article, Probs, finding_order

#: Bins of every expected calibration error and reliability diagram.
ECE_BINS = 10

#: Metrics that get bootstrap confidence intervals.
BOOTSTRAP_METRICS: tuple[str, ...] = ("f1_contradiction", "macro_f1", "roc_auc", "pr_auc")

_LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}


def probs_matrix(probs: Iterable[Probs]) -> np.ndarray:
    """Class probabilities of scored pairs as an ``(n, 3)`` array, columns in
    :data:`nli.types.LABELS` order (the input of :func:`compute_metrics` and calibration).

    Example:
        >>> probs_matrix([Probs(0.7, 0.2, 0.1), Probs(0.1, 0.3, 0.6)]).tolist()
        [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]]
        >>> probs_matrix([]).shape
        (0, 3)
    """
    rows = [[getattr(p, name) for name in LABELS] for p in probs]
    return np.asarray(rows, dtype=np.float64).reshape(-1, len(LABELS))


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


# --------------------------------------------------------------------------- calibration


@dataclass(frozen=True)
class ReliabilityBins:
    """Equal-width bins of a reliability diagram.

    Attributes:
        edges (np.ndarray): ``n_bins + 1`` bin edges from 0 to 1. Bin ``i`` holds
            confidences in ``(edges[i], edges[i + 1]]`` (bin 0 also holds 0), as in
            :func:`sklearn.calibration.calibration_curve`.
        counts (np.ndarray): Items per bin.
        mean_confidence (np.ndarray): Mean predicted probability per bin (NaN if empty).
        observed (np.ndarray): Fraction of positive outcomes per bin (NaN if empty).
    """

    edges: np.ndarray
    counts: np.ndarray
    mean_confidence: np.ndarray
    observed: np.ndarray


def reliability_bins(
    confidences: Sequence[float] | np.ndarray,
    outcomes: Sequence[bool] | np.ndarray,
    *,
    n_bins: int = ECE_BINS,
) -> ReliabilityBins:
    """Bin predicted probabilities and the observed frequency of their outcomes.

    Args:
        confidences (array-like): Predicted probabilities in [0, 1].
        outcomes (array-like): Whether each prediction came true (bool or 0/1).
        n_bins (int): Number of equal-width bins. Defaults to 10.

    Returns:
        ReliabilityBins: Per-bin counts, mean confidence and observed frequency.

    Example:
        >>> bins = reliability_bins([0.05, 0.95, 0.9], [0, 1, 0], n_bins=2)
        >>> bins.counts.tolist(), bins.observed.tolist()
        ([1, 2], [0.0, 0.5])
    """
    conf = np.asarray(confidences, dtype=np.float64)
    hits = np.asarray(outcomes, dtype=np.float64)
    if conf.shape != hits.shape or conf.ndim != 1:
        raise ValueError(f"confidences {conf.shape} and outcomes {hits.shape} must be 1-D, equal")
    if n_bins < 1:
        raise ValueError(f"n_bins must be >= 1, got {n_bins}")
    if conf.size and (conf.min() < 0 or conf.max() > 1):
        raise ValueError("confidences must lie in [0, 1]")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bin_of = np.searchsorted(edges[1:-1], conf)
    counts = np.bincount(bin_of, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.bincount(bin_of, weights=conf, minlength=n_bins) / counts
        observed = np.bincount(bin_of, weights=hits, minlength=n_bins) / counts
    return ReliabilityBins(edges, counts, mean_confidence, observed)


def expected_calibration_error(
    confidences: Sequence[float] | np.ndarray,
    outcomes: Sequence[bool] | np.ndarray,
    *,
    n_bins: int = ECE_BINS,
) -> float:
    """Expected calibration error: the count-weighted mean gap per equal-width bin.

    ``ECE = sum_b (n_b / n) * |observed_b - mean_confidence_b|``. In [0, 1], lower is
    better; 0 means the probabilities match observed frequencies in every bin.

    Args:
        confidences (array-like): Predicted probabilities in [0, 1].
        outcomes (array-like): Whether each prediction came true.
        n_bins (int): Number of equal-width bins. Defaults to 10.

    Returns:
        float: The ECE (NaN for empty input).

    Example:
        >>> round(expected_calibration_error([0.9, 0.9, 0.6, 0.6], [1, 0, 1, 1]), 3)
        0.4
    """
    bins = reliability_bins(confidences, outcomes, n_bins=n_bins)
    total = int(bins.counts.sum())
    if total == 0:
        return float("nan")
    filled = bins.counts > 0
    gaps = np.abs(bins.observed[filled] - bins.mean_confidence[filled])
    return float(np.sum(gaps * bins.counts[filled]) / total)


def top_label_confidence(
    probs: np.ndarray, references: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """The probability of each predicted (argmax) label, and whether it was right.

    This is the pair whose ECE temperature scaling is meant to lower (Guo et al.).

    Example:
        >>> import numpy as np
        >>> conf, right = top_label_confidence(np.array([[0.7, 0.2, 0.1]]), ["neutral"])
        >>> conf.tolist(), right.tolist()
        ([0.7], [False])
    """
    probs = np.asarray(probs, dtype=np.float64)
    gold = np.array([_LABEL_INDEX[ref] for ref in references], dtype=np.int64)
    return probs.max(axis=1), probs.argmax(axis=1) == gold


def ece_if_calibrated(
    confidences: Sequence[float] | np.ndarray,
    *,
    n_bins: int = ECE_BINS,
    n_draws: int = 1000,
    seed: int = 0,
) -> float:
    """The ECE a perfectly calibrated model would get on this many, this confident, items.

    ECE is biased upwards on small sets: even when every probability is exact, the
    outcomes in a bin scatter around it. This draws each outcome as a coin flip with
    the item's own confidence, ``n_draws`` times, and averages the ECE of the draws. An
    observed ECE near this floor cannot be told apart from perfect calibration.

    Args:
        confidences (array-like): Predicted probabilities in [0, 1].
        n_bins (int): Bins of :func:`expected_calibration_error`. Defaults to 10.
        n_draws (int): Simulated outcome sets. Defaults to 1000.
        seed (int): Random seed. Defaults to 0.

    Returns:
        float: The mean ECE of the draws, in [0, 1] (NaN for empty input).

    Example:
        >>> round(ece_if_calibrated([1.0, 0.0, 1.0]), 3)  # certain and right: no scatter
        0.0
        >>> ece_if_calibrated([0.7] * 40) > ece_if_calibrated([0.7] * 4000)
        True
    """
    confidences = np.asarray(confidences, dtype=np.float64)
    if confidences.size == 0:
        return float("nan")
    rng = np.random.default_rng(seed)
    draws = rng.random((n_draws, confidences.size)) < confidences
    return float(
        np.mean([expected_calibration_error(confidences, d, n_bins=n_bins) for d in draws])
    )


# --------------------------------------------------------------------------- metrics


def _check_inputs(probs: np.ndarray, references: Sequence[str]) -> np.ndarray:
    """Validate ``(n, 3)`` probabilities against references; return gold label indices."""
    if probs.ndim != 2 or probs.shape[1] != 3:
        raise ValueError(f"probs must have shape (n, 3), got {probs.shape}")
    if len(references) != len(probs):
        raise ValueError(f"{len(probs)} predictions but {len(references)} references")
    if not references:
        raise ValueError("no labelled pairs to evaluate")
    unknown = sorted(set(references) - set(LABELS))
    if unknown:
        raise ValueError(f"unknown reference labels {unknown}; expected {list(LABELS)}")
    return np.array([_LABEL_INDEX[ref] for ref in references], dtype=np.int64)


def compute_metrics(
    probs: np.ndarray,
    references: Sequence[str],
    *,
    threshold: float | None = None,
) -> dict[str, float]:
    """Accuracy, per-class P/R/F1, contradiction ROC-AUC/PR-AUC, ECE and Brier score.

    Args:
        probs (np.ndarray): ``(n, 3)`` predicted probabilities (contradiction,
            neutral, entailment).
        references (Sequence[str]): Gold labels, each one of :data:`nli.types.LABELS`.
        threshold (float, optional): Contradiction decision threshold, see
            :func:`decide_labels`. Defaults to None (argmax).

    Returns:
        dict[str, float]: ``n``; ``accuracy``, ``macro_f1``; ``precision_<label>``,
        ``recall_<label>``, ``f1_<label>`` for each label (0 when undefined);
        ``roc_auc`` / ``pr_auc`` (average precision) of the contradiction probability
        against "gold is contradiction" (NaN when only one class is present): all in
        [0, 1], higher is better. ``ece`` (top-label, 10 bins) and
        ``ece_contradiction`` (of the contradiction probability) in [0, 1];
        ``brier`` (multiclass, in [0, 2]) and ``brier_contradiction`` (in [0, 1]):
        lower is better.

    Example:
        >>> import numpy as np
        >>> p = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.6, 0.2, 0.2], [0.1, 0.1, 0.8]])
        >>> m = compute_metrics(p, ["contradiction", "neutral", "neutral", "entailment"])
        >>> round(m["accuracy"], 2), round(m["f1_contradiction"], 3), m["roc_auc"]
        (0.75, 0.667, 1.0)
        >>> round(m["brier_contradiction"], 3), round(m["ece"], 3)
        (0.105, 0.3)
    """
    probs = np.asarray(probs, dtype=np.float64)
    references = list(references)
    gold = _check_inputs(probs, references)
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
    is_contradiction = gold == 0
    if is_contradiction.all() or not is_contradiction.any():
        result["roc_auc"] = float("nan")
        result["pr_auc"] = float("nan")
    else:
        result["roc_auc"] = float(roc_auc_score(is_contradiction, probs[:, 0]))
        result["pr_auc"] = float(average_precision_score(is_contradiction, probs[:, 0]))
    confidence, correct = top_label_confidence(probs, references)
    result["ece"] = expected_calibration_error(confidence, correct)
    result["ece_contradiction"] = expected_calibration_error(probs[:, 0], is_contradiction)
    # Integer labels keep scikit-learn's column order equal to ours (it sorts names);
    # renormalising absorbs float32 rounding, which scikit-learn warns about.
    normalised = probs / probs.sum(axis=1, keepdims=True)
    result["brier"] = float(brier_score_loss(gold, normalised, labels=[0, 1, 2]))
    result["brier_contradiction"] = float(
        brier_score_loss(is_contradiction, probs[:, 0], pos_label=True)
    )
    return result


def confusion(
    probs: np.ndarray, references: Sequence[str], *, threshold: float | None = None
) -> list[list[int]]:
    """The confusion matrix: rows are gold labels, columns predictions, both in LABELS order.

    Example:
        >>> import numpy as np
        >>> confusion(np.array([[0.8, 0.1, 0.1], [0.6, 0.3, 0.1]]), ["contradiction", "neutral"])
        [[1, 0, 0], [1, 0, 0], [0, 0, 0]]
    """
    probs = np.asarray(probs, dtype=np.float64)
    references = list(references)
    _check_inputs(probs, references)
    predictions = decide_labels(probs, threshold=threshold)
    matrix = confusion_matrix(references, predictions, labels=list(LABELS))
    return [[int(x) for x in row] for row in matrix]


def bootstrap_intervals(
    probs: np.ndarray,
    references: Sequence[str],
    *,
    threshold: float | None = None,
    n_resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap confidence intervals of F1 and AUC.

    Pairs are resampled with replacement ``n_resamples`` times with a seeded
    generator, so one seed always gives the same intervals. A resample that holds
    only one class has no AUC and is left out of the AUC intervals.

    Args:
        probs (np.ndarray): ``(n, 3)`` probabilities.
        references (Sequence[str]): Gold labels.
        threshold (float, optional): Contradiction threshold, see :func:`decide_labels`.
        n_resamples (int): Bootstrap resamples. Defaults to 1000.
        seed (int): Seed of the resampling. Defaults to 0.
        confidence (float): Coverage of the interval. Defaults to 0.95.

    Returns:
        dict[str, tuple[float, float]]: ``(low, high)`` for each name in
        :data:`BOOTSTRAP_METRICS` (NaN when no resample defines the metric).

    Example:
        >>> import numpy as np
        >>> p = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.6, 0.2, 0.2], [0.1, 0.1, 0.8]])
        >>> refs = ["contradiction", "neutral", "neutral", "entailment"]
        >>> ci = bootstrap_intervals(p, refs, n_resamples=200, seed=1)
        >>> ci == bootstrap_intervals(p, refs, n_resamples=200, seed=1)
        True
        >>> low, high = ci["f1_contradiction"]
        >>> 0.0 <= low <= high <= 1.0
        True
    """
    probs = np.asarray(probs, dtype=np.float64)
    gold = _check_inputs(probs, list(references))
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    predicted = np.array([_LABEL_INDEX[p] for p in decide_labels(probs, threshold=threshold)])
    rng = np.random.default_rng(seed)
    samples: dict[str, list[float]] = {name: [] for name in BOOTSTRAP_METRICS}
    for _ in range(n_resamples):
        index = rng.integers(0, len(gold), size=len(gold))
        f1 = f1_score(
            gold[index], predicted[index], labels=[0, 1, 2], average=None, zero_division=0.0
        )
        samples["f1_contradiction"].append(float(f1[0]))
        samples["macro_f1"].append(float(np.mean(f1)))
        positive = gold[index] == 0
        if positive.all() or not positive.any():
            continue
        samples["roc_auc"].append(float(roc_auc_score(positive, probs[index, 0])))
        samples["pr_auc"].append(float(average_precision_score(positive, probs[index, 0])))
    return percentile_intervals(samples, confidence)


def percentile_intervals(
    samples: Mapping[str, Sequence[float]], confidence: float = 0.95
) -> dict[str, tuple[float, float]]:
    """Central percentile interval of each metric's bootstrap samples (NaN when none).

    Example:
        >>> percentile_intervals({"n": list(range(101)), "f1": []}, 0.5)
        {'n': (25.0, 75.0), 'f1': (nan, nan)}
    """
    tail = (1.0 - confidence) / 2 * 100
    intervals: dict[str, tuple[float, float]] = {}
    for name, values in samples.items():
        if values:
            low, high = np.percentile(values, [tail, 100 - tail])
            intervals[name] = (float(low), float(high))
        else:
            intervals[name] = (float("nan"), float("nan"))
    return intervals


# --------------------------------------------------------------------------- articles


@dataclass(frozen=True)
class GoldPair:
    """One labelled statement/report pair of an article (``fixtures/articles.jsonl``).

    Attributes:
        statement_span (tuple[int, int]): ``[start, end)`` of the statement sentence.
        report_span (tuple[int, int]): ``[start, end)`` of the report sentence.
        label (str): The verdict on the official's position (``contradiction`` when
            the report contradicts what the official asserts or denies).
    """

    statement_span: tuple[int, int]
    report_span: tuple[int, int]
    label: str

    def texts(self, text: str) -> tuple[str, str]:
        """The statement and the report as annotated, cut from the article's ``text``.

        Example:
            >>> GoldPair((0, 9), (11, 25), "contradiction").texts("No troops. Troops arrived.")
            ('No troops', 'Troops arrived')
        """
        (s0, s1), (r0, r1) = self.statement_span, self.report_span
        return text[s0:s1], text[r0:r1]


@dataclass(frozen=True)
class GoldArticle:
    """An article with its labelled statement/report pairs."""

    article: Article
    pairs: tuple[GoldPair, ...]


def read_gold_articles(path: str | Path) -> list[GoldArticle]:
    """Read labelled articles in the ``fixtures/articles.jsonl`` format.

    Each line has ``id``, ``file`` (the article text, relative to the JSONL file) or
    ``text``, ``statements`` and ``reports`` (each with ``span``) and ``pairs``
    (``{"statement": i, "report": j, "label": ...}`` indexing those lists).

    Raises:
        InputError: When the file or an article file is missing, or a line is malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    articles: list[GoldArticle] = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if "text" in row:
                text = row["text"]
            else:
                text = _gold_article_file(path, row["file"]).read_text(encoding="utf-8")
            pairs = tuple(
                GoldPair(
                    tuple(row["statements"][p["statement"]]["span"]),  # type: ignore[arg-type]
                    tuple(row["reports"][p["report"]]["span"]),  # type: ignore[arg-type]
                    str(p["label"]).lower(),
                )
                for p in row["pairs"]
            )
        except (json.JSONDecodeError, KeyError, IndexError, TypeError, OSError) as error:
            raise InputError(f"{path}:{line_no}: not a labelled article ({error!r})") from error
        bad = sorted({p.label for p in pairs} - set(LABELS))
        if bad:
            raise InputError(f"{path}:{line_no}: unknown pair labels {bad}")
        articles.append(GoldArticle(Article(str(row["id"]), text), pairs))
    if not articles:
        raise InputError(f"{path}: no labelled articles")
    return articles


def _gold_article_file(gold_path: Path, name: str) -> Path:
    """The article file a gold row names, which must lie in the gold file's folder tree.

    Raises:
        InputError: For a path leading elsewhere (absolute, or up with ``..``).
    """
    folder = gold_path.parent.resolve()
    target = (folder / name).resolve()
    if not target.is_relative_to(folder):
        raise InputError(f"{gold_path}: article file {name!r} is outside {folder}")
    return target


def spans_overlap(a: Sequence[int], b: Sequence[int]) -> bool:
    """True when two ``[start, end)`` spans share a character.

    Example:
        >>> spans_overlap((0, 10), (9, 20)), spans_overlap((0, 10), (10, 20))
        (True, False)
    """
    return a[0] < b[1] and b[0] < a[1]


def official_probs(probs: Mapping[str, float], polarity: str) -> list[float]:
    """A finding's probabilities re-read as a verdict on the official's position.

    For a direct assertion (``+``) the NLI labels carry over. For a reported denial
    (``-``, the hypothesis is the denied proposition) the report *entailing* it
    contradicts the official, so contradiction and entailment swap.

    Example:
        >>> official_probs({"contradiction": 0.1, "neutral": 0.2, "entailment": 0.7}, "-")
        [0.7, 0.2, 0.1]
    """
    c, n, e = (float(probs[label]) for label in LABELS)
    if polarity == "+":
        return [c, n, e]
    if polarity == "-":
        return [e, n, c]
    raise ValueError(f"polarity must be '+' or '-', got {polarity!r}")


@dataclass
class ArticleMatch:
    """Gold article pairs matched to the pipeline's findings.

    Attributes:
        probs (np.ndarray): ``(n_gold, 3)`` probabilities of each gold pair, as a verdict
            on the official (see :func:`official_probs`); ``(0, 1, 0)`` (neutral, score 0)
            for a gold pair the pipeline did not produce.
        references (list[str]): Gold labels, aligned with ``probs``.
        matched (int): Gold pairs that some finding overlaps.
        missed (int): Gold pairs no finding overlaps.
        unmatched_findings (int): Findings that overlap no gold pair.
    """

    probs: np.ndarray
    references: list[str]
    matched: int
    missed: int
    unmatched_findings: int


def match_findings(
    gold: Sequence[GoldArticle], findings: Sequence[Mapping[str, Any]]
) -> ArticleMatch:
    """Match findings to gold pairs by statement and report span overlap.

    A finding matches a gold pair of its article when its statement span overlaps the
    gold statement span and its report span overlaps the gold report span. When
    several findings match one gold pair (a sentence split into clauses), the one
    with the highest score speaks for it.

    Args:
        gold (Sequence[GoldArticle]): From :func:`read_gold_articles`.
        findings (Sequence[Mapping]): Findings in the ``nli score`` schema.

    Returns:
        ArticleMatch: Per gold pair probabilities and labels, and match counts.
    """
    by_article = findings_by_article(findings)
    rows: list[list[float]] = []
    references: list[str] = []
    used: set[int] = set()
    missed = 0
    for item in gold:
        candidates = by_article.get(item.article.id, [])
        for pair in item.pairs:
            hits = matching_findings(candidates, pair)
            used.update(id(f) for f in hits)
            references.append(pair.label)
            if not hits:
                missed += 1
                rows.append([0.0, 1.0, 0.0])
                continue
            # the pipeline's own ranking: raw scores of contradiction and entailment
            # targets are not comparable
            best = max(hits, key=lambda f: float(f.get("calibrated", f["score"])))
            rows.append(official_probs(best["probs"], best["normalised"]["polarity"]))
    return ArticleMatch(
        probs=np.asarray(rows, dtype=np.float64).reshape(-1, 3),
        references=references,
        matched=len(references) - missed,
        missed=missed,
        unmatched_findings=sum(id(f) not in used for f in findings),
    )


#: Causes of a missed gold contradiction, in the order they are checked.
MISS_CAUSES: tuple[str, ...] = (
    "statement_not_found",
    "report_not_found",
    "wrong_role",
    "not_paired",
    "below_threshold",
)


@dataclass
class PipelineQuality:
    """How well the article pipeline finds the gold contradictions of labelled articles.

    Attributes:
        pairing_recall (float): Gold contradiction pairs that reach the model (some
            finding matches them), over all gold contradiction pairs.
        recall (float): Gold contradiction pairs whose best matching finding is labelled
            ``contradiction``, over all gold contradiction pairs (end to end).
        precision (float): Of the gold pairs (any label) whose best matching finding is
            labelled ``contradiction``, the share that are gold contradictions.
        top1 (float): Of the articles with a gold contradiction, the share whose first
            finding (in the tool's order, :func:`nli.types.finding_order`: priority,
            then calibrated score) matches one.
        pairs_per_article (float): Scored pairs per article, all articles.
        misses (dict[str, int]): Missed gold contradictions by cause (:data:`MISS_CAUSES`).
        articles_without_findings (list[str]): Articles with a gold contradiction and no
            finding at all.
        n_contradictions (int): Gold contradiction pairs.
        n_articles_with_contradiction (int): Articles with at least one.
    """

    pairing_recall: float
    recall: float
    precision: float
    top1: float
    pairs_per_article: float
    misses: dict[str, int]
    articles_without_findings: list[str]
    n_contradictions: int
    n_articles_with_contradiction: int

    def as_dict(self) -> dict[str, Any]:
        """The numbers as a JSON-ready dict."""
        return {
            "pairing_recall": self.pairing_recall,
            "recall": self.recall,
            "precision": self.precision,
            "top1": self.top1,
            "pairs_per_article": self.pairs_per_article,
            "misses": dict(self.misses),
            "articles_without_findings": list(self.articles_without_findings),
            "n_contradictions": self.n_contradictions,
            "n_articles_with_contradiction": self.n_articles_with_contradiction,
        }


def findings_by_article(
    findings: Iterable[Mapping[str, Any]],
) -> dict[str, list[Mapping[str, Any]]]:
    """Findings grouped by their ``article_id`` (as a string), each group in input order.

    Example:
        >>> rows = [{"article_id": 1}, {"article_id": "b"}, {"article_id": 1}]
        >>> grouped = findings_by_article(rows)
        >>> {k: len(v) for k, v in grouped.items()}
        {'1': 2, 'b': 1}
    """
    grouped: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for finding in findings:
        grouped[str(finding["article_id"])].append(finding)
    return dict(grouped)


def matching_findings(
    findings: Sequence[Mapping[str, Any]], pair: GoldPair
) -> list[Mapping[str, Any]]:
    """The findings whose statement and report spans both overlap a gold pair's, in order."""
    return [
        f
        for f in findings
        if spans_overlap(f["statement"]["span"], pair.statement_span)
        and spans_overlap(f["report"]["span"], pair.report_span)
    ]


def best_matching_finding(
    findings: Sequence[Mapping[str, Any]], pair: GoldPair, *, skip_blanket: bool = False
) -> Mapping[str, Any] | None:
    """The matching finding (:func:`matching_findings`) with the highest calibrated score.

    ``skip_blanket`` leaves out findings whose statement is a blanket denial (its pipeline
    hypothesis is the report itself). None when no finding matches.

    Example:
        >>> pair = GoldPair((0, 5), (10, 15), "contradiction")
        >>> found = [
        ...     {"statement": {"span": [0, 5]}, "report": {"span": [10, 15]}, "calibrated": c}
        ...     for c in (0.2, 0.7)
        ... ]
        >>> best_matching_finding(found, pair)["calibrated"]
        0.7
        >>> best_matching_finding(found[:1], GoldPair((20, 25), (10, 15), "neutral")) is None
        True
    """
    hits = [
        f
        for f in matching_findings(findings, pair)
        if not (skip_blanket and f["statement"].get("blanket"))
    ]
    return max(hits, key=lambda f: float(f["calibrated"])) if hits else None


def _miss_cause(pair: GoldPair, claims: Sequence[Mapping[str, Any]]) -> str:
    """Why a gold pair has no finding, from the claims the pipeline found in its article."""
    on_statement = [c for c in claims if spans_overlap(c["span"], pair.statement_span)]
    on_report = [c for c in claims if spans_overlap(c["span"], pair.report_span)]
    if not on_statement:
        return "statement_not_found"
    if not on_report:
        return "report_not_found"
    if any(c["kind"] == "statement" for c in on_statement) and any(
        c["kind"] == "report" for c in on_report
    ):
        return "not_paired"
    return "wrong_role"


def pipeline_quality(
    gold: Sequence[GoldArticle],
    findings: Sequence[Mapping[str, Any]],
    claims: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    pairs_scored: int,
) -> PipelineQuality:
    """Pairing recall, end-to-end recall/precision, top-1 and misses by cause.

    Args:
        gold (Sequence[GoldArticle]): The labelled articles.
        findings (Sequence[Mapping]): Findings in the ``nli score`` schema, each with
            its ``label`` (the tool's own verdict) and ``calibrated`` score.
        claims (Mapping): Per article id, the claims the pipeline found (dicts with
            ``kind`` and ``span``), to tell why a gold pair was missed.
        pairs_scored (int): Statement/report pairs the model scored, all articles.

    Example:
        >>> pair = GoldPair((0, 10), (20, 30), "contradiction")
        >>> art = GoldArticle(Article("a", "x" * 40), (pair,))
        >>> f = {"article_id": "a", "statement": {"span": [0, 9]}, "report": {"span": [21, 30]},
        ...      "label": "contradiction", "calibrated": 0.9}
        >>> q = pipeline_quality([art], [f], {"a": []}, pairs_scored=1)
        >>> (q.pairing_recall, q.recall, q.precision, q.top1)
        (1.0, 1.0, 1.0, 1.0)
    """
    by_article = findings_by_article(findings)
    misses = dict.fromkeys(MISS_CAUSES, 0)
    n_contra = reached = flagged_true = flagged_all = 0
    top_hits = with_contra = 0
    empty: list[str] = []
    for item in gold:
        # the tool's own order of an article's findings (nli.types.finding_order)
        found = sorted(by_article.get(item.article.id, []), key=finding_order)
        contra = [p for p in item.pairs if p.label == "contradiction"]
        if contra:
            with_contra += 1
            if not found:
                empty.append(item.article.id)
            elif any(matching_findings(found[:1], p) for p in contra):
                top_hits += 1
        for pair in item.pairs:
            hits = matching_findings(found, pair)
            best = max(hits, key=lambda f: float(f["calibrated"])) if hits else None
            flagged = best is not None and best["label"] == "contradiction"
            if flagged:
                flagged_all += 1
            if pair.label != "contradiction":
                continue
            n_contra += 1
            reached += best is not None
            if flagged:
                flagged_true += 1
            elif best is not None:
                misses["below_threshold"] += 1
            else:
                misses[_miss_cause(pair, claims.get(item.article.id, []))] += 1
    return PipelineQuality(
        pairing_recall=reached / n_contra if n_contra else float("nan"),
        recall=flagged_true / n_contra if n_contra else float("nan"),
        precision=flagged_true / flagged_all if flagged_all else float("nan"),
        top1=top_hits / with_contra if with_contra else float("nan"),
        pairs_per_article=pairs_scored / len(gold) if gold else 0.0,
        misses=misses,
        articles_without_findings=empty,
        n_contradictions=n_contra,
        n_articles_with_contradiction=with_contra,
    )


# --------------------------------------------------------------------------- fixture split


def stratified_split(
    rows: Sequence[Mapping[str, Any]],
    *,
    keys: Sequence[str] = ("label", "phenomenon"),
    dev_fraction: float = 0.4,
    seed: int = 0,
) -> tuple[list[int], list[int]]:
    """Split rows into dev and test, stratified by the values of ``keys``.

    Within each stratum (one combination of key values) the rows are shuffled with a
    seeded generator and ``round(dev_fraction * size)`` go to dev, so every label and
    phenomenon appears in both parts in about the same proportion.

    Args:
        rows (Sequence[Mapping]): The records (e.g. parsed JSONL lines).
        keys (Sequence[str]): Fields that define the strata. Defaults to
            ``("label", "phenomenon")``.
        dev_fraction (float): Share of each stratum that goes to dev. Defaults to 0.4.
        seed (int): Shuffle seed. Defaults to 0.

    Returns:
        tuple[list[int], list[int]]: Row indices of dev and of test, each in input order.

    Example:
        >>> rows = [{"label": "a"}] * 5 + [{"label": "b"}] * 5
        >>> dev, test = stratified_split(rows, keys=["label"], dev_fraction=0.4)
        >>> len(dev), len(test), sorted(set(dev) | set(test)) == list(range(10))
        (4, 6, True)
    """
    if not 0.0 < dev_fraction < 1.0:
        raise ValueError(f"dev_fraction must be in (0, 1), got {dev_fraction}")
    strata: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        strata[tuple(str(row.get(key)) for key in keys)].append(i)
    rng = np.random.default_rng(seed)
    dev: list[int] = []
    for stratum in sorted(strata):  # sorted, so the draw does not depend on row order
        members = strata[stratum]
        shuffled = rng.permutation(members)
        dev.extend(int(i) for i in shuffled[: round(dev_fraction * len(members))])
    chosen = set(dev)
    return sorted(dev), [i for i in range(len(rows)) if i not in chosen]


def split_pair_file(
    source: str | Path,
    dev_path: str | Path,
    test_path: str | Path,
    *,
    dev_fraction: float = 0.4,
    seed: int = 0,
) -> tuple[int, int]:
    """Write the stratified dev/test split of a JSONL pair file, lines copied verbatim.

    This is how ``fixtures/pairs_dev.jsonl`` and ``fixtures/pairs_test.jsonl`` are made
    from ``fixtures/pairs.jsonl`` (see README, "Fixtures").

    Returns:
        tuple[int, int]: Lines written to dev and to test.
    """
    lines = [line for line in Path(source).read_text(encoding="utf-8").splitlines() if line]
    dev, test = stratified_split(
        [json.loads(line) for line in lines], dev_fraction=dev_fraction, seed=seed
    )
    for target, index in ((Path(dev_path), dev), (Path(test_path), test)):
        with atomic_path(target) as tmp:
            Path(tmp).write_text("".join(lines[i] + "\n" for i in index), encoding="utf-8")
    return len(dev), len(test)
