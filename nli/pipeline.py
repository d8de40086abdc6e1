"""The functions the CLI calls: score pair files, evaluate labelled pairs, score articles.

Everything here takes a frozen config and plain paths, returns a result object and
leaves printing and exit codes to :mod:`nli.cli`.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import platform
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import numpy as np
from tqdm.auto import tqdm

from nli import __version__
from nli.attribution import find_claims
from nli.calibration import Calibration, fit_calibration, write_calibration
from nli.clean import clean_text
from nli.evaluate import (
    bootstrap_intervals,
    compute_metrics,
    confusion,
    decide_labels,
    ece_if_calibrated,
    expected_calibration_error,
    match_findings,
    read_gold_articles,
    top_label_confidence,
)
from nli.io import (
    InputError,
    convert_jsonl,
    count_article_files,
    fsync_handle,
    fsync_path,
    input_fingerprint,
    iter_jsonl_objects,
    output_format,
    read_articles,
    read_pairs,
    sha256_file,
    truncate_file,
    write_json,
    write_records,
)
from nli.model import ContradictionScorer, Target, resolve_model_path
from nli.pairing import ClaimTopics, claim_topics, content_words, pair_claims, pair_topics
from nli.segment import split_sentences
from nli.types import Article, Claim, ErrorRecord, PairRecord, PairScore, Probs

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


def write_errors(path: Path, errors: Sequence[ErrorRecord]) -> None:
    """Write the records that failed to ``path`` (JSONL); nothing when there are none."""
    if errors:
        write_records(path, (error.as_dict() for error in errors))


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
    output_format(output_path)  # refuses an output name it cannot write, before scoring
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
    write_errors(errors_path or output_path.with_name("errors.jsonl"), result.errors)
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
    ``nli calibrate``, else None (argmax).
    """
    probs = scorer.calibrated_probs(raw_probs)
    threshold = config.threshold if config.threshold is not None else scorer.decision_threshold
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
        _probs_array(result), references, scorer, config, n_resamples=n_resamples, seed=seed
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
    n_resamples: int = 1000,
    seed: int = 0,
) -> EvalResult:
    """Run the article pipeline on labelled articles and score its pairs (``nli eval --articles``).

    Findings are matched to the gold pairs by span overlap
    (:func:`nli.evaluate.match_findings`). A gold pair with no finding (its claims
    were not extracted, or not paired for lack of shared topic words) counts as
    predicted neutral with contradiction score 0, so the metrics are end to end.

    Args:
        input_path (Path): Labelled articles in the ``fixtures/articles.jsonl`` format.
        config (ScoringConfig): Scoring options.
        scorer (ContradictionScorer, optional): Reuse a loaded model.
        n_resamples (int): Bootstrap resamples; 0 skips them.
        seed (int): Bootstrap seed.
    """
    gold = read_gold_articles(input_path)
    scorer = scorer or load_scorer(config)
    article_config = ArticleConfig(scoring=config)
    counts = RunCounts()
    findings: list[dict[str, Any]] = []
    errors: list[ErrorRecord] = []
    start = time.perf_counter()
    for batch in _batched((item.article for item in gold), article_config.articles_per_batch):
        found, bad = score_article_batch(batch, scorer, article_config, counts)
        findings.extend(found)
        errors.extend(bad)
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
    calibration = fit_calibration(_probs_array(result), references, fitted_on=dev_path)
    path = write_calibration(model_dir, calibration)
    return CalibrateResult(calibration, path, result.errors)


# --------------------------------------------------------------------------- articles


