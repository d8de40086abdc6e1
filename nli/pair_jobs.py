"""The pair-level jobs: ``nli pairs``, ``nli eval`` and ``nli calibrate``.

Each takes a frozen :class:`~nli.config.ScoringConfig` and plain paths, returns a result
object and leaves printing and exit codes to :mod:`nli.cli`. :func:`load_scorer` and
:func:`write_errors` are shared with the article jobs in :mod:`nli.runs`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from nli import __version__
from nli.calibration import Calibration, fit_calibration, write_calibration
from nli.config import ArticleConfig, RunCounts, ScoringConfig, decision_threshold
from nli.evaluate import (
    bootstrap_intervals,
    compute_metrics,
    confusion,
    decide_labels,
    ece_if_calibrated,
    expected_calibration_error,
    match_findings,
    pipeline_quality,
    probs_matrix,
    read_gold_articles,
    top_label_confidence,
)
from nli.findings import _batched, score_article_batch
from nli.io import errors_path as errors_file_of
from nli.io import output_format, read_pairs, write_records
from nli.labels import FINDING_THRESHOLD_FILE, run_priority_threshold
from nli.model import ContradictionScorer, resolve_model_path
from nli.prefetch import find_batch_claims
from nli.types import ErrorRecord, PairRecord, PairScore

logger = logging.getLogger(__name__)


@dataclass
class PairsResult:
    """What a scoring run did."""

    scored: list[tuple[PairRecord, PairScore]] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    seconds: float = 0.0

    def probs(self) -> np.ndarray:
        """The scored pairs' uncalibrated probabilities, ``(n, 3)`` in label order."""
        return probs_matrix(score.probs for _, score in self.scored)


def write_errors(path: Path, errors: Sequence[ErrorRecord]) -> None:
    """Write the records that failed to ``path`` (JSONL).

    With no errors there is no file: one left by an earlier run of the same output
    (``--force``) is removed, so what is on disk always belongs to this run.
    """
    if errors:
        write_records(path, (error.as_dict() for error in errors))
    else:
        path.unlink(missing_ok=True)


def load_scorer(config: ScoringConfig, *, use_calibration: bool = True) -> ContradictionScorer:
    """Build the scorer a config describes (see :class:`ContradictionScorer`)."""
    return ContradictionScorer(
        config.model,
        precision=config.precision,  # type: ignore[arg-type]
        max_length=config.max_length,
        batch_size=config.batch_size,
        use_calibration=use_calibration,
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
    record: PairRecord, score: PairScore, *, calibrated: float, label: str, model: str
) -> dict[str, Any]:
    """The output row of ``nli pairs``: the input fields plus the verdict.

    ``probs`` and ``score`` are the model's raw probabilities; ``calibrated`` is the
    contradiction probability after the model's calibration, on which ``label`` was
    decided (:func:`calibrated_decision`).
    """
    row: dict[str, Any] = {"id": record.id, "statement": record.statement, "report": record.report}
    if record.label is not None:
        row["gold_label"] = record.label
    row.update(record.extra)
    row.update(
        {
            "probs": score.probs.as_dict(),
            "score": score.score,
            "calibrated": calibrated,
            "label": label,
            "direction": score.direction,
            "window": score.window,
            "n_windows": score.n_windows,
            "model": model,
            "version": __version__,
        }
    )
    return row


def calibrated_decision(
    raw_probs: np.ndarray, scorer: ContradictionScorer, config: ScoringConfig
) -> tuple[np.ndarray, float | None]:
    """The calibrated probabilities of scored pairs and the threshold that labels them.

    ``nli pairs`` and ``nli eval`` both decide here, so a pair gets the same label from
    each. The probabilities get the model's temperature (:meth:`ContradictionScorer.
    calibrated_probs`); the threshold is ``config.threshold`` when set, else the one
    fitted by ``nli calibrate``, else None (argmax; see :func:`nli.evaluate.decide_labels`).

    Returns:
        tuple: ``(n, 3)`` calibrated probabilities and the threshold.
    """
    probs = scorer.calibrated_probs(raw_probs)
    threshold = config.threshold if config.threshold is not None else scorer.decision_threshold
    return probs, threshold


