"""The Ray engine of ``nli score``: the local job, run by a pool of Ray Data actors.

The work on each batch is :func:`nli.findings.score_record_batch`, the function the
local engine calls. This module only moves rows to it and its results back:

1. the input becomes a Ray Dataset: JSONL, CSV and Parquet files are read in parallel
   by ``ray.data.read_json`` / ``read_csv`` / ``read_parquet``; a folder of .txt/.html
   files becomes ``ray.data.from_items`` of its file names, and each actor reads its
   files with :func:`nli.io.read_articles` (so HTML extraction runs in parallel too);
2. ``map_batches`` runs :class:`ArticleBatchScorer` on ``workers`` actors; each loads the
   model once and turns table rows into articles with :func:`nli.io.row_to_article`,
   as the local reader does;
3. each batch comes back as a two-column table (``kind``, ``record`` as JSON text),
   which keeps one schema however the findings' nested fields vary between batches;
   the driver streams it into :func:`nli.io.write_records`, so both engines write the
   same findings file, ``OUTPUT.errors.jsonl`` and manifest.

Ray is an optional extra: ``pip install 'denial-nli[ray]'``. Without ``address`` a
local Ray instance is started (and stopped afterwards); with one, the run joins that
cluster, whose nodes must be able to import ``nli`` and read the input and the model
at the same paths as the driver.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from nli.config import ArticleConfig, RunCounts
from nli.findings import score_record_batch
from nli.io import (
    ARTICLE_SUFFIXES,
    InputError,
    _suffix,
    check_article_input,
    file_article_id,
    read_articles,
    row_to_article,
    text_of_name,
    walk_directory,
    write_json,
    write_records,
)
from nli.metadata import add_article_fields
from nli.model import ContradictionScorer, set_threads_once
from nli.pair_jobs import load_scorer, write_errors
from nli.runs import (
    RunFiles,
    ScoreResult,
    _build_manifest,
    _exclusive_run,
    _Progress,
    _refuse_interrupted,
    model_fingerprint,
    refuse_overwriting_input,
    run_settings,
)
from nli.types import Article, ErrorRecord

if TYPE_CHECKING:
    import pyarrow as pa
    import ray.data

logger = logging.getLogger(__name__)

#: Row kinds in the table each actor returns.
FINDING, ERROR, BATCH = "finding", "error", "batch"

#: Logical CPUs left free of scoring actors. The actors hold their CPUs for the whole
#: run, and Ray Data's own tasks (listing and reading files) need one to be scheduled
#: at all: with every CPU taken by actors waiting for input, a run would wait forever.
RESERVED_CPUS = 1

#: Field names of the rows that name the files of an article folder.
_FILE_PATH_FIELD, _FILE_ID_FIELD = "path", "id"


class RayUnavailableError(ValueError):
    """The Ray engine was asked for but ``ray[data]`` is not installed (a usage error)."""


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide the Ray engine runs.

    Attributes:
        address (str | None): Address of a running Ray cluster (``"auto"``,
            ``"ray://head:10001"``, ``"10.0.0.1:6379"``); None starts a local instance.
        workers (int): Scoring actors; each holds one copy of the model.
        threads_per_worker (int | None): CPUs (and torch threads) per actor; None shares
            the cluster's CPUs evenly between the actors, capped at the largest node.
        local_cpus (int | None): CPUs of a local instance; None means all of this
            machine's. Ignored with ``address``.
    """

    address: str | None = None
    workers: int = 2
    threads_per_worker: int | None = None
    local_cpus: int | None = None

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"workers must be >= 1, got {self.workers}")
        if self.threads_per_worker is not None and self.threads_per_worker < 1:
            raise ValueError(f"threads_per_worker must be >= 1, got {self.threads_per_worker}")


def model_location(model: str) -> str:
    """``model`` as an absolute path when it names a local directory, else unchanged.

    Actors do not share the driver's working directory, so a relative model path is
    resolved where the user typed it; ``"default"`` and hub ids pass through.
    """
    path = Path(model).expanduser()
    return str(path.resolve()) if model != "default" and path.is_dir() else model


def _import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401  (the Data library is a separate part of the extra)
    except ImportError as error:
        raise RayUnavailableError(
            "the ray engine needs Ray Data: pip install 'denial-nli[ray]'"
        ) from error
    return ray


