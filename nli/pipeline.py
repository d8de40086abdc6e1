"""The functions the CLI calls: score pair files and evaluate labelled pairs.

Everything here takes a frozen config and plain paths, returns a result object and
leaves printing and exit codes to :mod:`nli.cli`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nli import __version__
from nli.evaluate import compute_metrics, decide_labels
from nli.io import read_pairs, write_records
from nli.model import ContradictionScorer
from nli.types import ErrorRecord, PairRecord, PairScore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoringConfig:
    """Options shared by ``nli pairs`` and ``nli eval``.

    Attributes:
        model (str): ``"default"``, a local model directory or a hub id.
        batch_size (int): Pairs per forward pass.
        precision (str): ``"auto"``, ``"bf16"`` or ``"fp32"``.
        max_length (int | None): Token limit per input; longer reports are windowed.
        both_directions (bool): Also score statement -> report.
        threshold (float | None): Contradiction decision threshold (None: argmax).
        show_progress_bar (bool | None): Progress bar over batches.
    """

    model: str = "default"
    batch_size: int = 64
    precision: str = "auto"
    max_length: int | None = None
    both_directions: bool = True
    threshold: float | None = None
    show_progress_bar: bool | None = None


@dataclass
class PairsResult:
    """What a scoring run did."""

    scored: list[tuple[PairRecord, PairScore]] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    seconds: float = 0.0


def load_scorer(config: ScoringConfig) -> ContradictionScorer:
    """Build the scorer a config describes."""
    return ContradictionScorer(
        config.model,
        precision=config.precision,  # type: ignore[arg-type]
        max_length=config.max_length,
        batch_size=config.batch_size,
    )


def score_records(
    scorer: ContradictionScorer,
    records: Iterable[PairRecord | ErrorRecord],
    config: ScoringConfig,
) -> PairsResult:
    """Score every good record; collect the bad ones.

    Args:
        scorer (ContradictionScorer): The model.
        records (Iterable): Output of :func:`nli.io.read_pairs`.
        config (ScoringConfig): Batch size, directions, progress bar.

    Returns:
        PairsResult: Scored pairs in input order, and the error records.
    """
    start = time.perf_counter()
    result = PairsResult()
    good: list[PairRecord] = []
    for record in records:
        if isinstance(record, ErrorRecord):
            logger.warning("%s:%s: %s", record.source, record.line, record.message)
            result.errors.append(record)
        else:
            good.append(record)
    scores = scorer.score_pairs(
        [r.statement for r in good],
        [r.report for r in good],
        both_directions=config.both_directions,
        batch_size=config.batch_size,
        show_progress_bar=config.show_progress_bar,
    )
    result.scored = list(zip(good, scores, strict=True))
    result.seconds = time.perf_counter() - start
    return result


def scored_to_dict(
    record: PairRecord, score: PairScore, *, label: str, model: str
) -> dict[str, Any]:
    """The output row of ``nli pairs``: the input fields plus the verdict."""
    row: dict[str, Any] = {"id": record.id, "statement": record.statement, "report": record.report}
    if record.label is not None:
        row["gold_label"] = record.label
    row.update(record.extra)
    row.update(
        {
            "probs": score.probs.as_dict(),
            "score": score.score,
            "label": label,
            "direction": score.direction,
            "window": score.window,
            "n_windows": score.n_windows,
            "model": model,
            "version": __version__,
        }
    )
    return row


def _probs_array(result: PairsResult) -> np.ndarray:
    rows = [[s.probs.contradiction, s.probs.neutral, s.probs.entailment] for _, s in result.scored]
    return np.asarray(rows, dtype=np.float64).reshape(-1, 3)


def run_pairs(
    input_path: Path,
    output_path: Path,
    config: ScoringConfig,
    *,
    errors_path: Path | None = None,
    scorer: ContradictionScorer | None = None,
) -> PairsResult:
    """Score a pair file and write the results (``nli pairs``).

    Args:
        input_path (Path): JSONL/CSV/Parquet with ``statement`` and ``report``.
        output_path (Path): Where results go; format by suffix.
        config (ScoringConfig): Scoring options.
        errors_path (Path, optional): Where bad rows go. Defaults to
            ``errors.jsonl`` beside the output; written only when there are errors.
        scorer (ContradictionScorer, optional): Reuse a loaded model.

    Returns:
        PairsResult: The scored pairs and errors.
    """
    records = list(read_pairs(input_path))
    scorer = scorer or load_scorer(config)
    result = score_records(scorer, records, config)
    labels = decide_labels(_probs_array(result), threshold=config.threshold)
    write_records(
        output_path,
        (
            scored_to_dict(record, score, label=label, model=config.model)
            for (record, score), label in zip(result.scored, labels, strict=True)
        ),
    )
    if result.errors:
        errors_path = errors_path or output_path.with_name("errors.jsonl")
        write_records(errors_path, (error.as_dict() for error in result.errors))
    logger.info(
        "Scored %d pairs in %.1fs (%d errors)",
        len(result.scored),
        result.seconds,
        len(result.errors),
    )
    return result


@dataclass
class EvalResult:
    """Metrics of a labelled run, plus rows that could not be used."""

    metrics: dict[str, float]
    errors: list[ErrorRecord]
    unlabelled: int


def run_eval(
    input_path: Path, config: ScoringConfig, *, scorer: ContradictionScorer | None = None
) -> EvalResult:
    """Score labelled pairs and compute metrics (``nli eval``).

    Raises:
        ValueError: When no row carries a label.
    """
    records = list(read_pairs(input_path))
    labelled = [r for r in records if isinstance(r, ErrorRecord) or r.label is not None]
    unlabelled = len(records) - len(labelled)
    if not any(isinstance(r, PairRecord) for r in labelled):
        raise ValueError(
            f"{input_path}: no labelled pairs (need a 'label' or 'contradiction' field)"
        )
    scorer = scorer or load_scorer(config)
    result = score_records(scorer, labelled, config)
    references = [str(record.label) for record, _ in result.scored]
    metrics = compute_metrics(
        _probs_array(result),
        references,
        threshold=config.threshold,
    )
    metrics["pairs_per_second"] = len(result.scored) / max(result.seconds, 1e-9)
    return EvalResult(metrics, result.errors, unlabelled)