def run_pairs(
    input_path: Path,
    output_path: Path,
    config: ScoringConfig,
    *,
    errors_path: Path | None = None,
    scorer: ContradictionScorer | None = None,
) -> PairsResult:
    """Score a pair file and write the results (``nli pairs``).

    Each pair is labelled as ``nli eval`` labels it: on the calibrated probabilities,
    with ``config.threshold`` or the model's fitted one (:func:`calibrated_decision`).

    Args:
        input_path (Path): JSONL/CSV/Parquet with ``statement`` and ``report``.
        output_path (Path): Where results go; format by suffix.
        config (ScoringConfig): Scoring options.
        errors_path (Path, optional): Where bad rows go. Defaults to
            ``OUTPUT.errors.jsonl`` beside the output; written only when there are
            errors (a stale one is removed).
        scorer (ContradictionScorer, optional): Reuse a loaded model.

    Returns:
        PairsResult: The scored pairs and errors.
    """
    output_format(output_path)  # refuses an output name it cannot write, before scoring
    records = list(read_pairs(input_path))
    scorer = scorer or load_scorer(config)
    result = score_records(scorer, records, config)
    probs, threshold = calibrated_decision(result.probs(), scorer, config)
    labels = decide_labels(probs, threshold=threshold)
    write_records(
        output_path,
        (
            scored_to_dict(
                record, score, calibrated=float(calibrated), label=label, model=config.model
            )
            for (record, score), calibrated, label in zip(
                result.scored, probs[:, 0], labels, strict=True
            )
        ),
    )
    write_errors(errors_path or errors_file_of(output_path), result.errors)
    logger.info(
        "Scored %d pairs in %.1fs (%d errors)",
        len(result.scored),
        result.seconds,
        len(result.errors),
    )
    return result


@dataclass
class EvalResult:
    """Metrics of a labelled run, plus rows that could not be used.

    Attributes:
        metrics (dict[str, float]): :func:`nli.evaluate.compute_metrics` of the
            (calibrated) probabilities, plus ``pairs_per_second`` and ``ece_raw`` (the
            top-label ECE before calibration).
        errors (list[ErrorRecord]): Rows that could not be scored.
        unlabelled (int): Rows without a gold label (left out).
        probs (np.ndarray): ``(n, 3)`` probabilities that were evaluated.
        references (list[str]): Gold labels aligned with ``probs``.
        confusion (list[list[int]]): Rows gold, columns predicted, in LABELS order.
        intervals (dict[str, tuple[float, float]]): Bootstrap confidence intervals.
        threshold (float | None): Contradiction threshold used (None: argmax).
        temperature (float): Calibration temperature applied (1.0: none).
        calibrated (bool): Whether the model directory had a ``calibration.json``.
        counts (dict[str, int]): Article mode: ``articles``, ``pairs_gold``,
            ``pairs_matched``, ``pairs_without_finding`` (not extracted, or not paired
            for lack of shared topic words; counted as neutral with score 0) and
            ``findings_without_gold``.
        quality (dict | None): Article mode: :class:`nli.evaluate.PipelineQuality` as a
            dict (pairing recall, end-to-end recall and precision at the tool's label,
            top-1, scored pairs per article, misses by cause).
    """

    metrics: dict[str, float]
    errors: list[ErrorRecord]
    unlabelled: int
    probs: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    references: list[str] = field(default_factory=list)
    confusion: list[list[int]] = field(default_factory=list)
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    threshold: float | None = None
    temperature: float = 1.0
    calibrated: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    quality: dict[str, Any] | None = None