@contextmanager
def ray_session(options: RayOptions) -> Iterator[None]:
    """Connect to Ray for the duration of a run.

    An instance that is already initialised (a notebook, a test, a benchmark running
    several jobs) is used as it is and left running; otherwise a local instance is
    started, or the cluster at ``options.address`` joined, and shut down on exit.
    """
    ray = _import_ray()
    if ray.is_initialized():
        yield
        return
    if options.address is None:
        cpus = options.local_cpus or os.cpu_count() or 1
        wanted = options.workers * (options.threads_per_worker or 1)
        ray.init(
            # Logical CPUs: as many as asked for, even beyond the machine's, plus the
            # reserve for Ray Data's own tasks.
            num_cpus=max(cpus, wanted) + RESERVED_CPUS,
            include_dashboard=False,
            logging_level=logging.WARNING,
        )
    else:
        ray.init(address=options.address, logging_level=logging.WARNING)
    try:
        yield
    finally:
        ray.shutdown()


def threads_per_worker(options: RayOptions, node_cpus: Sequence[float]) -> int:
    """CPUs each actor asks for: the explicit value, else an even share of the cluster.

    The share is of the cluster's CPUs less :data:`RESERVED_CPUS`, and never more than
    the largest node has (an actor lives on one node).

    Args:
        options (RayOptions): The engine options.
        node_cpus (Sequence[float]): Logical CPUs of each node of the cluster.

    Returns:
        int: At least 1.

    Raises:
        ValueError: When the actors would leave less than :data:`RESERVED_CPUS` free.

    Example:
        >>> threads_per_worker(RayOptions(workers=2), [3.0])  # 2 cores + the reserve
        1
        >>> threads_per_worker(RayOptions(workers=1), [3.0])
        2
        >>> threads_per_worker(RayOptions(workers=2), [8.0, 8.0, 8.0])
        8
    """
    usable = int(sum(node_cpus)) - RESERVED_CPUS
    largest = int(max(node_cpus, default=1))
    threads = options.threads_per_worker or max(1, min(largest, usable // options.workers))
    if options.workers * threads > usable:
        raise ValueError(
            f"{options.workers} workers x {threads} CPUs need {options.workers * threads} "
            f"CPUs, but the Ray cluster has {usable} once {RESERVED_CPUS} is kept for "
            "reading the input; use fewer workers or threads"
        )
    return threads


def encode_batch_output(
    findings: Sequence[dict[str, Any]],
    errors: Sequence[ErrorRecord],
    counts: RunCounts,
    *,
    precision: str,
) -> dict[str, list[str]]:
    """Pack one batch's results as the columns ``kind`` and ``record`` (JSON text).

    The last row (kind ``"batch"``) carries the batch's counts and the precision the
    actor resolved (``"auto"`` can differ between nodes), for the run manifest.

    Example:
        >>> out = encode_batch_output([], [], RunCounts(read=2), precision="fp32")
        >>> out["kind"], json.loads(out["record"][0])["counts"]["read"]
        (['batch'], 2)
    """
    kinds = [FINDING] * len(findings) + [ERROR] * len(errors) + [BATCH]
    batch = {"counts": vars(counts), "precision": precision}
    records = [json.dumps(finding, ensure_ascii=False) for finding in findings]
    records += [json.dumps(error.as_dict(), ensure_ascii=False) for error in errors]
    records.append(json.dumps(batch))
    return {"kind": kinds, "record": records}


#: How the actors turn a row into an article: ``"table"`` rows hold the article
#: (JSONL/CSV/Parquet); ``"files"`` rows name a .txt/.html file to read.
RowKind = Literal["table", "files"]


def read_file_row(row: dict[str, Any], *, page_metadata: bool = False) -> Article | ErrorRecord:
    """Read the article file a ``"files"`` row names, with the id the local engine gives it.

    ``page_metadata`` is that of :func:`nli.io.read_articles`.

    Example:
        >>> read_file_row({"path": "/no/such/a.txt", "id": "sub/a.txt"}).id
        'sub/a.txt'
    """
    path = Path(os.fsdecode(row[_FILE_PATH_FIELD]))  # bytes: a name need not be UTF-8
    if not path.exists():  # read_articles refuses a missing path as a whole input
        return ErrorRecord(
            text_of_name(str(path)), None, row[_FILE_ID_FIELD], "cannot read article: not found"
        )
    record = next(read_articles(path, page_metadata=page_metadata))
    return replace(record, id=row[_FILE_ID_FIELD])


class ArticleBatchScorer:
    """Ray Data callable class: one model per actor, one :func:`score_record_batch` per batch.

    Args:
        config (ArticleConfig): The run's options (the same object the local engine gets).
        row_kind (str): ``"table"`` or ``"files"`` (see :data:`RowKind`).
        source (str): The input's name, for error records.
        model_path (str, optional): Where to load ``config.scoring.model`` from
            (see :func:`model_location`).
        num_threads (int | None): torch threads of this actor.
        quiet (bool): Hide transformers' model-loading progress bar, as the CLI does
            without ``-v``. Defaults to False.
    """

    def __init__(
        self,
        config: ArticleConfig,
        *,
        row_kind: RowKind,
        source: str,
        model_path: str | None = None,
        num_threads: int | None = None,
        quiet: bool = False,
    ) -> None:
        set_threads_once(num_threads)
        if quiet:  # an actor is a fresh process: the driver's settings do not reach it
            import transformers

            transformers.utils.logging.disable_progress_bar()
        self.config = config
        self.source = source
        readers: dict[str, Callable[[dict[str, Any]], Article | ErrorRecord]] = {
            "table": self._read_table_row,
            "files": partial(read_file_row, page_metadata=config.keeps_article_fields),
        }
        if row_kind not in readers:
            raise ValueError(f"row_kind must be 'table' or 'files', got {row_kind!r}")
        self.read_row = readers[row_kind]
        # The findings name the model as the user gave it; the actor loads it from where
        # the driver found it.
        self.scorer = load_scorer(replace(config.scoring, model=model_path or config.scoring.model))

    def _read_table_row(self, row: dict[str, Any]) -> Article | ErrorRecord:
        return row_to_article(
            row,
            source=self.source,
            line=None,
            text_field=self.config.text_field,
            id_field=self.config.id_field,
        )

    def __call__(self, batch: pa.Table) -> pa.Table:
        """Score the articles of one batch of rows; see :func:`encode_batch_output`."""
        import pyarrow as pa

        counts = RunCounts()
        records = [self.read_row(row) for row in batch.to_pylist()]
        findings, errors = score_record_batch(
            records, self.scorer, self.config, counts, source=self.source
        )
        findings = add_article_fields(findings, records, self.config, counts)
        columns = encode_batch_output(
            findings,
            errors,
            counts,
            precision=self.scorer.precision,
        )
        return pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})


