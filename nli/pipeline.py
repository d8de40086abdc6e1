"""The functions the CLI calls: score pair files and evaluate labelled pairs.

Everything here takes a frozen config and plain paths, returns a result object and
leaves printing and exit codes to :mod:`nli.cli`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from nli import __version__
from nli.attribution import find_claims
from nli.clean import clean_text
from nli.evaluate import compute_metrics, decide_labels
from nli.io import read_articles, read_pairs, write_json, write_records
from nli.model import ContradictionScorer
from nli.pairing import pair_claims
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


# --------------------------------------------------------------------------- articles


@dataclass(frozen=True)
class ArticleConfig:
    """Options of ``nli score`` / ``nli extract`` beyond the model's.

    Attributes:
        scoring (ScoringConfig): Model options.
        text_field (str): Article text field in tabular inputs.
        id_field (str): Article id field in tabular inputs.
        min_overlap (int): Shared content words a statement and report need to be paired.
        min_score (float | None): Write only findings scoring at least this.
        threshold (float): Score at which a finding is labelled ``"contradiction"``.
        articles_per_batch (int): Articles whose pairs go to the model together.
    """

    scoring: ScoringConfig = field(default_factory=ScoringConfig)
    text_field: str = "text"
    id_field: str = "id"
    min_overlap: int = 1
    min_score: float | None = None
    threshold: float = 0.5
    articles_per_batch: int = 32


@dataclass
class RunCounts:
    """Accounting of a run: read = scored + skipped + errored."""

    read: int = 0
    scored: int = 0
    skipped: int = 0
    errored: int = 0
    claims: int = 0
    pairs: int = 0
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


def score_article_batch(
    articles: Sequence[Article],
    scorer: ContradictionScorer,
    config: ArticleConfig,
    counts: RunCounts,
) -> tuple[list[dict[str, Any]], list[ErrorRecord]]:
    """Find and score the denial/report pairs of a batch of articles.

    All pairs of the batch go to the model in one call, so batches stay full. A
    failure in one article's extraction is recorded and the others go on.

    Returns:
        tuple: The findings (dicts in the documented schema, per article sorted by
        score, highest first) and the per-article errors.
    """
    errors: list[ErrorRecord] = []
    jobs: list[tuple[Article, Claim, Claim]] = []
    for article in articles:
        counts.read += 1
        if not article.text.strip():
            counts.skipped += 1
            continue
        try:
            claims = extract_claims(article)
        except Exception as error:  # one bad article must not end the run
            logger.warning("article %s failed: %s", article.id, error)
            errors.append(ErrorRecord(article.meta.get("path", ""), None, article.id, repr(error)))
            counts.errored += 1
            continue
        counts.scored += 1
        counts.claims += len(claims)
        jobs.extend((article, s, r) for s, r in pair_claims(claims, min_overlap=config.min_overlap))
    counts.pairs += len(jobs)
    scores = scorer.score_pairs(
        [statement.content for _, statement, _ in jobs],
        [report.content for _, _, report in jobs],
        targets=["entailment" if s.polarity == "-" else "contradiction" for _, s, _ in jobs],
        both_directions=config.scoring.both_directions,
        batch_size=config.scoring.batch_size,
        show_progress_bar=False,
    )
    findings: list[dict[str, Any]] = []
    for (article, statement, report), scored in zip(jobs, scores, strict=True):
        if config.min_score is not None and scored.score < config.min_score:
            continue
        findings.append(
            {
                "article_id": article.id,
                "statement": claim_to_dict(statement),
                "report": claim_to_dict(report),
                "normalised": {
                    "premise": report.content,
                    "hypothesis": statement.content,
                    "polarity": statement.polarity,
                },
                "probs": scored.probs.as_dict(),
                "score": scored.score,
                "calibrated": None,
                "label": finding_label(
                    scored.probs, statement.polarity, threshold=config.threshold
                ),
                "direction": scored.direction,
                "window": scored.window,
                "model": config.scoring.model,
                "version": __version__,
            }
        )
    # Keep article order, and within an article put the strongest finding first.
    order = {article.id: i for i, article in reversed(list(enumerate(articles)))}
    findings.sort(key=lambda f: (order[f["article_id"]], -f["score"]))
    return findings, errors


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
    """What ``nli score`` did."""

    counts: RunCounts
    errors: list[ErrorRecord]
    seconds: float
    manifest_path: Path


def run_score(
    input_path: Path,
    output_path: Path,
    config: ArticleConfig,
    *,
    scorer: ContradictionScorer | None = None,
    show_progress_bar: bool = False,
) -> ScoreResult:
    """Score an article collection and write findings, errors and a manifest (``nli score``).

    Args:
        input_path (Path): Directory of .txt/.html files, or JSONL/CSV/Parquet.
        output_path (Path): Findings file (.jsonl, .csv or .parquet), written atomically.
        config (ArticleConfig): Options.
        scorer (ContradictionScorer, optional): Reuse a loaded model.
        show_progress_bar (bool): Articles/s progress bar on stderr.

    Returns:
        ScoreResult: Counts, errors, time and the manifest's path.
    """
    start = time.perf_counter()
    scorer = scorer or load_scorer(config.scoring)
    counts = RunCounts()
    errors: list[ErrorRecord] = []
    records = read_articles(input_path, text_field=config.text_field, id_field=config.id_field)

    def articles() -> Iterator[Article]:
        for record in records:
            if isinstance(record, ErrorRecord):
                counts.read += 1
                counts.errored += 1
                errors.append(record)
            else:
                yield record

    def findings() -> Iterator[dict[str, Any]]:
        with tqdm(desc="Articles", unit="article", disable=not show_progress_bar) as bar:
            for batch in _batched(articles(), config.articles_per_batch):
                found, bad = score_article_batch(batch, scorer, config, counts)
                errors.extend(bad)
                bar.update(len(batch))
                yield from found

    counts.findings_written = write_records(output_path, findings())
    write_errors(output_path.with_name("errors.jsonl"), errors)
    seconds = time.perf_counter() - start
    manifest_path = output_path.with_name(output_path.name + ".manifest.json")
    manifest = {
        "version": __version__,
        "input": str(input_path),
        "output": str(output_path),
        "model": config.scoring.model,
        "precision": scorer.precision,
        "config": {
            "min_overlap": config.min_overlap,
            "min_score": config.min_score,
            "threshold": config.threshold,
            "max_length": scorer.max_length,
            "both_directions": config.scoring.both_directions,
        },
        "counts": vars(counts),
        "seconds": round(seconds, 3),
    }
    write_json(manifest_path, manifest)
    return ScoreResult(counts, errors, seconds, manifest_path)


def run_extract(input_path: Path, output_path: Path, config: ArticleConfig) -> RunCounts:
    """Write every article's statements and reports, one claim per row (``nli extract``)."""
    counts = RunCounts()
    errors: list[ErrorRecord] = []

    def rows() -> Iterator[dict[str, Any]]:
        records = read_articles(input_path, text_field=config.text_field, id_field=config.id_field)
        for record in records:
            counts.read += 1
            if isinstance(record, ErrorRecord):
                counts.errored += 1
                errors.append(record)
                continue
            claims = extract_claims(record)
            counts.scored += 1
            counts.claims += len(claims)
            for claim in claims:
                yield {"article_id": record.id, "kind": claim.kind, **claim_to_dict(claim)}

    write_records(output_path, rows())
    write_errors(output_path.with_name("errors.jsonl"), errors)
    return counts