def evaluate_scores(
    raw_probs: np.ndarray,
    references: Sequence[str],
    scorer: ContradictionScorer,
    config: ScoringConfig,
    *,
    n_resamples: int = 1000,
    seed: int = 0,
) -> EvalResult:
    """Calibrate raw probabilities with the scorer's calibration, then compute metrics.

    The threshold is ``config.threshold`` when set, else the one fitted by
    ``nli calibrate``, else None (argmax): :func:`calibrated_decision`.
    """
    probs, threshold = calibrated_decision(raw_probs, scorer, config)
    metrics = compute_metrics(probs, references, threshold=threshold)
    metrics["ece_raw"] = expected_calibration_error(*top_label_confidence(raw_probs, references))
    metrics["ece_floor"] = ece_if_calibrated(probs.max(axis=1), seed=seed)
    intervals = (
        bootstrap_intervals(
            probs, references, threshold=threshold, n_resamples=n_resamples, seed=seed
        )
        if n_resamples > 0
        else {}
    )
    return EvalResult(
        metrics=metrics,
        errors=[],
        unlabelled=0,
        probs=probs,
        references=list(references),
        confusion=confusion(probs, references, threshold=threshold),
        intervals=intervals,
        threshold=threshold,
        temperature=scorer.calibration.temperature if scorer.calibration else 1.0,
        calibrated=scorer.calibration is not None,
    )


def _labelled_records(input_path: Path) -> tuple[list[PairRecord | ErrorRecord], int]:
    """The labelled (and the unreadable) records of a pair file, and the unlabelled count."""
    records = list(read_pairs(input_path))
    labelled = [r for r in records if isinstance(r, ErrorRecord) or r.label is not None]
    if not any(isinstance(r, PairRecord) for r in labelled):
        raise ValueError(
            f"{input_path}: no labelled pairs (need a 'label' or 'contradiction' field)"
        )
    return labelled, len(records) - len(labelled)


def run_eval(
    input_path: Path,
    config: ScoringConfig,
    *,
    scorer: ContradictionScorer | None = None,
    n_resamples: int = 1000,
    seed: int = 0,
) -> EvalResult:
    """Score labelled pairs and compute metrics (``nli eval``).

    Args:
        input_path (Path): Labelled pairs (JSONL/CSV/Parquet).
        config (ScoringConfig): Scoring options; ``threshold`` overrides the calibrated one.
        scorer (ContradictionScorer, optional): Reuse a loaded model.
        n_resamples (int): Bootstrap resamples for the intervals; 0 skips them.
        seed (int): Bootstrap seed.

    Raises:
        ValueError: When no row carries a label.
    """
    labelled, unlabelled = _labelled_records(input_path)
    scorer = scorer or load_scorer(config)
    result = score_records(scorer, labelled, config)
    references = [str(record.label) for record, _ in result.scored]
    evaluation = evaluate_scores(
        result.probs(), references, scorer, config, n_resamples=n_resamples, seed=seed
    )
    evaluation.metrics["pairs_per_second"] = len(result.scored) / max(result.seconds, 1e-9)
    evaluation.errors = result.errors
    evaluation.unlabelled = unlabelled
    return evaluation