def _read_csv(path: Path) -> ray.data.Dataset:
    import pyarrow.csv as pv
    import ray.data

    # Every column as text, as the local CSV reader gives it: an id "007" stays "007".
    names = pv.open_csv(path).schema.names
    types = dict.fromkeys(names, "string")
    return ray.data.read_csv(str(path), convert_options=pv.ConvertOptions(column_types=types))


def _read_jsonl(path: Path) -> ray.data.Dataset:
    import ray.data

    return ray.data.read_json(str(path), lines=True)


def _read_parquet(path: Path) -> ray.data.Dataset:
    import ray.data

    return ray.data.read_parquet(str(path))


_TABLE_READERS: dict[str, Callable[[Path], ray.data.Dataset]] = {
    ".jsonl": _read_jsonl,
    ".json": _read_jsonl,
    ".csv": _read_csv,
    ".parquet": _read_parquet,
}


def file_rows(input_path: Path) -> list[dict[str, str | bytes]]:
    """The ``"files"`` rows of an article folder (or single file): absolute path and id.

    Ids are those of :func:`nli.io.read_articles` (the path relative to the folder, as
    UTF-8 text); paths are absolute because actors do not share the driver's working
    directory, and bytes (:func:`os.fsencode`) because a file name need not be UTF-8.
    """
    if input_path.is_dir():
        return [
            {
                _FILE_PATH_FIELD: os.fsencode(file.resolve()),
                _FILE_ID_FIELD: file_article_id(file, input_path),
            }
            for file in walk_directory(input_path)
        ]
    return [
        {
            _FILE_PATH_FIELD: os.fsencode(input_path.resolve()),
            _FILE_ID_FIELD: file_article_id(input_path),
        }
    ]


