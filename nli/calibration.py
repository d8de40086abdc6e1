"""Temperature scaling and a contradiction threshold, fitted on a labelled dev set.

Temperature scaling (Guo et al., ICML 2017) divides a classifier's logits by one
scalar ``T`` fitted to minimise the negative log-likelihood on held-out data: ``T > 1``
softens an over-confident model, ``T < 1`` sharpens an under-confident one, and the
argmax never changes. The scorer returns probabilities rather than logits; since
``log softmax(z) = z - logsumexp(z)`` differs from the logits only by a per-row
constant, ``softmax(log(p) / T)`` is exactly ``softmax(z / T)``.

The fitted values live in ``calibration.json`` in the model directory, which
:class:`nli.model.ContradictionScorer` reads when it loads the model.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.metrics import f1_score, log_loss, precision_recall_curve

from nli.evaluate import expected_calibration_error, top_label_confidence
from nli.io import sha256_file, write_json
from nli.types import LABELS

logger = logging.getLogger(__name__)

#: File name of the calibration in a model directory.
CALIBRATION_FILE = "calibration.json"

#: Search range of the temperature; far outside it the fit is degenerate (one class
#: only, or perfectly separated dev data) and should not be trusted.
TEMPERATURE_BOUNDS = (0.05, 20.0)

# Probabilities of exactly 0 (float32 underflow) would give log(0) = -inf.
_SMALLEST_PROB = 1e-12


@dataclass(frozen=True)
class Calibration:
    """What ``nli calibrate`` fitted, as stored in ``calibration.json``.

    Attributes:
        temperature (float): Divides the logits; 1.0 leaves probabilities unchanged.
        threshold (float | None): Contradiction threshold on the calibrated
            contradiction probability that maximised contradiction F1 on the dev set.
        fitted_on (dict): ``{"file": name, "sha256": hex}`` of the dev file.
        n (int): Dev pairs used.
        ece_before (float): Top-label ECE (10 bins) on dev before scaling.
        ece_after (float): The same after scaling.
        nll_before (float): Dev negative log-likelihood before scaling.
        nll_after (float): The same after scaling.
        f1_at_threshold (float): Dev contradiction F1 at ``threshold``.
        created (str): UTC time of the fit, ISO 8601.
    """

    temperature: float
    threshold: float | None
    fitted_on: dict[str, str]
    n: int
    ece_before: float
    ece_after: float
    nll_before: float
    nll_after: float
    f1_at_threshold: float
    created: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON object written to ``calibration.json``."""
        return asdict(self)