def run_eval_articles(
    input_path: Path,
    config: ScoringConfig,
    *,
    scorer: ContradictionScorer | None = None,
    article_config: ArticleConfig | None = None,
    n_resamples: int = 1000,
    seed: int = 0,
) -> EvalResult:
    """Run the article pipeline on labelled articles and score its pairs (``nli eval --articles``).

    Findings are matched to the gold pairs by span overlap
    (:func:`nli.evaluate.match_findings`). A gold pair with no finding (its claims
    were not extracted, or not paired) counts as predicted neutral with contradiction
    score 0, so the metrics are end to end. ``quality`` adds what the pipeline itself
    achieves (:func:`nli.evaluate.pipeline_quality`).

    Args:
        input_path (Path): Labelled articles: ``fixtures/articles.jsonl`` or the
            real-news format of ``fixtures/real/README.md``.
        config (ScoringConfig): Scoring options.
        scorer (ContradictionScorer, optional): Reuse a loaded model.
        article_config (ArticleConfig, optional): Finder, pairing and label options (its
            ``scoring`` is replaced by ``config``, and its ``threshold`` by
            ``config.threshold`` when that is set); defaults otherwise.
        n_resamples (int): Bootstrap resamples; 0 skips them.
        seed (int): Bootstrap seed.
    """
    gold = read_gold_articles(input_path)
    scorer = scorer or load_scorer(config)
    article_config = article_config or ArticleConfig()
    # a given threshold labels the pipeline's findings as well as the pair metrics
    article_config = replace(
        article_config,
        scoring=config,
        threshold=config.threshold if config.threshold is not None else article_config.threshold,
    )
    counts = RunCounts()
    findings: list[dict[str, Any]] = []
    errors: list[ErrorRecord] = []
    # What the pipeline found, for pipeline_quality: found once, scored from the same lists.
    claims: dict[str, list[dict[str, Any]]] = {}
    start = time.perf_counter()
    for batch in _batched((item.article for item in gold), article_config.articles_per_batch):
        ahead = find_batch_claims(batch, article_config)
        found, bad = score_article_batch(batch, scorer, article_config, counts, found_ahead=ahead)
        findings.extend(found)
        errors.extend(bad)
        for article, article_claims in zip(batch, ahead.claims, strict=True):
            # an article whose claims could not be found is an error and found none
            listed = [] if isinstance(article_claims, Exception) else article_claims
            claims[article.id] = [{"kind": c.kind, "span": c.span} for c in listed]
    seconds = time.perf_counter() - start
    match = match_findings(gold, findings)
    evaluation = evaluate_scores(
        match.probs, match.references, scorer, config, n_resamples=n_resamples, seed=seed
    )
    evaluation.metrics["pairs_per_second"] = counts.pairs / max(seconds, 1e-9)
    evaluation.errors = errors
    evaluation.counts = {
        "articles": len(gold),
        "pairs_gold": len(match.references),
        "pairs_matched": match.matched,
        "pairs_without_finding": match.missed,
        "findings_without_gold": match.unmatched_findings,
    }
    evaluation.quality = {
        **pipeline_quality(gold, findings, claims, pairs_scored=counts.pairs).as_dict(),
        # what the findings' labels were decided on (nli.labels; nli.findings.make_finding)
        "priority_threshold": run_priority_threshold(article_config, scorer),
        "label_threshold": decision_threshold(article_config, scorer),
    }
    return evaluation


@dataclass
class CalibrateResult:
    """What ``nli calibrate`` fitted and where it was written."""

    calibration: Calibration
    path: Path
    errors: list[ErrorRecord]


def run_calibrate(
    dev_path: Path, config: ScoringConfig, *, scorer: ContradictionScorer | None = None
) -> CalibrateResult:
    """Fit temperature and threshold on labelled dev pairs; write ``calibration.json``.

    The fit uses the raw probabilities, so re-calibrating a calibrated model starts
    from scratch. The file goes into the model directory, where
    :class:`~nli.model.ContradictionScorer` picks it up.

    Raises:
        ValueError: When the model is not a local directory or the file has no labels.
    """
    model_dir = Path(resolve_model_path(config.model))
    if not model_dir.is_dir():
        raise ValueError(f"{config.model}: calibration needs a local model directory")
    labelled, _ = _labelled_records(dev_path)
    # The old calibration.json is not read: it is being replaced, and may be broken.
    scorer = scorer or load_scorer(config, use_calibration=False)
    result = score_records(scorer, labelled, config)
    references = [str(record.label) for record, _ in result.scored]
    calibration = fit_calibration(result.probs(), references, fitted_on=dev_path)
    path = write_calibration(model_dir, calibration)
    if (model_dir / FINDING_THRESHOLD_FILE).is_file():
        logger.warning(
            "%s was fitted with the previous calibration and is now stale: ranked findings "
            "are labelled by the calibrated score until scripts/fit_finding_threshold.py "
            "refits it",
            model_dir / FINDING_THRESHOLD_FILE,
        )
    return CalibrateResult(calibration, path, result.errors)