def plan_input(input_path: Path) -> tuple[ray.data.Dataset, RowKind]:
    """Open the input as a Ray Dataset of rows, and say what its rows hold.

    Raises:
        InputError: When the input is missing, empty or of an unknown format.
    """
    import ray.data

    if not input_path.exists():
        raise InputError(f"{input_path}: not found")
    if input_path.is_dir() or _suffix(input_path) in ARTICLE_SUFFIXES:
        rows = file_rows(input_path)
        if not rows:
            logger.warning("%s: no .txt/.html files found", input_path)
        return ray.data.from_items(rows), "files"
    reader = _TABLE_READERS.get(_suffix(input_path))
    if reader is None:
        known = ", ".join(sorted(_TABLE_READERS))
        raise InputError(
            f"{input_path}: unknown format {_suffix(input_path)!r} (expected a folder or {known})"
        )
    if input_path.stat().st_size == 0:
        raise InputError(f"{input_path}: file is empty")
    # Read tasks run in worker processes, which do not share the driver's directory.
    return reader(input_path.resolve()), "table"


def _add_counts(total: RunCounts, part: dict[str, int]) -> None:
    for item in fields(RunCounts):
        setattr(total, item.name, getattr(total, item.name) + part[item.name])


@dataclass
class _Collected:
    """What the driver gathers besides the findings while it streams them."""

    counts: RunCounts
    errors: list[ErrorRecord]
    precisions: set[str]


def stream_findings(batches: Iterator[pa.Table], collected: _Collected) -> Iterator[dict[str, Any]]:
    """Yield the findings of the actors' output tables, in order; keep errors and counts.

    Raises:
        ValueError: On a row kind this version does not know (mixed versions on a cluster).
    """

    def on_error(value: dict[str, Any]) -> None:
        collected.errors.append(ErrorRecord(**value))

    def on_batch(value: dict[str, Any]) -> None:
        _add_counts(collected.counts, value["counts"])
        collected.precisions.add(value["precision"])

    handlers: dict[str, Callable[[dict[str, Any]], None]] = {ERROR: on_error, BATCH: on_batch}
    for table in batches:
        for kind, text in zip(table["kind"].to_pylist(), table["record"].to_pylist(), strict=True):
            value = json.loads(text)
            if kind == FINDING:
                yield value
            elif kind in handlers:
                handlers[kind](value)
            else:
                raise ValueError(f"unknown row kind {kind!r} from a Ray worker")


def _manifest(
    input_path: Path,
    files: RunFiles,
    config: ArticleConfig,
    scorer: ContradictionScorer,
    collected: _Collected,
    *,
    options: RayOptions,
    threads: int,
    seconds: float,
    started_at: str,
) -> dict[str, Any]:
    """The local engine's manifest of this run, plus where and how wide it ran."""
    model = model_fingerprint(scorer)
    settings = run_settings(input_path, config, scorer, model)
    progress = _Progress(
        completed=collected.counts.read,
        seconds=seconds,
        sessions=1,
        finished=True,
        started_at=started_at,
        counts=collected.counts,
    )
    manifest = _build_manifest(input_path, files, config, scorer, model, settings, progress)
    manifest["engine"] = "ray"
    manifest["ray"] = {
        "address": options.address,
        "workers": options.workers,
        "threads_per_worker": threads,
        "worker_precisions": sorted(collected.precisions),
        "ray_version": _import_ray().__version__,
    }
    return manifest