@dataclass(frozen=True)
class ArticleConfig:
    """Options of ``nli score`` / ``nli extract`` beyond the model's.

    Attributes:
        scoring (ScoringConfig): Model options.
        text_field (str): Article text field in tabular inputs.
        id_field (str): Article id field in tabular inputs.
        min_overlap (int): Shared content words a statement and report need to be paired.
        min_score (float | None): Write only findings scoring at least this (None: all).
        threshold (float | None): Calibrated score at which a finding is labelled
            ``"contradiction"``; None uses the threshold ``nli calibrate`` fitted for the
            model, else :data:`DEFAULT_THRESHOLD`.
        articles_per_batch (int): Articles whose pairs go to the model together; also
            how often ``nli score`` checkpoints.
        max_article_chars (int): Longer articles are not processed and get an error
            row (sentence splitting slows down sharply on huge texts).
        max_pairs_per_article (int): An article with more statement/report pairs keeps
            those sharing the most topic words; the rest are counted as dropped. With
            ``cross_article``, the same limit applies to its cross-article pairs.
        cross_article (bool): Also pair each article's statements with the reports of
            the other articles about the same event (see :func:`cross_article_pairs`).
        event_field (str | None): With ``cross_article``: the field of a table input
            naming each article's event; articles with the same value are about one
            event, articles without one are paired with no other. None: the whole
            collection is about one event.
    """

    scoring: ScoringConfig = field(default_factory=ScoringConfig)
    text_field: str = "text"
    id_field: str = "id"
    min_overlap: int = 1
    min_score: float | None = None
    threshold: float | None = None
    articles_per_batch: int = 32
    max_article_chars: int = 200_000
    max_pairs_per_article: int = 1_000
    cross_article: bool = False
    event_field: str | None = None

    def __post_init__(self) -> None:
        for name in ("articles_per_batch", "max_article_chars", "max_pairs_per_article"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.event_field is not None and not self.cross_article:
            raise ValueError("event_field needs cross_article")
        if self.event_field in (self.text_field, self.id_field):
            raise ValueError(
                f"event_field {self.event_field!r} is the text or id field; name the field "
                "that says which event an article is about"
            )


#: Contradiction threshold of an uncalibrated model when none is given.
DEFAULT_THRESHOLD = 0.5


def decision_threshold(config: ArticleConfig, scorer: ContradictionScorer) -> float:
    """The threshold findings are labelled with: the given one, the calibrated one, or 0.5."""
    if config.threshold is not None:
        return config.threshold
    fitted = scorer.decision_threshold
    return fitted if fitted is not None else DEFAULT_THRESHOLD


@dataclass
class RunCounts:
    """Accounting of a run: ``read = scored + skipped + errored``.

    Attributes:
        read (int): Records read: articles, plus files or rows that could not be read.
        scored (int): Articles with at least one statement/report pair sent to the
            model (``nli extract``: articles with at least one claim).
        skipped (int): Articles read without trouble that had nothing to score: empty
            (see ``empty``), or no statement/report pair (no claim).
        errored (int): Records written to ``errors.jsonl``: unreadable files or rows,
            duplicate ids, texts longer than ``max_article_chars``, failed articles.
        empty (int): Of ``skipped``, articles whose text is empty or only whitespace.
        claims (int): Statements and reports found.
        pairs (int): Statement/report pairs scored.
        pairs_dropped (int): Pairs beyond ``max_pairs_per_article``, not scored.
        cross_article_pairs (int): Of ``pairs``, those of a statement and a report
            from two articles of one event (``cross_article``).
        findings_written (int): Rows written to the output (after ``min_score``).
    """

    read: int = 0
    scored: int = 0
    skipped: int = 0
    errored: int = 0
    empty: int = 0
    claims: int = 0
    pairs: int = 0
    pairs_dropped: int = 0
    cross_article_pairs: int = 0
    findings_written: int = 0


def extract_claims(article: Article) -> list[Claim]:
    """Clean, segment and attribute one article: its statements and reports.

    Offsets in the returned claims point into ``article.text`` as given.
    """
    ranges = clean_text(article.text)
    sentences = split_sentences(article.text, ranges)
    return find_claims(sentences)


def claim_to_dict(claim: Claim) -> dict[str, Any]:
    """A claim as written to outputs (``speaker`` is called ``source`` for reports)."""
    who = "speaker" if claim.kind == "statement" else "source"
    return {
        "text": claim.text,
        who: claim.speaker,
        "cue": claim.cue,
        "content": claim.content,
        "polarity": claim.polarity,
        "span": list(claim.span),
    }


def finding_label(probs: Probs, polarity: str, *, threshold: float) -> str:
    """The verdict of a finding on the official's position.

    For a direct assertion (``+``) the NLI label carries over. For a reported denial
    (``-``: the hypothesis is the denied proposition) the report entailing it
    contradicts the official, and the report contradicting it confirms the denial.

    Example:
        >>> finding_label(Probs(0.1, 0.1, 0.8), "-", threshold=0.5)
        'contradiction'
        >>> finding_label(Probs(0.7, 0.2, 0.1), "-", threshold=0.5)
        'entailment'
    """
    if polarity == "+":
        score, agree = probs.contradiction, probs.entailment
    elif polarity == "-":
        score, agree = probs.entailment, probs.contradiction
    else:
        raise ValueError(f"polarity must be '+' or '-', got {polarity!r}")
    if score >= threshold:
        return "contradiction"
    return "entailment" if agree > probs.neutral else "neutral"


ClaimPair = tuple[Claim, Claim]


def strongest_pairs(pairs: Sequence[ClaimPair], limit: int) -> list[ClaimPair]:
    """The ``limit`` pairs sharing the most topic words, in their original order.

    Example:
        >>> s = Claim("statement", "s", "troops in Syria", "X", "said", "+", (0, 1))
        >>> r1 = Claim("report", "r", "troops arrived", "Y", "said", "+", (2, 3))
        >>> r2 = Claim("report", "r", "troops arrived in Syria", "Y", "said", "+", (4, 5))
        >>> [r.span for _, r in strongest_pairs([(s, r1), (s, r2)], 1)]
        [(4, 5)]
    """
    if len(pairs) <= limit:
        return list(pairs)

    def overlap(pair: ClaimPair) -> int:
        return len(content_words(pair[0].content) & content_words(pair[1].content))

    ranked = sorted(range(len(pairs)), key=lambda i: -overlap(pairs[i]))  # stable: ties in order
    return [pairs[i] for i in sorted(ranked[:limit])]


def _error_for(article: Article, message: str) -> ErrorRecord:
    return ErrorRecord(article.source or "", None, article.id, message)


def article_claims(article: Article, config: ArticleConfig, counts: RunCounts) -> list[Claim]:
    """The claims of one article, within the config's limits; counts empty articles.

    Raises:
        ValueError: When the article is longer than ``config.max_article_chars``.
    """
    if not article.text.strip():
        counts.empty += 1
        return []
    if len(article.text) > config.max_article_chars:
        raise ValueError(
            f"article has {len(article.text):,} characters, more than max_article_chars="
            f"{config.max_article_chars:,}; not processed (raise --max-chars to include it)"
        )
    claims = extract_claims(article)
    counts.claims += len(claims)
    return claims


def article_pairs(article: Article, config: ArticleConfig, counts: RunCounts) -> list[ClaimPair]:
    """Clean, segment, attribute and pair one article, applying the config's limits.

    Counts claims, empty articles and dropped pairs in ``counts``.

    Returns:
        list: The article's (statement, report) pairs; empty when it has none.

    Raises:
        ValueError: When the article is longer than ``config.max_article_chars``.
    """
    claims = article_claims(article, config, counts)
    pairs = pair_claims(claims, min_overlap=config.min_overlap)
    if len(pairs) > config.max_pairs_per_article:
        logger.warning(
            "article %s: %d pairs, kept the %d sharing most topic words (max_pairs_per_article)",
            article.id,
            len(pairs),
            config.max_pairs_per_article,
        )
        counts.pairs_dropped += len(pairs) - config.max_pairs_per_article
        pairs = strongest_pairs(pairs, config.max_pairs_per_article)
    return pairs


def _score_claim_pairs(
    pairs: Sequence[ClaimPair], scorer: ContradictionScorer, config: ArticleConfig
) -> list[PairScore]:
    return scorer.score_pairs(
        [statement.content for statement, _ in pairs],
        [report.content for _, report in pairs],
        targets=["entailment" if s.polarity == "-" else "contradiction" for s, _ in pairs],
        both_directions=config.scoring.both_directions,
        batch_size=config.scoring.batch_size,
        show_progress_bar=False,
    )


def _score_articles(
    prepared: Sequence[tuple[Article, list[ClaimPair]]],
    scorer: ContradictionScorer,
    config: ArticleConfig,
) -> list[list[PairScore] | ErrorRecord]:
    """Scores of each article's pairs: all in one model call, one by one if that fails."""
    flat = [pair for _, pairs in prepared for pair in pairs]
    try:
        scores = _score_claim_pairs(flat, scorer, config)
    except Exception as error:  # find the article that broke the batch, keep the others
        if len(prepared) == 1:
            return [_error_for(prepared[0][0], f"scoring failed: {error!r}")]
        logger.warning("scoring a batch failed (%r); scoring its articles one by one", error)
        return [_score_articles([item], scorer, config)[0] for item in prepared]
    out: list[list[PairScore] | ErrorRecord] = []
    start = 0
    for _, pairs in prepared:
        out.append(scores[start : start + len(pairs)])
        start += len(pairs)
    return out


def make_finding(
    article: Article,
    statement: Claim,
    report: Claim,
    scored: PairScore,
    scorer: ContradictionScorer,
    config: ArticleConfig,
    *,
    report_article_id: str | None = None,
) -> dict[str, Any]:
    """One finding in the documented output schema.

    ``report_article_id`` is the article the report comes from (its span points into
    that article's text); it defaults to ``article.id``, the statement's article.

    ``calibrated`` is the score after the model's temperature scaling, and ``label``
    is decided on the calibrated probabilities with :func:`decision_threshold`, as
    ``nli eval`` decides.
    """
    target: Target = "entailment" if statement.polarity == "-" else "contradiction"
    calibrated = scorer.calibrate(scored.probs)
    return {
        "article_id": article.id,
        "report_article_id": report_article_id or article.id,
        "statement": claim_to_dict(statement),
        "report": claim_to_dict(report),
        "normalised": {
            "premise": report.content,
            "hypothesis": statement.content,
            "polarity": statement.polarity,
        },
        "probs": scored.probs.as_dict(),
        "score": scored.score,
        "calibrated": getattr(calibrated, target),
        "label": finding_label(
            calibrated, statement.polarity, threshold=decision_threshold(config, scorer)
        ),
        "direction": scored.direction,
        "window": scored.window,
        "model": config.scoring.model,
        "version": __version__,
    }


def score_article_batch(
    articles: Sequence[Article],
    scorer: ContradictionScorer,
    config: ArticleConfig,
    counts: RunCounts,
) -> tuple[list[dict[str, Any]], list[ErrorRecord]]:
    """Find and score the denial/report pairs of a batch of articles.

    All pairs of the batch go to the model in one call, so batches stay full. A
    failure in one article (extraction, or the model on its pairs) is recorded as an
    error and the others go on. Every article is counted as read and as exactly one
    of scored, skipped or errored.

    Returns:
        tuple: The findings (dicts in the documented schema, in article order and per
        article sorted by score, highest first; ``config.min_score`` applied) and the
        per-article errors.
    """
    errors: list[ErrorRecord] = []
    prepared: list[tuple[Article, list[ClaimPair]]] = []
    for article in articles:
        counts.read += 1
        try:
            pairs = article_pairs(article, config, counts)
        except Exception as error:  # one bad article must not end the run
            message = str(error) if isinstance(error, ValueError) else f"failed: {error!r}"
            errors.append(_error_for(article, message))
            counts.errored += 1
            continue
        if pairs:
            prepared.append((article, pairs))
        else:
            counts.skipped += 1
    findings: list[dict[str, Any]] = []
    for (article, pairs), outcome in zip(
        prepared, _score_articles(prepared, scorer, config), strict=True
    ):
        if isinstance(outcome, ErrorRecord):
            errors.append(outcome)
            counts.errored += 1
            continue
        counts.scored += 1
        counts.pairs += len(pairs)
        made = [
            make_finding(article, statement, report, scored, scorer, config)
            for (statement, report), scored in zip(pairs, outcome, strict=True)
            if config.min_score is None or scored.score >= config.min_score
        ]
        # Calibrated scores rank: raw probabilities of an over-confident model are not
        # comparable between a contradiction target and an entailment target.
        findings.extend(sorted(made, key=lambda row: (-row["calibrated"], -row["score"])))
    for bad in errors:
        logger.warning("article %s: %s", bad.id, bad.message)
    return findings, errors


def score_record_batch(
    records: Sequence[Article | ErrorRecord],
    scorer: ContradictionScorer,
    config: ArticleConfig,
    counts: RunCounts,
    *,
    source: str,
) -> tuple[list[dict[str, Any]], list[ErrorRecord]]:
    """Score a batch of what :func:`nli.io.read_articles` yields (articles and errors).

    Returns:
        tuple: The findings and the errors (unreadable records first, then articles
        that failed), each error naming ``source`` when it names no file itself.
    """
    articles = [record for record in records if isinstance(record, Article)]
    unreadable = [record for record in records if isinstance(record, ErrorRecord)]
    for error in unreadable:
        logger.warning("%s:%s: %s", error.source, error.line or "", error.message)
    counts.read += len(unreadable)
    counts.errored += len(unreadable)
    found, failed = score_article_batch(articles, scorer, config, counts)
    failed = [error if error.source else replace(error, source=source) for error in failed]
    return found, unreadable + failed


CrossPair = tuple[Claim, Claim, str]


@dataclass(frozen=True)
class EventArticle:
    """What the cross-article pass keeps of one article: its id and its claims' topics."""

    id: str
    statements: ClaimTopics
    reports: ClaimTopics


def event_article(article_id: str, claims: Sequence[Claim], min_overlap: int) -> EventArticle:
    """An article's claims, with the topic words pairing needs computed once."""
    statements = [c for c in claims if c.kind == "statement"]
    reports = [c for c in claims if c.kind == "report"]
    return EventArticle(
        article_id,
        claim_topics(statements, min_overlap=min_overlap),
        claim_topics(reports, min_overlap=min_overlap),
    )


def cross_article_pairs(
    article: EventArticle,
    others: Sequence[EventArticle],
    config: ArticleConfig,
    counts: RunCounts,
) -> list[CrossPair]:
    """One article's statements paired with the reports of other articles of its event.

    Each other article's reports are paired with the statements exactly as the reports
    of the article itself would be (:func:`nli.pairing.pair_topics`,
    ``config.min_overlap``), and the article keeps at most
    ``config.max_pairs_per_article`` pairs (those sharing most topic words).

    Args:
        article (EventArticle): The article whose statements are paired.
        others (Sequence[EventArticle]): The event's other articles.
        config (ArticleConfig): Pairing options.
        counts (RunCounts): Dropped pairs are counted here.

    Returns:
        list: ``(statement, report, report's article id)`` triples.
    """
    owner: dict[int, str] = {}
    pairs: list[ClaimPair] = []
    for other in others:
        found = pair_topics(article.statements, other.reports, min_overlap=config.min_overlap)
        owner.update((id(report), other.id) for _, report in found)
        pairs.extend(found)
    if len(pairs) > config.max_pairs_per_article:
        counts.pairs_dropped += len(pairs) - config.max_pairs_per_article
        pairs = strongest_pairs(pairs, config.max_pairs_per_article)
    return [(statement, report, owner[id(report)]) for statement, report in pairs]


def _event_groups(input_path: Path, config: ArticleConfig) -> dict[str, list[EventArticle]]:
    """The claims of every readable article, grouped by event (``config.event_field``).

    Records that could not be read, and articles whose claims could not be extracted,
    were recorded by the within-article pass and are left out here.
    """
    groups: dict[str, list[EventArticle]] = {}
    without_event = 0
    records = read_articles(input_path, text_field=config.text_field, id_field=config.id_field)
    for record in records:
        if not isinstance(record, Article):
            continue
        if config.event_field is None:
            event = ""
        else:
            value = record.meta.get(config.event_field)
            if value in (None, ""):
                without_event += 1
                continue
            event = str(value)
        try:
            claims = article_claims(record, config, RunCounts())
        except Exception:  # recorded as an error by the within-article pass
            continue
        if claims:
            article = event_article(record.id, claims, config.min_overlap)
            groups.setdefault(event, []).append(article)
    if without_event:
        logger.warning(
            "%d articles have no %r field and were not paired across articles",
            without_event,
            config.event_field,
        )
    return groups


def score_cross_article(
    input_path: Path, scorer: ContradictionScorer, config: ArticleConfig, counts: RunCounts
) -> Iterator[list[dict[str, Any]]]:
    """Score the cross-article pairs of a collection (``nli score --cross-article``).

    Re-reads the input once and holds the claims (not the texts) of the whole
    collection in memory; pairing costs grow with the square of an event's size, so
    large collections want ``config.event_field``. Yields the findings of each
    statement article (events in order of first appearance, articles in input order
    within them), sorted by calibrated score. Pairs are counted in ``counts.pairs`` and
    ``counts.cross_article_pairs``; when the model fails on one article's pairs, they
    are logged and counted in ``counts.pairs_dropped`` and the others go on.
    """
    for group in _event_groups(input_path, config).values():
        for article in group:
            others = [other for other in group if other is not article]
            triples = cross_article_pairs(article, others, config, counts)
            if not triples:
                continue
            try:
                scores = _score_claim_pairs([(s, r) for s, r, _ in triples], scorer, config)
            except Exception as error:  # one article's failure must not end the run
                logger.warning(
                    "article %s: scoring %d cross-article pairs failed (%r); not scored",
                    article.id,
                    len(triples),
                    error,
                )
                counts.pairs_dropped += len(triples)
                continue
            counts.pairs += len(triples)
            counts.cross_article_pairs += len(triples)
            made = [
                make_finding(
                    Article(article.id, ""), s, r, scored, scorer, config, report_article_id=other
                )
                for (s, r, other), scored in zip(triples, scores, strict=True)
                if config.min_score is None or scored.score >= config.min_score
            ]
            yield sorted(made, key=lambda row: (-row["calibrated"], -row["score"]))


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class ScoreResult:
    """What ``nli score`` did.

    Attributes:
        counts (RunCounts): Totals of the whole run (all sessions, when resumed).
        errors (list[ErrorRecord]): Everything written to ``errors.jsonl``.
        seconds (float): Wall time of the whole run (all sessions).
        manifest_path (Path): The run manifest.
        resumed (bool): Whether this call continued an interrupted run.
    """

    counts: RunCounts
    errors: list[ErrorRecord]
    seconds: float
    manifest_path: Path
    resumed: bool = False


class InterruptedRunError(InputError):
    """An interrupted run of the same output exists: resume it or start over."""


@dataclass(frozen=True)
class RunFiles:
    """The files of one ``nli score`` run, all named after its output.

    While the run goes on, findings and errors are appended to the two ``partial``
    files and ``checkpoint`` records how far they are complete; at the end they
    become ``output`` and ``errors`` and the checkpoint goes.
    """

    output: Path
    partial: Path
    errors_partial: Path
    checkpoint: Path
    errors: Path
    manifest: Path
    lock: Path

    @classmethod
    def for_output(cls, output: Path) -> RunFiles:
        """The run files of ``output``.

        Example:
            >>> RunFiles.for_output(Path("out/f.csv")).partial.name
            'f.csv.partial.jsonl'
        """
        output_format(output)  # refuses an output name it cannot write, before any work
        return cls(
            output=output,
            partial=output.with_name(output.name + ".partial.jsonl"),
            errors_partial=output.with_name(output.name + ".errors.partial.jsonl"),
            checkpoint=output.with_name(output.name + ".checkpoint.json"),
            errors=output.with_name("errors.jsonl"),
            manifest=output.with_name(output.name + ".manifest.json"),
            lock=output.with_name(output.name + ".lock"),
        )

    def interrupted(self) -> bool:
        """Whether an earlier run of this output stopped before it finished."""
        return self.partial.exists() or self.checkpoint.exists()

    def discard_partials(self) -> None:
        """Remove what an interrupted run left (the output itself is not touched)."""
        for path in (self.partial, self.errors_partial, self.checkpoint):
            path.unlink(missing_ok=True)


#: Version of the checkpoint file's layout.
CHECKPOINT_FORMAT = 1


@dataclass
class _Progress:
    """How far a run is, as recorded in its checkpoint."""

    completed: int = 0  # input records (articles and unreadable rows) fully written
    findings_bytes: int = 0
    errors_bytes: int = 0
    seconds: float = 0.0  # wall time up to the last checkpoint, all sessions
    sessions: int = 0
    finished: bool = False
    started_at: str = ""
    counts: RunCounts = field(default_factory=RunCounts)


def library_versions() -> dict[str, str | None]:
    """Versions of Python and the libraries that decide the results, for the manifest."""
    versions: dict[str, str | None] = {"python": platform.python_version(), "nli": __version__}
    for name in ("torch", "transformers", "tokenizers", "numpy", "pyarrow", "pysbd", "trafilatura"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def model_fingerprint(scorer: ContradictionScorer) -> dict[str, Any]:
    """Where the scorer's weights came from and their SHA-256.

    The hash is that of ``model.safetensors``; for sharded weights, the SHA-256 of
    the shards' ``name sha256`` lines. A hub model has no local path and no hash.
    """
    location = getattr(getattr(scorer, "model", None), "name_or_path", "") or scorer.model_name
    path = Path(location)
    if not path.is_dir():
        return {"path": str(location), "sha256": None}
    single = path / "model.safetensors"
    if single.is_file():
        return {"path": str(path), "sha256": sha256_file(single)}
    lines = "".join(f"{p.name} {sha256_file(p)}\n" for p in sorted(path.glob("*.safetensors")))
    return {"path": str(path), "sha256": hashlib.sha256(lines.encode()).hexdigest()}


def run_settings(
    input_path: Path,
    config: ArticleConfig,
    scorer: ContradictionScorer,
    model: dict[str, Any],
) -> dict[str, Any]:
    """Everything that decides a run's output; a resumed run must match it exactly."""
    calibration = getattr(scorer, "calibration", None)
    return {
        "input": input_fingerprint(input_path),
        "model": config.scoring.model,
        "model_sha256": model["sha256"],
        # What changes scores; the fit's statistics may be NaN, which never equals itself.
        "calibration": (
            {
                "temperature": calibration.temperature,
                "threshold": calibration.threshold,
                "fitted_on": calibration.fitted_on,
            }
            if calibration is not None
            else None
        ),
        "precision": scorer.precision,
        "max_length": scorer.max_length,
        "both_directions": config.scoring.both_directions,
        "text_field": config.text_field,
        "id_field": config.id_field,
        "min_overlap": config.min_overlap,
        "min_score": config.min_score,
        "threshold": config.threshold,
        "max_article_chars": config.max_article_chars,
        "max_pairs_per_article": config.max_pairs_per_article,
        "cross_article": config.cross_article,
        "event_field": config.event_field,
        "version": __version__,
    }


def _write_checkpoint(files: RunFiles, settings: dict[str, Any], progress: _Progress) -> None:
    write_json(
        files.checkpoint,
        {
            "format": CHECKPOINT_FORMAT,
            "settings": settings,
            "completed": progress.completed,
            "findings_bytes": progress.findings_bytes,
            "errors_bytes": progress.errors_bytes,
            "seconds": progress.seconds,
            "sessions": progress.sessions,
            "finished": progress.finished,
            "started_at": progress.started_at,
            "counts": vars(progress.counts),
        },
    )


def _read_checkpoint(files: RunFiles, settings: dict[str, Any]) -> _Progress:
    """The progress of an interrupted run, after checking it ran with ``settings``.

    Raises:
        InputError: When the checkpoint is unreadable, or the input, model or options
            differ from the interrupted run's.
    """
    try:
        saved = json.loads(files.checkpoint.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(
            f"cannot resume: checkpoint {files.checkpoint} is unreadable ({error}); "
            "pass --force to start over"
        ) from error
    if saved.get("format") != CHECKPOINT_FORMAT:
        raise InputError(f"cannot resume: {files.checkpoint} has an unknown format")
    before = saved.get("settings", {})
    changed = sorted(
        key for key in settings.keys() | before.keys() if settings.get(key) != before.get(key)
    )
    if changed:
        raise InputError(
            f"cannot resume: {', '.join(changed)} differ from the interrupted run "
            f"({files.checkpoint}); rerun with the same input, model and options, or pass "
            "--force to start over"
        )
    return _Progress(
        completed=int(saved["completed"]),
        findings_bytes=int(saved["findings_bytes"]),
        errors_bytes=int(saved["errors_bytes"]),
        seconds=float(saved["seconds"]),
        sessions=int(saved["sessions"]),
        finished=bool(saved["finished"]),
        started_at=str(saved.get("started_at", "")),
        counts=RunCounts(**saved["counts"]),
    )


def _restore_partial(path: Path, size: int, *, finished: bool) -> None:
    """Cut a partial file back to its checkpointed size (what a kill half-wrote goes)."""
    if not path.exists():
        if size == 0 or finished:  # empty, or already moved into place at the end
            return
        raise InputError(f"cannot resume: {path} is missing; pass --force to start over")
    actual = path.stat().st_size
    if actual < size:
        raise InputError(
            f"cannot resume: {path} is shorter ({actual} bytes) than its checkpoint "
            f"({size} bytes); pass --force to start over"
        )
    if actual > size:
        logger.info("%s: dropping %d bytes written after the last checkpoint", path, actual - size)
        truncate_file(path, size)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def _exclusive_run(files: RunFiles) -> Iterator[None]:
    """Hold an exclusive lock on ``OUTPUT.lock`` for the run: one writer per output.

    A second run of the same output (say ``--resume`` while the first is still going)
    would cut the partial files under the first one's feet. The lock is an advisory
    ``flock``, released by the kernel however the process ends, so a killed run
    never leaves a stale lock; the file itself is removed at the end.

    Raises:
        InputError: When another process holds the lock.
    """
    try:
        import fcntl
    except ImportError:  # no flock (Windows): run without the guard
        yield
        return
    files.lock.parent.mkdir(parents=True, exist_ok=True)
    with files.lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(
                f"another nli score is writing {files.output} (it holds {files.lock})"
            ) from None
        try:
            yield
        finally:
            files.lock.unlink(missing_ok=True)


def _refuse_interrupted(files: RunFiles, *, resume: bool, overwrite: bool) -> None:
    """Raise :class:`InterruptedRunError` when an interrupted run would be silently lost."""
    if files.interrupted() and not resume and not overwrite:
        raise InterruptedRunError(
            f"{files.partial} is left from an interrupted run; pass --resume to continue "
            "it or --force to start over"
        )


def _begin_run(
    files: RunFiles, settings: dict[str, Any], *, resume: bool, overwrite: bool
) -> tuple[_Progress, bool]:
    """Set up the run files: continue an interrupted run, or start afresh.

    Returns:
        tuple: The progress to start from, and whether the run is resumed.

    Raises:
        InterruptedRunError: When an interrupted run exists and neither ``resume`` nor
            ``overwrite`` is given.
        InputError: When resuming is impossible (see :func:`_read_checkpoint`).
    """
    _refuse_interrupted(files, resume=resume, overwrite=overwrite)
    interrupted = files.interrupted()
    if interrupted and resume and files.checkpoint.exists():
        progress = _read_checkpoint(files, settings)
        _restore_partial(files.partial, progress.findings_bytes, finished=progress.finished)
        _restore_partial(files.errors_partial, progress.errors_bytes, finished=progress.finished)
        progress.sessions += 1
        logger.info("resuming %s after %d input records", files.output, progress.completed)
        return progress, True
    if resume and not interrupted and files.output.exists() and not overwrite:
        raise InputError(
            f"nothing to resume: there is no interrupted run of {files.output}, which "
            "exists; pass --force to overwrite it"
        )
    # A fresh start (a partial without a checkpoint was killed before its first batch).
    files.discard_partials()
    progress = _Progress(sessions=1, started_at=_now())
    _write_checkpoint(files, settings, progress)
    return progress, False


def _append_batch(
    handles: tuple[IO[bytes], IO[bytes]],
    findings: Sequence[dict[str, Any]],
    errors: Sequence[ErrorRecord],
) -> None:
    """Append a batch's findings and errors and force them to disk."""
    findings_handle, errors_handle = handles
    for finding in findings:
        findings_handle.write((json.dumps(finding, ensure_ascii=False) + "\n").encode("utf-8"))
    for error in errors:
        errors_handle.write((json.dumps(error.as_dict(), ensure_ascii=False) + "\n").encode())
    fsync_handle(findings_handle)
    fsync_handle(errors_handle)


def _read_errors(path: Path) -> list[ErrorRecord]:
    if not path.exists():
        return []
    return [ErrorRecord(**row) for row in iter_jsonl_objects(path)]


def _finish_run(files: RunFiles, manifest: dict[str, Any]) -> list[ErrorRecord]:
    """Move the partial files into place and write the manifest; safe to repeat.

    Each step can be redone by a resumed run if a kill interrupts this one: the
    checkpoint (marked finished) goes last, and the findings file only moves once.
    """
    errors = _read_errors(files.errors_partial)
    if errors:
        convert_jsonl(files.errors_partial, files.errors)
    write_json(files.manifest, manifest)
    if files.partial.exists():
        if output_format(files.output) == "jsonl":
            os.replace(files.partial, files.output)
            fsync_path(files.output.parent)
        else:
            convert_jsonl(files.partial, files.output)
    files.discard_partials()
    return errors


def _build_manifest(
    input_path: Path,
    files: RunFiles,
    config: ArticleConfig,
    scorer: ContradictionScorer,
    model: dict[str, Any],
    settings: dict[str, Any],
    progress: _Progress,
) -> dict[str, Any]:
    counts = progress.counts
    calibration = getattr(scorer, "calibration", None)
    return {
        "version": __version__,
        "engine": "local",
        "input": str(input_path),
        "input_fingerprint": settings["input"],
        "output": str(files.output),
        "format": output_format(files.output),
        "errors_file": str(files.errors) if counts.errored else None,
        "model": config.scoring.model,
        "model_path": model["path"],
        "model_sha256": model["sha256"],
        "calibration": calibration.as_dict() if calibration is not None else None,
        "precision": scorer.precision,
        "config": {
            "min_overlap": config.min_overlap,
            "min_score": config.min_score,
            "threshold": decision_threshold(config, scorer),
            "max_length": scorer.max_length,
            "both_directions": config.scoring.both_directions,
            "batch_size": config.scoring.batch_size,
            "articles_per_batch": config.articles_per_batch,
            "max_article_chars": config.max_article_chars,
            "max_pairs_per_article": config.max_pairs_per_article,
            "cross_article": config.cross_article,
            "event_field": config.event_field,
            "text_field": config.text_field,
            "id_field": config.id_field,
        },
        "counts": vars(counts),
        "seconds": round(progress.seconds, 3),
        "articles_per_second": round(counts.read / max(progress.seconds, 1e-9), 3),
        "timing": {
            "started_at": progress.started_at,
            "finished_at": _now(),
            "sessions": progress.sessions,
        },
        "versions": library_versions(),
    }


def run_score(
    input_path: Path,
    output_path: Path,
    config: ArticleConfig,
    *,
    scorer: ContradictionScorer | None = None,
    show_progress_bar: bool = False,
    resume: bool = False,
    overwrite: bool = False,
) -> ScoreResult:
    """Score an article collection and write findings, errors and a manifest (``nli score``).

    The run is crash-safe and resumable. Findings and errors are appended to
    ``OUTPUT.partial.jsonl`` and ``OUTPUT.errors.partial.jsonl``; after each batch of
    ``config.articles_per_batch`` input records both are fsync'd and
    ``OUTPUT.checkpoint.json`` (records done, byte sizes, counts, settings) is
    atomically replaced. A resumed run cuts the partial files back to the checkpoint,
    skips the records done and goes on, so nothing is lost or written twice. At the
    end the partial files become ``OUTPUT`` (converted to CSV/Parquet by suffix) and
    ``errors.jsonl`` (only when there are errors), and the manifest is written.

    Args:
        input_path (Path): Directory of .txt/.html files, or JSONL/CSV/Parquet.
        output_path (Path): Findings file (.jsonl, .csv or .parquet).
        config (ArticleConfig): Options.
        scorer (ContradictionScorer, optional): Reuse a loaded model.
        show_progress_bar (bool): Articles/s progress bar on stderr.
        resume (bool): Continue an interrupted run of ``output_path``. The input,
            model and options must be those of the interrupted run.
        overwrite (bool): Start over even if an interrupted run exists (when not
            resuming), and allow ``resume`` to overwrite a finished output.

    Returns:
        ScoreResult: Counts, errors, time and the manifest's path.

    Raises:
        InputError: When the input is missing, empty or of an unknown format, or an
            interrupted run is in the way (:class:`InterruptedRunError`) or cannot be
            resumed.
    """
    session_start = time.perf_counter()
    input_path, output_path = Path(input_path), Path(output_path)
    files = RunFiles.for_output(output_path)
    if not input_path.exists():
        raise InputError(f"{input_path}: not found")
    with _exclusive_run(files):
        return _score_collection(
            input_path,
            files,
            config,
            scorer,
            show_progress_bar=show_progress_bar,
            resume=resume,
            overwrite=overwrite,
            session_start=session_start,
        )


def _score_collection(
    input_path: Path,
    files: RunFiles,
    config: ArticleConfig,
    scorer: ContradictionScorer | None,
    *,
    show_progress_bar: bool,
    resume: bool,
    overwrite: bool,
    session_start: float,
) -> ScoreResult:
    """The body of :func:`run_score`, run while holding the output's lock."""
    _refuse_interrupted(files, resume=resume, overwrite=overwrite)  # before the slow model load
    scorer = scorer or load_scorer(config.scoring)
    model = model_fingerprint(scorer)
    settings = run_settings(input_path, config, scorer, model)
    progress, resumed = _begin_run(files, settings, resume=resume, overwrite=overwrite)
    before = progress.seconds
    records = read_articles(
        input_path, text_field=config.text_field, id_field=config.id_field, skip=progress.completed
    )
    counts = progress.counts
    bar = tqdm(
        desc="Articles",
        unit="article",
        total=count_article_files(input_path),
        initial=progress.completed,
        disable=not show_progress_bar,
    )
    try:
        if not progress.finished:  # a run killed while finishing has read everything
            with (
                files.partial.open("ab") as findings_out,
                files.errors_partial.open("ab") as errors_out,
            ):
                for batch in _batched(records, config.articles_per_batch):
                    found, errors = score_record_batch(
                        batch, scorer, config, counts, source=str(input_path)
                    )
                    _append_batch((findings_out, errors_out), found, errors)
                    counts.findings_written += len(found)
                    progress.completed += len(batch)
                    progress.findings_bytes = findings_out.tell()
                    progress.errors_bytes = errors_out.tell()
                    progress.seconds = before + time.perf_counter() - session_start
                    _write_checkpoint(files, settings, progress)
                    bar.update(len(batch))
                if config.cross_article:
                    # No checkpoint until it ends: a resumed run cuts the partial file back
                    # to the last batch above and scores the cross-article pairs again.
                    for found in score_cross_article(input_path, scorer, config, counts):
                        _append_batch((findings_out, errors_out), found, [])
                        counts.findings_written += len(found)
                    progress.findings_bytes = findings_out.tell()
    except InputError:
        if not resumed and progress.completed == 0:
            files.discard_partials()  # the input was unreadable from the start: leave no debris
        raise
    finally:
        bar.close()
    progress.finished = True
    progress.seconds = before + time.perf_counter() - session_start
    _write_checkpoint(files, settings, progress)
    manifest = _build_manifest(input_path, files, config, scorer, model, settings, progress)
    errors = _finish_run(files, manifest)
    logger.info(
        "read %d articles in %.1fs (%.1f articles/s)",
        counts.read,
        progress.seconds,
        manifest["articles_per_second"],
    )
    return ScoreResult(counts, errors, progress.seconds, files.manifest, resumed)


def run_extract(input_path: Path, output_path: Path, config: ArticleConfig) -> RunCounts:
    """Write every article's statements and reports, one claim per row (``nli extract``).

    Streams: one article at a time is in memory. Articles that fail (unreadable,
    duplicate id, longer than ``config.max_article_chars``, an extraction error) go to
    ``errors.jsonl`` beside the output. In the counts, ``scored`` means "had at least
    one claim" and ``skipped`` "read fine, no claim".
    """
    counts = RunCounts()
    errors: list[ErrorRecord] = []

    def rows() -> Iterator[dict[str, Any]]:
        records = read_articles(input_path, text_field=config.text_field, id_field=config.id_field)
        for record in records:
            counts.read += 1
            if isinstance(record, ErrorRecord):
                errors.append(record)
                counts.errored += 1
                continue
            try:
                claims = article_claims(record, config, counts)
            except Exception as error:  # one bad article must not end the run
                message = str(error) if isinstance(error, ValueError) else f"failed: {error!r}"
                errors.append(_error_for(record, message))
                counts.errored += 1
                continue
            if claims:
                counts.scored += 1
            else:
                counts.skipped += 1
            for claim in claims:
                yield {"article_id": record.id, "kind": claim.kind, **claim_to_dict(claim)}

    write_records(output_path, rows())
    for error in errors:
        logger.warning("%s: %s", error.id or error.source, error.message)
    write_errors(output_path.with_name("errors.jsonl"), errors)
    return counts
