"""The threshold on ``priority`` at which a ranked finding is labelled a contradiction.

A finding of ranked pairing has a ``priority``: its calibrated score times the pair ranker's
probability that the two claims are a denial and the report it answers
(:func:`ranked_priority`). On the real-news dev half, priority tells gold contradictions from
the other gold pairs the model is handed better than the calibrated score alone (ROC-AUC 0.715
against 0.684 with the ranker's probabilities taken out of fold, measured with its square root,
the rule before), so a model directory may hold ``finding_threshold.json``, fitted by
``scripts/fit_finding_threshold.py``: ranked findings are then labelled ``"contradiction"``
when their priority reaches it. The file names the ranker and the calibration it was fitted
with (SHA-256 of ``nli/pair_ranker.json`` and of the model's ``calibration.json``) and the
priority rule (:data:`PRIORITY_RULE`); when any has changed since, it is stale and findings
are labelled by the calibrated score, with a warning. The model reads the file with its
calibration, when it is loaded, so a run labels by one rule throughout.
``--priority-threshold`` replaces the fitted threshold; a ``--threshold`` given without it
labels by the calibrated score, as do findings without a ranker probability (``--pairing
retrieval`` or ``topics``, cross-article pairs) always.

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "calibration.json").write_text("{}")
    >>> record = FindingThreshold(0.08, sha256_file(DEFAULT_RANKER_PATH),
    ...                           sha256_file(folder / "calibration.json"))
    >>> _ = write_finding_threshold(folder, record)
    >>> priority_threshold(folder)
    0.08
    >>> _ = (folder / "calibration.json").write_text('{"temperature": 2.0}')  # recalibrated
    >>> priority_threshold(folder) is None
    True
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nli.config import ArticleConfig
from nli.io import sha256_file, write_json
from nli.ranking import DEFAULT_RANKER_PATH

logger = logging.getLogger(__name__)

#: The file in a model directory.
FINDING_THRESHOLD_FILE = "finding_threshold.json"
#: How a ranked finding's priority is made, as a threshold file records it: a threshold
#: fitted on another rule (files without the field were fitted on the square root of the
#: probability, the rule until the seventeenth session) is stale.
PRIORITY_RULE = "calibrated x pair_probability"
_EARLIER_RULE = "calibrated x sqrt(pair_probability)"


def ranked_priority(calibrated: float, pair_probability: float | None) -> float:
    """A finding's ``priority``: its calibrated contradiction score times the pair ranker's
    probability (the score alone without one).

    Example:
        >>> ranked_priority(0.5, 0.64), ranked_priority(0.5, None)
        (0.32, 0.5)
    """
    return calibrated if pair_probability is None else calibrated * pair_probability


@dataclass(frozen=True)
class FindingThreshold:
    """What ``scripts/fit_finding_threshold.py`` fitted, as ``finding_threshold.json`` holds it.

    Attributes:
        priority_threshold (float): Lowest priority of a finding labelled contradiction.
        ranker_sha256 (str): SHA-256 of the pair ranker file it was fitted with.
        calibration_sha256 (str): SHA-256 of the model's ``calibration.json`` then.
        fitted (dict): How it was fitted (command, data, measured recall and precision).
        priority (str): The priority rule it was fitted on (:data:`PRIORITY_RULE`).
    """

    priority_threshold: float
    ranker_sha256: str
    calibration_sha256: str
    fitted: dict[str, Any] = field(default_factory=dict)
    priority: str = PRIORITY_RULE

    def __post_init__(self) -> None:
        if not 0.0 <= self.priority_threshold <= 1.0:
            raise ValueError(f"priority_threshold must be in [0, 1], got {self.priority_threshold}")


def write_finding_threshold(model_dir: str | Path, record: FindingThreshold) -> Path:
    """Write ``finding_threshold.json`` into a model directory (atomically); its path."""
    path = Path(model_dir) / FINDING_THRESHOLD_FILE
    write_json(path, asdict(record))
    return path


def read_finding_threshold(model_dir: str | Path) -> FindingThreshold | None:
    """A model directory's ``finding_threshold.json``; None when it has none.

    Raises:
        ValueError: When the file is not a finding threshold.
    """
    path = Path(model_dir) / FINDING_THRESHOLD_FILE
    if not path.is_file():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return FindingThreshold(
            priority_threshold=float(raw["priority_threshold"]),
            ranker_sha256=str(raw["ranker_sha256"]),
            calibration_sha256=str(raw["calibration_sha256"]),
            fitted=dict(raw.get("fitted", {})),
            priority=str(raw.get("priority", _EARLIER_RULE)),
        )
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path}: not a finding threshold ({error})") from error


def priority_threshold(
    model_dir: str | Path, ranker_path: str | Path = DEFAULT_RANKER_PATH
) -> float | None:
    """The priority threshold of a model directory, or None: when it has none, or when it
    is stale (the ranker or the calibration changed since it was fitted; a warning says so).

    :class:`~nli.model.ContradictionScorer` calls it once, when it reads the model's
    calibration (``scorer.finding_threshold``), so a run labels by one rule throughout and
    with the calibration it scores with.
    """
    folder = Path(model_dir)
    record = read_finding_threshold(folder)
    if record is None:
        return None
    calibration = folder / "calibration.json"
    stale = []
    if record.ranker_sha256 != sha256_file(ranker_path):
        stale.append(f"the pair ranker {ranker_path}")
    if not calibration.is_file() or record.calibration_sha256 != sha256_file(calibration):
        stale.append(f"the calibration {calibration}")
    if record.priority != PRIORITY_RULE:
        stale.append(f"the priority rule ({record.priority}, now {PRIORITY_RULE})")
    if stale:
        logger.warning(
            "%s was fitted with another version of %s: findings are labelled by the "
            "calibrated score; run scripts/fit_finding_threshold.py to refit it",
            folder / FINDING_THRESHOLD_FILE,
            " and ".join(stale),
        )
        return None
    return record.priority_threshold


def run_priority_threshold(config: ArticleConfig, scorer: object) -> float | None:
    """The priority threshold a run labels its ranked findings with, or None (labels by the
    calibrated score). With ranked pairing: ``config.priority_threshold`` when given; else,
    when no ``threshold`` is given either, the scorer's ``finding_threshold`` (its model
    directory's, read with its calibration: :func:`priority_threshold`)."""
    if config.pairing != "ranked":
        return None
    if config.priority_threshold is not None:
        return config.priority_threshold
    if config.threshold is not None:
        return None
    fitted = getattr(scorer, "finding_threshold", None)
    return float(fitted) if fitted is not None else None
