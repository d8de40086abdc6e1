"""The ``nli`` command line: a thin typed layer over :mod:`nli.pipeline`.

Exit codes: 0 success; 1 a quality gate failed (``--min-f1``); 2 usage or input
error; 3 partial run (some rows failed and were written to ``errors.jsonl``).
"""

from __future__ import annotations

import json
import logging
import math
import sys
from pathlib import Path
from typing import Annotated

import typer

from nli import __version__

logger = logging.getLogger("nli")

EXIT_OK, EXIT_GATE, EXIT_INPUT, EXIT_PARTIAL = 0, 1, 2, 3

app = typer.Typer(
    name="nli",
    help="Find official denials contradicted by third-party reports, scored with an NLI model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# fmt: off
MODEL_HELP = "'default' (the shipped model), a local model directory (safetensors) or a hub id."
BATCH_HELP = "Pairs per forward pass."
PRECISION_HELP = "auto: bf16 where the CPU supports it natively; bf16 or fp32 to force."
ONE_WAY_HELP = "Score report -> statement only (default: both directions, keep the higher)."
THRESHOLD_HELP = "Label a pair 'contradiction' when its score >= this (default: argmax)."
VERBOSE_HELP = "More logging to stderr (-v info with progress bars, -vv debug)."
FORCE_HELP = "Overwrite OUTPUT if it exists."
# fmt: on

ModelOpt = Annotated[str, typer.Option("--model", "-m", help=MODEL_HELP)]
BatchOpt = Annotated[int, typer.Option("--batch-size", "-b", min=1, help=BATCH_HELP)]
PrecisionOpt = Annotated[str, typer.Option("--precision", help=PRECISION_HELP)]
OneWayOpt = Annotated[bool, typer.Option("--one-way", help=ONE_WAY_HELP)]
ThresholdOpt = Annotated[
    float | None, typer.Option("--threshold", min=0.0, max=1.0, help=THRESHOLD_HELP)
]
VerboseOpt = Annotated[int, typer.Option("--verbose", "-v", count=True, help=VERBOSE_HELP)]


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    logging.getLogger("nli").setLevel(level)
    if verbose < 2:
        import transformers

        # transformers' own load bars and long-input notes are noise on the CLI
        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()


def _fail(message: str, code: int = EXIT_INPUT) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _refuse_overwrite(output: Path, force: bool) -> None:
    if output.exists() and not force:
        raise _fail(f"{output} exists; pass --force to overwrite")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"denial-nli {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Print the version."
        ),
    ] = None,
) -> None:
    """Find official denials contradicted by third-party reports, scored with an NLI model.

    Exit codes: 0 success, 1 gate failed, 2 usage/input error, 3 partial run with
    errors recorded in errors.jsonl.
    """


def _build_config(
    model: str,
    batch_size: int,
    precision: str,
    one_way: bool,
    threshold: float | None,
    verbose: int,
):  # type: ignore[no-untyped-def]
    from nli.pipeline import ScoringConfig

    if precision not in ("auto", "bf16", "fp32"):
        raise _fail(f"--precision must be auto, bf16 or fp32, got {precision!r}")
    return ScoringConfig(
        model=model,
        batch_size=batch_size,
        precision=precision,
        both_directions=not one_way,
        threshold=threshold,
        show_progress_bar=verbose > 0,
    )


def _user_errors() -> tuple[type[BaseException], ...]:
    from nli.io import InputError

    return (InputError, FileNotFoundError, ValueError, OSError)