def apply_temperature(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Rescale ``(n, k)`` probabilities as if their logits were divided by ``temperature``.

    Args:
        probs (np.ndarray): Rows of probabilities.
        temperature (float): ``T > 0``; 1.0 returns the input (as float64).

    Returns:
        np.ndarray: float64 array of the same shape, rows summing to 1.

    Example:
        >>> import numpy as np
        >>> apply_temperature(np.array([[0.8, 0.1, 0.1]]), 2.0).round(3).tolist()
        [[0.586, 0.207, 0.207]]
    """
    if not temperature > 0 or not math.isfinite(temperature):
        raise ValueError(f"temperature must be a positive number, got {temperature}")
    probs = np.asarray(probs, dtype=np.float64)
    if probs.size == 0 or temperature == 1.0:
        return probs.copy()
    scaled = np.log(np.clip(probs, _SMALLEST_PROB, 1.0)) / temperature
    scaled -= scaled.max(axis=1, keepdims=True)  # keeps exp() from overflowing
    weights = np.exp(scaled)
    return weights / weights.sum(axis=1, keepdims=True)


def negative_log_likelihood(probs: np.ndarray, references: Sequence[str]) -> float:
    """Mean negative log-likelihood of the gold labels (scikit-learn ``log_loss``).

    Example:
        >>> import numpy as np
        >>> round(negative_log_likelihood(np.array([[0.5, 0.25, 0.25]]), ["contradiction"]), 4)
        0.6931
    """
    gold = [LABELS.index(ref) for ref in references]
    clipped = np.clip(np.asarray(probs, dtype=np.float64), _SMALLEST_PROB, 1.0)
    clipped /= clipped.sum(axis=1, keepdims=True)
    return float(log_loss(gold, clipped, labels=[0, 1, 2]))


def fit_temperature(probs: np.ndarray, references: Sequence[str]) -> float:
    """The temperature that minimises the NLL of ``references`` (bounded 1-D search).

    Args:
        probs (np.ndarray): ``(n, 3)`` uncalibrated probabilities.
        references (Sequence[str]): Gold labels.

    Returns:
        float: ``T`` within :data:`TEMPERATURE_BOUNDS`.

    Example:
        >>> import numpy as np
        >>> p = np.array([[0.98, 0.01, 0.01], [0.98, 0.01, 0.01], [0.01, 0.98, 0.01]])
        >>> fit_temperature(p, ["contradiction", "neutral", "neutral"]) > 1  # over-confident
        True
    """
    if len(references) == 0:
        raise ValueError("no labelled pairs to fit a temperature on")
    low, high = (math.log(bound) for bound in TEMPERATURE_BOUNDS)

    def loss(log_temperature: float) -> float:
        return negative_log_likelihood(
            apply_temperature(probs, math.exp(log_temperature)), references
        )

    # Searching log(T) makes halving and doubling T equally easy to reach.
    found = minimize_scalar(loss, bounds=(low, high), method="bounded", options={"xatol": 1e-4})
    temperature = float(math.exp(found.x))
    if min(temperature / TEMPERATURE_BOUNDS[0], TEMPERATURE_BOUNDS[1] / temperature) < 1.01:
        logger.warning("temperature %.3g is at the edge of its search range", temperature)
    return temperature


def fit_threshold(
    scores: Sequence[float] | np.ndarray, positives: Sequence[bool] | np.ndarray
) -> float:
    """The score threshold that maximises F1 of ``score >= threshold``.

    The threshold is put halfway between the best cut-off score and the next lower
    score, so that scores a little under the lowest accepted dev score still count.

    Args:
        scores (array-like): Contradiction probabilities.
        positives (Sequence[bool]): Whether each item is a gold contradiction.

    Returns:
        float: The threshold, in [0, 1].

    Example:
        >>> fit_threshold([0.9, 0.7, 0.4, 0.2], [True, True, False, False])
        0.55
    """
    scores = np.asarray(scores, dtype=np.float64)
    positives_array = np.asarray(positives, dtype=bool)
    if not positives_array.any():
        raise ValueError("no gold contradictions to fit a threshold on")
    precision, recall, thresholds = precision_recall_curve(positives_array, scores)
    # The last precision/recall point (recall 0) has no threshold of its own.
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.nan_to_num(2 * precision[:-1] * recall[:-1] / (precision[:-1] + recall[:-1]))
    best = float(thresholds[int(np.argmax(f1))])
    lower = scores[scores < best]
    return (best + float(lower.max())) / 2 if lower.size else best


def fit_calibration(
    probs: np.ndarray, references: Sequence[str], *, fitted_on: str | Path
) -> Calibration:
    """Fit a temperature, then a contradiction threshold on the scaled probabilities.

    Args:
        probs (np.ndarray): ``(n, 3)`` uncalibrated dev probabilities.
        references (Sequence[str]): Dev gold labels.
        fitted_on (str | Path): The dev file (its name and hash are recorded).

    Returns:
        Calibration: Temperature, threshold, and dev ECE/NLL before and after.
    """
    probs = np.asarray(probs, dtype=np.float64)
    references = list(references)
    temperature = fit_temperature(probs, references)
    scaled = apply_temperature(probs, temperature)
    positives = np.array([ref == "contradiction" for ref in references])
    threshold = fit_threshold(scaled[:, 0], positives)
    return Calibration(
        temperature=temperature,
        threshold=threshold,
        fitted_on={"file": Path(fitted_on).name, "sha256": sha256_file(fitted_on)},
        n=len(references),
        ece_before=expected_calibration_error(*top_label_confidence(probs, references)),
        ece_after=expected_calibration_error(*top_label_confidence(scaled, references)),
        nll_before=negative_log_likelihood(probs, references),
        nll_after=negative_log_likelihood(scaled, references),
        f1_at_threshold=float(f1_score(positives, scaled[:, 0] >= threshold)),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def write_calibration(model_dir: str | Path, calibration: Calibration) -> Path:
    """Write ``calibration.json`` into a model directory (atomically); return its path."""
    path = Path(model_dir) / CALIBRATION_FILE
    write_json(path, calibration.as_dict())
    return path


def read_calibration(model_dir: str | Path) -> Calibration | None:
    """Read a model directory's ``calibration.json``; None when there is none.

    Raises:
        ValueError: When the file exists but is not a valid calibration.
    """
    path = Path(model_dir) / CALIBRATION_FILE
    if not path.is_file():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        calibration = Calibration(
            temperature=float(raw["temperature"]),
            threshold=None if raw.get("threshold") is None else float(raw["threshold"]),
            fitted_on=dict(raw.get("fitted_on") or {}),
            n=int(raw.get("n", 0)),
            ece_before=float(raw.get("ece_before", math.nan)),
            ece_after=float(raw.get("ece_after", math.nan)),
            nll_before=float(raw.get("nll_before", math.nan)),
            nll_after=float(raw.get("nll_after", math.nan)),
            f1_at_threshold=float(raw.get("f1_at_threshold", math.nan)),
            created=str(raw.get("created", "")),
        )
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path}: not a valid calibration file ({error})") from error
    if not calibration.temperature > 0 or not math.isfinite(calibration.temperature):
        raise ValueError(f"{path}: temperature must be positive, got {calibration.temperature}")
    if calibration.threshold is not None and not 0.0 <= calibration.threshold <= 1.0:
        raise ValueError(f"{path}: threshold must be in [0, 1], got {calibration.threshold}")
    return calibration