def run_score_ray(
    input_path: Path,
    output_path: Path,
    config: ArticleConfig,
    options: RayOptions | None = None,
    *,
    scorer: ContradictionScorer | None = None,
    show_progress_bar: bool = False,
    overwrite: bool = False,
) -> ScoreResult:
    """Score an article collection on Ray and write findings, errors and a manifest.

    The outputs are those of :func:`nli.runs.run_score`: the same findings in the
    same order, ``OUTPUT.errors.jsonl`` beside them, and ``OUTPUT.manifest.json`` with
    ``engine: "ray"`` and a ``ray`` section (address, workers, threads per worker).
    Where the engines differ, because rows are read in parallel: a table row without
    an id is an error (there is no line number to use instead); duplicate ids are not
    detected; a malformed JSONL line or CSV row fails the run instead of becoming an
    error record; and there is no ``--resume`` (Ray retries failed tasks itself).

    Args:
        input_path (Path): Folder of .txt/.html files, or a JSONL/CSV/Parquet file.
        output_path (Path): Findings file (.jsonl, .csv or .parquet), written atomically.
        config (ArticleConfig): Options; ``articles_per_batch`` is the Ray batch size.
        options (RayOptions, optional): Cluster address and width. Defaults to a local
            instance with 2 workers.
        scorer (ContradictionScorer, optional): The model, already loaded on the driver
            (which uses it only to check the model and describe it in the manifest;
            the actors load their own).
        show_progress_bar (bool): Ray Data's progress bars on stderr.
        overwrite (bool): Discard the partial files of an interrupted local run of
            ``output_path``; without it such a run stops this one. Defaults to False.

    Returns:
        ScoreResult: Counts, errors, time and the manifest's path.

    Raises:
        RayUnavailableError: When Ray Data is not installed.
        InputError: When the input is missing, empty or of an unknown format, or another
            run holds the output (the same lock as the local engine's).
        InterruptedRunError: When an interrupted local run of the output would be lost.
    """
    files = RunFiles.for_output(output_path)
    refuse_overwriting_input(input_path, files.paths())
    with _exclusive_run(files):
        _refuse_interrupted(files, resume=False, overwrite=overwrite)
        result = _score_on_ray(
            input_path, files, config, options, scorer=scorer, show_progress_bar=show_progress_bar
        )
        if overwrite:  # only now: a failed Ray run leaves the interrupted local run resumable
            files.discard_partials()
        return result


def _score_on_ray(
    input_path: Path,
    files: RunFiles,
    config: ArticleConfig,
    options: RayOptions | None,
    *,
    scorer: ContradictionScorer | None,
    show_progress_bar: bool,
) -> ScoreResult:
    """The body of :func:`run_score_ray`, run while holding the output's lock."""
    output_path = files.output
    options = options or RayOptions()
    ray = _import_ray()
    start = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    check_article_input(input_path, text_field=config.text_field, fields=config.table_fields)
    # Loaded here too, once: a bad model fails before the cluster is involved, and the
    # manifest gets the model's hash and settings exactly as the local engine writes them.
    scorer = scorer or load_scorer(config.scoring)
    collected = _Collected(RunCounts(), [], set())
    with ray_session(options):
        context = ray.data.DataContext.get_current()
        # Findings come out in input order, as the local engine writes them.
        context.execution_options.preserve_order = True
        context.enable_progress_bars = show_progress_bar
        # Ray Data announces every execution at INFO; that belongs with the progress bars.
        logging.getLogger("ray.data").setLevel(
            logging.INFO if show_progress_bar else logging.WARNING
        )
        node_cpus = [node["Resources"].get("CPU", 0.0) for node in ray.nodes() if node.get("Alive")]
        threads = threads_per_worker(options, node_cpus)
        dataset, row_kind = plan_input(input_path)
        scored = dataset.map_batches(
            ArticleBatchScorer,
            fn_constructor_kwargs={
                "config": config,
                "row_kind": row_kind,
                "source": str(input_path),
                "model_path": model_location(config.scoring.model),
                "num_threads": threads,
                "quiet": not show_progress_bar,
            },
            batch_size=config.articles_per_batch,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=options.workers),
            num_cpus=threads,
        )
        batches = scored.iter_batches(batch_size=None, batch_format="pyarrow")
        written = write_records(output_path, stream_findings(iter(batches), collected))
    collected.counts.findings_written = written
    write_errors(files.errors, collected.errors)
    seconds = time.perf_counter() - start
    manifest = _manifest(
        input_path,
        files,
        config,
        scorer,
        collected,
        options=options,
        threads=threads,
        seconds=seconds,
        started_at=started_at,
    )
    write_json(files.manifest, manifest)
    logger.info(
        "read %d articles in %.1fs on %d Ray workers",
        collected.counts.read,
        seconds,
        options.workers,
    )
    return ScoreResult(collected.counts, collected.errors, seconds, files.manifest)