@app.command("pairs")
def pairs_cli(
    input_path: Annotated[
        Path,
        typer.Argument(metavar="INPUT", help="JSONL/CSV/Parquet with statement and report fields."),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Output file: .jsonl, .csv or .parquet.")
    ],
    model: ModelOpt = "default",
    batch_size: BatchOpt = 64,
    precision: PrecisionOpt = "auto",
    one_way: OneWayOpt = False,
    threshold: ThresholdOpt = None,
    force: Annotated[bool, typer.Option("--force", "-f", help=FORCE_HELP)] = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Score statement/report pairs for contradiction.

    Each input row needs `statement` (what an official says) and `report` (what a
    third party reports); `id` and `label` are optional and other fields are kept.
    Output rows add probs{contradiction, neutral, entailment}, score and label. Rows
    that cannot be scored go to errors.jsonl beside the output (exit code 3).

    Example:

        nli pairs fixtures/pairs.jsonl -o out/scored.jsonl --model path/to/model
    """
    _setup_logging(verbose)
    from nli.pipeline import run_pairs

    _refuse_overwrite(output, force)
    config = _build_config(model, batch_size, precision, one_way, threshold, verbose)
    try:
        result = run_pairs(input_path, output, config)
    except _user_errors() as error:
        raise _fail(str(error)) from None
    typer.echo(
        f"scored {len(result.scored)} pairs -> {output} ({len(result.errors)} errors)", err=True
    )
    raise typer.Exit(EXIT_PARTIAL if result.errors else EXIT_OK)


def _format_metrics(metrics: dict[str, float]) -> str:
    from nli.types import LABELS

    lines = [
        f"pairs          {int(metrics['n'])}",
        f"accuracy       {metrics['accuracy']:.3f}",
        f"macro F1       {metrics['macro_f1']:.3f}",
        f"ROC-AUC (contradiction)  {metrics['roc_auc']:.3f}",
        f"PR-AUC  (contradiction)  {metrics['pr_auc']:.3f}",
        "",
        f"{'label':<15}{'precision':>10}{'recall':>10}{'f1':>10}",
    ]
    for label in LABELS:
        lines.append(
            f"{label:<15}{metrics[f'precision_{label}']:>10.3f}"
            f"{metrics[f'recall_{label}']:>10.3f}{metrics[f'f1_{label}']:>10.3f}"
        )
    return "\n".join(lines)


@app.command("eval")
def eval_cli(
    fixtures: Annotated[
        Path,
        typer.Argument(
            metavar="FIXTURES",
            help="Labelled pairs: statement, report, label (or contradiction: true/false).",
        ),
    ],
    model: ModelOpt = "default",
    batch_size: BatchOpt = 64,
    precision: PrecisionOpt = "auto",
    one_way: OneWayOpt = False,
    threshold: ThresholdOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of a table.")
    ] = False,
    min_f1: Annotated[
        float | None,
        typer.Option(
            "--min-f1", min=0.0, max=1.0, help="Exit 1 when contradiction F1 is below this."
        ),
    ] = None,
    verbose: VerboseOpt = 0,
) -> None:
    """Evaluate a model on labelled pairs; a CI gate with --min-f1.

    Prints accuracy, per-class precision/recall/F1 and contradiction ROC-AUC and
    PR-AUC. With --json, one JSON object with (at least) accuracy, macro_f1,
    f1_contradiction, roc_auc, pr_auc and n.

    Example:

        nli eval fixtures/pairs.jsonl --model path/to/model --json --min-f1 0.8
    """
    _setup_logging(verbose)
    from nli.pipeline import run_eval

    config = _build_config(model, batch_size, precision, one_way, threshold, verbose)
    try:
        result = run_eval(fixtures, config)
    except _user_errors() as error:
        raise _fail(str(error)) from None
    metrics = result.metrics
    if as_json:
        clean = {
            k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in metrics.items()
        }
        clean["n"] = int(metrics["n"])
        clean["errors"] = len(result.errors)
        clean["unlabelled"] = result.unlabelled
        typer.echo(json.dumps(clean, sort_keys=True))
    else:
        typer.echo(_format_metrics(metrics))
    for bad in result.errors:
        typer.echo(f"warning: {bad.source}:{bad.line}: {bad.message}", err=True)
    if min_f1 is not None and metrics["f1_contradiction"] < min_f1:
        typer.echo(
            f"gate failed: f1_contradiction {metrics['f1_contradiction']:.3f} < {min_f1}", err=True
        )
        raise typer.Exit(EXIT_GATE)
    raise typer.Exit(EXIT_PARTIAL if result.errors else EXIT_OK)


TextFieldOpt = Annotated[str, typer.Option("--text-field", help="Text field in JSONL/CSV/Parquet.")]
IdFieldOpt = Annotated[str, typer.Option("--id-field", help="Id field in JSONL/CSV/Parquet.")]
INPUT_HELP = "A folder of .txt/.html files, or a JSONL/CSV/Parquet file (.gz too)."


@app.command("score")
def score_cli(
    input_path: Annotated[Path, typer.Argument(metavar="ARTICLES", help=INPUT_HELP)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Findings: .jsonl/.csv/.parquet.")],
    model: ModelOpt = "default",
    min_score: Annotated[
        float | None,
        typer.Option("--min-score", min=0.0, max=1.0, help="Write only findings >= this."),
    ] = None,
    threshold: Annotated[
        float, typer.Option("--threshold", min=0.0, max=1.0, help="Score labelled contradiction.")
    ] = 0.5,
    min_overlap: Annotated[
        int, typer.Option("--min-overlap", min=0, help="Shared topic words needed to pair.")
    ] = 1,
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    batch_size: BatchOpt = 64,
    precision: PrecisionOpt = "auto",
    one_way: OneWayOpt = False,
    force: Annotated[bool, typer.Option("--force", "-f", help=FORCE_HELP)] = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Find official statements contradicted by third-party reports in articles.

    Cleans each article, splits sentences, finds official statements and
    third-party reports, pairs those that share topic words, and scores each pair.
    Writes one finding per pair (article_id, statement, report with spans into the
    original text, normalised premise/hypothesis, probs, score, label), errors.jsonl
    for articles that failed, and OUTPUT.manifest.json with counts and settings.

    Example:

        nli score ../shared/examples -o out/findings.jsonl --model path/to/model
    """
    _setup_logging(verbose)
    from nli.pipeline import ArticleConfig, run_score

    _refuse_overwrite(output, force)
    scoring = _build_config(model, batch_size, precision, one_way, None, verbose)
    config = ArticleConfig(
        scoring=scoring,
        text_field=text_field,
        id_field=id_field,
        min_overlap=min_overlap,
        min_score=min_score,
        threshold=threshold,
    )
    try:
        result = run_score(input_path, output, config, show_progress_bar=verbose > 0)
    except _user_errors() as error:
        raise _fail(str(error)) from None
    c = result.counts
    typer.echo(
        f"read {c.read} articles: {c.scored} scored, {c.skipped} skipped, {c.errored} errored; "
        f"{c.claims} claims, {c.pairs} pairs, {c.findings_written} findings -> {output} "
        f"({result.seconds:.1f}s)",
        err=True,
    )
    raise typer.Exit(EXIT_PARTIAL if result.errors else EXIT_OK)


@app.command("extract")
def extract_cli(
    input_path: Annotated[Path, typer.Argument(metavar="ARTICLES", help=INPUT_HELP)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Claims: .jsonl/.csv/.parquet.")],
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    force: Annotated[bool, typer.Option("--force", "-f", help=FORCE_HELP)] = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Write the official statements and third-party reports found in articles (no model).

    One row per claim: article_id, kind (statement/report), text, speaker or source,
    cue, content, polarity and span (character offsets into the article as given).

    Example:

        nli extract fixtures/articles -o out/claims.jsonl
    """
    _setup_logging(verbose)
    from nli.pipeline import ArticleConfig, run_extract

    _refuse_overwrite(output, force)
    config = ArticleConfig(text_field=text_field, id_field=id_field)
    try:
        counts = run_extract(input_path, output, config)
    except _user_errors() as error:
        raise _fail(str(error)) from None
    typer.echo(f"read {counts.read} articles: {counts.claims} claims -> {output}", err=True)
    raise typer.Exit(EXIT_PARTIAL if counts.errored else EXIT_OK)


def main() -> None:
    """Console-script entry point; usage errors exit with code 2."""
    app()
