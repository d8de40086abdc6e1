"""The ``nli`` command line: a thin typed layer over :mod:`nli.runs` and :mod:`nli.pair_jobs`.

Exit codes: 0 success; 1 a quality gate failed (``--min-f1``/``--min-auc``); 2 usage or input
error; 3 partial run (some rows failed and were written to ``OUTPUT.errors.jsonl``); 4 internal
error (a bug: ``-v`` prints its traceback).
"""

from __future__ import annotations

import json
import logging
import math
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from nli import __version__
from nli.config import (
    DEFAULT_BLANKET_TOP_K,
    DEFAULT_DENIAL_TOP_K,
    DEFAULT_MIN_SIMILARITY,
    DEFAULT_TOP_K,
)

if TYPE_CHECKING:
    from nli.pair_jobs import EvalResult

logger = logging.getLogger("nli")

EXIT_OK, EXIT_GATE, EXIT_INPUT, EXIT_PARTIAL, EXIT_INTERNAL = 0, 1, 2, 3, 4

app = typer.Typer(
    name="nli",
    help="Find official denials contradicted by third-party reports, scored with an NLI model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# fmt: off
MODEL_HELP = (
    "'default' (the shipped model), 'accurate' (larger and slower; needs the accurate extra), "
    "a local model directory (safetensors) or a hub id (owner/name)."
)
CALIBRATE_MODEL_HELP = (
    "'default', 'accurate' or a local model directory; calibration.json is written into it."
)
BATCH_HELP = "Pairs per forward pass."
PRECISION_HELP = (
    "auto: int8 where the model's measured int8 record allows it, else bf16 where the CPU "
    "supports it natively, else fp32; int8, bf16 or fp32 to force."
)
BOTH_WAYS_HELP = (
    "Also score statement -> report and keep the higher (default: report -> statement only; "
    "score with the setting the model was calibrated with)."
)
THRESHOLD_HELP = (
    "Label a pair 'contradiction' when its calibrated contradiction probability >= this "
    "(default: the model's fitted threshold, else argmax)."
)
PRIORITY_THRESHOLD_HELP = (
    "Ranked pairing: priority (calibrated x pair probability) labelled contradiction "
    "(default: the model's finding_threshold.json unless --threshold is given)."
)
VERBOSE_HELP = "More logging to stderr (-v info with progress bars, -vv debug)."
FORCE_HELP = "Overwrite OUTPUT if it exists."
# fmt: on

ModelOpt = Annotated[str, typer.Option("--model", "-m", help=MODEL_HELP)]
BatchOpt = Annotated[int, typer.Option("--batch-size", "-b", min=1, help=BATCH_HELP)]
PrecisionOpt = Annotated[str, typer.Option("--precision", help=PRECISION_HELP)]
BothWaysOpt = Annotated[bool, typer.Option("--both-ways", help=BOTH_WAYS_HELP)]
# one way became the default; the flag stays accepted for scripts written before
OneWayOpt = Annotated[bool, typer.Option("--one-way", hidden=True)]
ThresholdOpt = Annotated[
    float | None, typer.Option("--threshold", min=0.0, max=1.0, help=THRESHOLD_HELP)
]
VerboseOpt = Annotated[
    int, typer.Option("--verbose", "-v", count=True, metavar="", help=VERBOSE_HELP)
]
FinderOpt = Annotated[
    str,
    typer.Option(
        "--finder",
        help="How claims are found: parse (rules plus spaCy's dependency parse) or rules.",
    ),
]
PairingOpt = Annotated[
    str,
    typer.Option(
        "--pairing",
        help="ranked (claims paired both ways, kept by the pair ranker fitted on real "
        "news), retrieval (top-k reports per statement by sentence embedding) or topics "
        "(every pair sharing --min-overlap topic words).",
    ),
]
TopKOpt = Annotated[
    int, typer.Option("--top-k", min=1, help="Reports kept per statement (--pairing retrieval).")
]
DenialTopKOpt = Annotated[
    int,
    typer.Option("--denial-top-k", min=1, help="Reports kept per denial (--pairing retrieval)."),
]
BlanketTopKOpt = Annotated[
    int,
    typer.Option(
        "--blanket-top-k",
        min=1,
        help="Reports kept per blanket denial ('the report is false'; --pairing retrieval).",
    ),
]
MinOverlapOpt = Annotated[
    int,
    typer.Option(
        "--min-overlap", min=0, help="Shared topic words needed to pair (--pairing topics)."
    ),
]
MinSimOpt = Annotated[
    float,
    typer.Option(
        "--min-similarity",
        min=-1.0,
        max=1.0,
        help="Lowest embedding cosine of a retrieved pair (--pairing retrieval).",
    ),
]


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


def _count(n: int, noun: str) -> str:
    """``n`` with ``noun`` in the singular or plural: "1 article", "3 articles"."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _fail(message: str, code: int = EXIT_INPUT) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _refuse_folder(output: Path) -> None:
    if str(output) == "-":  # not standard output: a file named "-" would be written
        raise _fail("-o - (standard output) is not supported; give a file name")
    if output.is_dir():
        raise _fail(f"{output} is a folder; give a file name for the output")


def _refuse_overwrite(output: Path, force: bool) -> None:
    _refuse_folder(output)
    if output.exists() and not force:
        raise _fail(f"{output} exists; pass --force to overwrite")


def _refuse_input(inputs: Sequence[Path | None], outputs: Sequence[Path]) -> None:
    """Exit 2 when a file the command writes is one of its inputs (``--force`` or not)."""
    from nli.io import InputError
    from nli.runs import refuse_overwriting_input

    for source in inputs:
        if source is None:
            continue
        try:
            refuse_overwriting_input(source, outputs)
        except InputError as error:
            raise _fail(str(error)) from None


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
    errors recorded in OUTPUT.errors.jsonl, 4 internal error (-v prints its traceback).
    """


def _build_config(
    model: str,
    batch_size: int,
    precision: str,
    both_ways: bool,
    one_way: bool,
    threshold: float | None,
    verbose: int,
):  # type: ignore[no-untyped-def]
    from nli.config import ScoringConfig

    if precision not in ("auto", "int8", "bf16", "fp32"):
        raise _fail(f"--precision must be auto, int8, bf16 or fp32, got {precision!r}")
    if both_ways and one_way:
        raise _fail("--both-ways and --one-way contradict each other: give one")
    return ScoringConfig(
        model=model,
        batch_size=batch_size,
        precision=precision,
        both_directions=both_ways,
        threshold=threshold,
        show_progress_bar=verbose > 0,
    )


def _raised_on_purpose(error: Exception) -> bool:
    """Whether ``error`` is a deliberate input or usage error: an ``InputError``, an
    ``OSError`` (a path, a permission, a full disk), or a ``ValueError`` or ``RuntimeError``
    that this package raised itself to refuse a bad option, value or file, or to say what
    to install (its traceback ends in ``nli``). One from inside a library, or any other
    exception, is a bug here."""
    from nli.io import InputError

    if isinstance(error, InputError | OSError):
        return True
    if not isinstance(error, ValueError | RuntimeError) or error.__traceback__ is None:
        return False
    frame = error.__traceback__
    while frame.tb_next is not None:
        frame = frame.tb_next
    module = str(frame.tb_frame.f_globals.get("__name__", ""))
    return module == "nli" or module.startswith("nli.")


def _exit_for(error: Exception, verbose: int, *, before: str = "") -> typer.Exit:
    """The exit of a command that ``error`` ended: one line and exit code 2 for an input or
    usage error (:func:`_raised_on_purpose`), else "internal error" and exit code 4. With
    ``-v`` the traceback comes first. ``before`` starts the message."""
    if isinstance(error, typer.Exit):  # a refusal already reported
        return error
    if verbose > 0:
        typer.echo("".join(traceback.format_exception(error)).rstrip(), err=True)
    if _raised_on_purpose(error):
        return _fail(f"{before}{error}")
    hint = "" if verbose > 0 else "; rerun with -v for the traceback"
    return _fail(
        f"{before}internal error ({type(error).__name__}: {error}); this is a bug{hint}",
        EXIT_INTERNAL,
    )


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
    both_ways: BothWaysOpt = False,
    one_way: OneWayOpt = False,
    threshold: ThresholdOpt = None,
    force: Annotated[bool, typer.Option("--force", "-f", help=FORCE_HELP)] = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Score statement/report pairs for contradiction.

    Each input row needs `statement` (what an official says) and `report` (what a
    third party reports); `id` and `label` are optional and other fields are kept.
    Output rows add probs{contradiction, neutral, entailment} and score (the model's raw
    probabilities), calibrated (the contradiction probability after the model's
    calibration) and label, decided on it as `nli eval` decides. Rows
    that cannot be scored go to OUTPUT.errors.jsonl beside the output (exit code 3).

    Example:

        nli pairs fixtures/pairs.jsonl -o out/scored.jsonl --model path/to/model
    """
    _setup_logging(verbose)
    from nli.io import errors_path
    from nli.pair_jobs import run_pairs

    _refuse_input([input_path], [output, errors_path(output)])  # never the input
    _refuse_overwrite(output, force)
    config = _build_config(model, batch_size, precision, both_ways, one_way, threshold, verbose)
    try:
        result = run_pairs(input_path, output, config)
    except Exception as error:
        raise _exit_for(error, verbose) from None
    typer.echo(
        f"scored {len(result.scored)} pairs -> {output} ({len(result.errors)} errors)", err=True
    )
    raise typer.Exit(EXIT_PARTIAL if result.errors else EXIT_OK)


def _number(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}f}"


def _interval(result: EvalResult, name: str) -> str:
    if name not in result.intervals:
        return ""
    low, high = result.intervals[name]
    return f"  [{_number(low, 2)}, {_number(high, 2)}]"


def _format_eval(result: EvalResult) -> str:
    """The human-readable ``nli eval`` report: metrics, intervals, calibration, confusion."""
    from nli.types import LABELS

    metrics = result.metrics
    lines = [f"pairs          {int(metrics['n'])}"]
    if result.counts:
        c = result.counts
        lines.append(
            f"articles       {c['articles']}: {c['pairs_matched']} of {c['pairs_gold']} gold pairs "
            f"have a finding (the other {c['pairs_without_finding']} count as neutral, score 0); "
            f"{c['findings_without_gold']} findings match no gold pair"
        )
    rule = "argmax" if result.threshold is None else f"P(contradiction) >= {result.threshold:.3f}"
    lines += [
        f"decision       {rule}; temperature {result.temperature:.3f}",
        f"accuracy       {_number(metrics['accuracy'])}",
        f"macro F1       {_number(metrics['macro_f1'])}{_interval(result, 'macro_f1')}",
        f"F1 contradiction         {_number(metrics['f1_contradiction'])}"
        f"{_interval(result, 'f1_contradiction')}",
        f"ROC-AUC (contradiction)  {_number(metrics['roc_auc'])}{_interval(result, 'roc_auc')}",
        f"PR-AUC  (contradiction)  {_number(metrics['pr_auc'])}{_interval(result, 'pr_auc')}",
        f"ECE (top label, 10 bins) {_number(metrics['ece'])} (uncalibrated "
        f"{_number(metrics['ece_raw'])}; a perfectly calibrated model would get "
        f"{_number(metrics['ece_floor'])} on this data)",
        f"ECE (contradiction)      {_number(metrics['ece_contradiction'])}",
        f"Brier (3-class)          {_number(metrics['brier'])}",
        f"Brier (contradiction)    {_number(metrics['brier_contradiction'])}",
    ]
    if result.intervals:
        lines.append("(bracketed: bootstrap 95% confidence intervals)")
    lines += ["", f"{'label':<15}{'precision':>10}{'recall':>10}{'f1':>10}"]
    for label in LABELS:
        lines.append(
            f"{label:<15}{metrics[f'precision_{label}']:>10.3f}"
            f"{metrics[f'recall_{label}']:>10.3f}{metrics[f'f1_{label}']:>10.3f}"
        )
    lines += ["", "confusion matrix (rows gold, columns predicted)"]
    lines.append(" " * 15 + "".join(f"{label:>15}" for label in LABELS))
    for label, row in zip(LABELS, result.confusion, strict=True):
        lines.append(f"{label:<15}" + "".join(f"{count:>15}" for count in row))
    if result.quality is not None:
        lines += ["", *_format_quality(result.quality)]
    return "\n".join(lines)


def _format_quality(q: dict[str, Any]) -> list[str]:
    misses = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in q["misses"].items())
    return [
        f"pipeline on {q['n_contradictions']} gold contradiction pairs "
        f"({q['n_articles_with_contradiction']} articles)",
        f"pairing recall           {_number(q['pairing_recall'])} (reach the model)",
        f"recall (end to end)      {_number(q['recall'])} (labelled contradiction"
        + (
            f": priority >= {q['priority_threshold']:.4f})"
            if q.get("priority_threshold") is not None
            else f": calibrated score >= {q['label_threshold']:.4f})"
        ),
        f"precision (end to end)   {_number(q['precision'])} (of flagged gold pairs)",
        f"top-1 per article        {_number(q['top1'])}",
        f"scored pairs per article {q['pairs_per_article']:.1f}",
        f"misses by cause          {misses}",
        f"articles without findings {len(q['articles_without_findings'])}"
        + (
            f": {', '.join(q['articles_without_findings'])}"
            if q["articles_without_findings"]
            else ""
        ),
    ]


def _eval_json(result: EvalResult, *, n_resamples: int, seed: int) -> dict[str, Any]:
    """The ``nli eval --json`` object (keys documented in README); NaN becomes null."""
    from nli.evaluate import BOOTSTRAP_METRICS
    from nli.types import LABELS

    out: dict[str, Any] = {
        k: (None if isinstance(v, float) and math.isnan(v) else v)
        for k, v in result.metrics.items()
    }
    out["n"] = int(result.metrics["n"])
    for name in BOOTSTRAP_METRICS:  # null when --bootstrap 0 or undefined
        low, high = result.intervals.get(name, (math.nan, math.nan))
        out[f"{name}_ci"] = None if math.isnan(low) else [low, high]
    out["confusion_matrix"] = result.confusion
    out["labels"] = list(LABELS)
    out["threshold"] = result.threshold
    out["temperature"] = result.temperature
    out["calibrated"] = result.calibrated
    out["bootstrap_resamples"] = n_resamples
    out["seed"] = seed
    out["errors"] = len(result.errors)
    out["unlabelled"] = result.unlabelled
    out.update(result.counts)
    if result.quality is not None:
        out["pipeline"] = result.quality
    return out


def _quality_failures(quality: dict[str, Any] | None, gates: dict[str, float | None]) -> list[str]:
    """Failed article-pipeline gates: ``min_*`` keys are lower bounds, ``max_*`` upper."""
    failures = []
    for gate, bound in gates.items():
        if bound is None:
            continue
        if quality is None:
            failures.append(f"--{gate.replace('_', '-')} needs --articles")
            continue
        kind, key = gate.split("_", 1)
        value = quality[key]
        ok = value >= bound if kind == "min" else value <= bound  # NaN fails both
        if not ok:
            failures.append(f"{key} {_number(value)} {'<' if kind == 'min' else '>'} {bound}")
    return failures


def _gate_failures(
    metrics: dict[str, float], min_f1: float | None, min_auc: float | None
) -> list[str]:
    failures = []
    if min_f1 is not None and not metrics["f1_contradiction"] >= min_f1:
        failures.append(f"f1_contradiction {_number(metrics['f1_contradiction'])} < {min_f1}")
    # NaN (one class only) cannot show the AUC is high enough, so it fails too.
    if min_auc is not None and not metrics["roc_auc"] >= min_auc:
        failures.append(f"roc_auc {_number(metrics['roc_auc'])} < {min_auc}")
    return failures


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
    articles: Annotated[
        bool,
        typer.Option(
            "--articles",
            help="FIXTURES is labelled articles (fixtures/articles.jsonl format): run the "
            "article pipeline and score its pairs against the gold pairs.",
        ),
    ] = False,
    batch_size: BatchOpt = 64,
    precision: PrecisionOpt = "auto",
    both_ways: BothWaysOpt = False,
    one_way: OneWayOpt = False,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            min=0.0,
            max=1.0,
            help="Contradiction threshold (default: the calibrated one, else argmax); with "
            "--articles it labels the findings too, instead of the model's priority threshold.",
        ),
    ] = None,
    priority_threshold: Annotated[
        float | None,
        typer.Option(
            "--priority-threshold",
            min=0.0,
            max=1.0,
            help="--articles: " + PRIORITY_THRESHOLD_HELP,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of a table.")
    ] = False,
    min_f1: Annotated[
        float | None,
        typer.Option(
            "--min-f1", min=0.0, max=1.0, help="Exit 1 when contradiction F1 is below this."
        ),
    ] = None,
    min_auc: Annotated[
        float | None,
        typer.Option(
            "--min-auc", min=0.0, max=1.0, help="Exit 1 when contradiction ROC-AUC is below this."
        ),
    ] = None,
    plots: Annotated[
        Path | None,
        typer.Option(
            "--plots",
            help="Write reliability.png, pr_curve.png and score_histograms.png to this folder.",
        ),
    ] = None,
    bootstrap: Annotated[
        int,
        typer.Option("--bootstrap", min=0, help="Bootstrap resamples for the 95% CIs (0: none)."),
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Bootstrap seed.")] = 0,
    finder: FinderOpt = "parse",
    pairing: PairingOpt = "ranked",
    top_k: TopKOpt = DEFAULT_TOP_K,
    denial_top_k: DenialTopKOpt = DEFAULT_DENIAL_TOP_K,
    blanket_top_k: BlanketTopKOpt = DEFAULT_BLANKET_TOP_K,
    min_similarity: MinSimOpt = DEFAULT_MIN_SIMILARITY,
    min_overlap: MinOverlapOpt = 1,
    min_pairing_recall: Annotated[
        float | None,
        typer.Option("--min-pairing-recall", min=0.0, max=1.0, help="--articles gate."),
    ] = None,
    min_recall: Annotated[
        float | None,
        typer.Option("--min-recall", min=0.0, max=1.0, help="--articles gate (end to end)."),
    ] = None,
    min_precision: Annotated[
        float | None,
        typer.Option("--min-precision", min=0.0, max=1.0, help="--articles gate (end to end)."),
    ] = None,
    min_top1: Annotated[
        float | None, typer.Option("--min-top1", min=0.0, max=1.0, help="--articles gate.")
    ] = None,
    max_pairs_per_article: Annotated[
        float | None,
        typer.Option("--max-pairs-per-article", min=0.0, help="--articles gate."),
    ] = None,
    verbose: VerboseOpt = 0,
) -> None:
    """Evaluate a model on labelled pairs (or labelled articles); a CI gate with --min-f1.

    Prints accuracy, per-class precision/recall/F1, contradiction ROC-AUC and PR-AUC,
    expected calibration error, Brier score, the confusion matrix and bootstrap 95%
    confidence intervals of F1 and AUC. Probabilities are calibrated and the
    threshold taken from the model's calibration.json when it has one (see `nli
    calibrate`). With --json, one JSON object (keys in README).

    Example:

        nli eval fixtures/pairs_test.jsonl --model path/to/model --json --min-f1 0.8
    """
    _setup_logging(verbose)
    from nli.config import ArticleConfig
    from nli.pair_jobs import run_eval, run_eval_articles

    config = _build_config(model, batch_size, precision, both_ways, one_way, threshold, verbose)
    if priority_threshold is not None and not articles:
        raise _fail("--priority-threshold needs --articles (labelled pairs have no priority)")
    try:
        if articles:
            options = ArticleConfig(
                finder=finder,
                pairing=pairing,
                top_k=top_k,
                denial_top_k=denial_top_k,
                blanket_top_k=blanket_top_k,
                min_similarity=min_similarity,
                min_overlap=min_overlap,
                priority_threshold=priority_threshold,
            )
            result = run_eval_articles(
                fixtures, config, article_config=options, n_resamples=bootstrap, seed=seed
            )
        else:
            result = run_eval(fixtures, config, n_resamples=bootstrap, seed=seed)
        if plots is not None:
            from nli.plots import write_eval_plots

            written = write_eval_plots(
                result.probs, result.references, plots, threshold=result.threshold
            )
            typer.echo(f"wrote {len(written)} plots to {plots}", err=True)
    except Exception as error:
        raise _exit_for(error, verbose) from None
    if as_json:
        typer.echo(json.dumps(_eval_json(result, n_resamples=bootstrap, seed=seed), sort_keys=True))
    else:
        typer.echo(_format_eval(result))
    for bad in result.errors:
        typer.echo(f"warning: {bad.source}:{bad.line}: {bad.message}", err=True)
    failures = _gate_failures(result.metrics, min_f1, min_auc) + _quality_failures(
        result.quality,
        {
            "min_pairing_recall": min_pairing_recall,
            "min_recall": min_recall,
            "min_precision": min_precision,
            "min_top1": min_top1,
            "max_pairs_per_article": max_pairs_per_article,
        },
    )
    if failures:
        typer.echo(f"gate failed: {'; '.join(failures)}", err=True)
        raise typer.Exit(EXIT_GATE)
    raise typer.Exit(EXIT_PARTIAL if result.errors else EXIT_OK)


@app.command("calibrate")
def calibrate_cli(
    dev_pairs: Annotated[
        Path,
        typer.Argument(
            metavar="DEV_PAIRS",
            help="Labelled dev pairs, disjoint from the pairs you will evaluate on.",
        ),
    ],
    model: Annotated[str, typer.Option("--model", "-m", help=CALIBRATE_MODEL_HELP)] = "default",
    batch_size: BatchOpt = 64,
    precision: PrecisionOpt = "auto",
    both_ways: BothWaysOpt = False,
    one_way: OneWayOpt = False,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Replace an existing calibration.json.")
    ] = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Fit temperature scaling and a contradiction threshold; write MODEL/calibration.json.

    The temperature minimises the negative log-likelihood of the dev labels; the
    threshold on the calibrated contradiction probability maximises contradiction F1
    on dev. Afterwards `nli score` findings carry calibrated scores, and `nli eval`
    evaluates calibrated probabilities with this threshold unless --threshold is
    given. Score with the --both-ways setting you calibrate with (default: one way).

    Example:

        nli calibrate fixtures/pairs_dev.jsonl --model path/to/model
    """
    _setup_logging(verbose)
    from nli.calibration import CALIBRATION_FILE
    from nli.model import resolve_model_path
    from nli.pair_jobs import run_calibrate

    config = _build_config(model, batch_size, precision, both_ways, one_way, None, verbose)
    if not dev_pairs.is_file():  # before the model's calibration is asked about
        raise _fail(f"{dev_pairs}: {'a folder' if dev_pairs.is_dir() else 'not found'}")
    try:
        model_dir = Path(resolve_model_path(model))
        if not model_dir.is_dir():
            raise ValueError(f"{model}: calibration needs a local model directory")
        _refuse_overwrite(model_dir / CALIBRATION_FILE, force)
        result = run_calibrate(dev_pairs, config)
    except Exception as error:
        raise _exit_for(error, verbose) from None
    c = result.calibration
    typer.echo(
        f"temperature {c.temperature:.3f}, threshold {c.threshold:.3f} "
        f"(dev contradiction F1 {c.f1_at_threshold:.3f}); on {c.n} dev pairs ECE "
        f"{c.ece_before:.3f} -> {c.ece_after:.3f}, NLL {c.nll_before:.3f} -> {c.nll_after:.3f}"
    )
    typer.echo(f"wrote {result.path}", err=True)
    for bad in result.errors:
        typer.echo(f"warning: {bad.source}:{bad.line}: {bad.message}", err=True)
    raise typer.Exit(EXIT_PARTIAL if result.errors else EXIT_OK)


TextFieldOpt = Annotated[str, typer.Option("--text-field", help="Text field in JSONL/CSV/Parquet.")]
IdFieldOpt = Annotated[str, typer.Option("--id-field", help="Id field in JSONL/CSV/Parquet.")]
INPUT_HELP = "A folder of .txt/.html files, or a JSONL/CSV/Parquet file (.gz too)."
# fmt: off
ARTICLES_PER_BATCH_HELP = "Articles scored together; progress is checkpointed after each batch."
EXTRACT_AHEAD_HELP = (
    "on: find the next batch's claims in a second process while this one is scored (same "
    "findings, about 1.2x the articles/s on 2 cores); off: one process; auto: on with 2 or "
    "more CPUs, unless $NLI_EXTRACT_AHEAD is 0 or 1."
)
#: ``--extract-ahead`` values as ``ArticleConfig.extract_ahead``.
_AHEAD: dict[str, bool | None] = {"auto": None, "on": True, "off": False}
MAX_CHARS_HELP = "Longer articles are not processed and go to OUTPUT.errors.jsonl."
RESUME_HELP = "Continue an interrupted run of OUTPUT (same input, model and options)."
SCORE_FORCE_HELP = "Overwrite OUTPUT, or discard an interrupted run of it and start over."
SCORE_THRESHOLD_HELP = (
    "Calibrated score labelled contradiction (default: the fitted one; 0.5); alone, it also "
    "labels ranked findings (instead of the model's priority threshold)."
)
CROSS_HELP = "Also pair statements with reports of other articles about the same event."
EVENT_FIELD_HELP = "--cross-article: field naming an article's event (default: all one event)."
SCORE_REPORT_HELP = "Also write a self-contained HTML report of the findings here."
ENGINE_HELP = "local: this process. ray: Ray Data actors (needs: pip install 'denial-nli\\[ray]')."
ADDRESS_HELP = "--engine ray: cluster to join (auto, ray://HEAD:10001); default: start one here."
WORKERS_HELP = "--engine ray: scoring actors, each with a model and a share of the CPUs (default 2)"
KEEP_FIELDS_HELP = "a,b: fields copied into findings as article.a (.html: date,outlet,url,title)."
DATE_FIELD_HELP = "Field read as a date (any format) into article.date (ISO); unreadable: counted."
# fmt: on


def _field_names(value: str | None) -> tuple[str, ...]:
    """``"date, outlet"`` as ``("date", "outlet")`` (:func:`nli.config.field_names`)."""
    from nli.config import field_names

    try:
        return field_names(value)
    except ValueError as error:
        raise _fail(str(error)) from None


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
        float | None, typer.Option("--threshold", min=0.0, max=1.0, help=SCORE_THRESHOLD_HELP)
    ] = None,
    priority_threshold: Annotated[
        float | None,
        typer.Option("--priority-threshold", min=0.0, max=1.0, help=PRIORITY_THRESHOLD_HELP),
    ] = None,
    min_overlap: MinOverlapOpt = 1,
    finder: FinderOpt = "parse",
    pairing: PairingOpt = "ranked",
    top_k: TopKOpt = DEFAULT_TOP_K,
    denial_top_k: DenialTopKOpt = DEFAULT_DENIAL_TOP_K,
    blanket_top_k: BlanketTopKOpt = DEFAULT_BLANKET_TOP_K,
    min_similarity: MinSimOpt = DEFAULT_MIN_SIMILARITY,
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    batch_size: BatchOpt = 64,
    precision: PrecisionOpt = "auto",
    both_ways: BothWaysOpt = False,
    one_way: OneWayOpt = False,
    articles_per_batch: Annotated[
        int, typer.Option("--articles-per-batch", min=1, help=ARTICLES_PER_BATCH_HELP)
    ] = 32,
    max_chars: Annotated[int, typer.Option("--max-chars", min=1, help=MAX_CHARS_HELP)] = 200_000,
    extract_ahead: Annotated[
        str, typer.Option("--extract-ahead", help=EXTRACT_AHEAD_HELP, metavar="auto|on|off")
    ] = "auto",
    resume: Annotated[bool, typer.Option("--resume", help=RESUME_HELP)] = False,
    force: Annotated[bool, typer.Option("--force", "-f", help=SCORE_FORCE_HELP)] = False,
    engine: Annotated[str, typer.Option("--engine", help=ENGINE_HELP)] = "local",
    address: Annotated[str | None, typer.Option("--address", help=ADDRESS_HELP)] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help=WORKERS_HELP)] = None,
    report: Annotated[Path | None, typer.Option("--report", help=SCORE_REPORT_HELP)] = None,
    cross_article: Annotated[bool, typer.Option("--cross-article", help=CROSS_HELP)] = False,
    event_field: Annotated[str | None, typer.Option("--event-field", help=EVENT_FIELD_HELP)] = None,
    keep_fields: Annotated[str | None, typer.Option("--keep-fields", help=KEEP_FIELDS_HELP)] = None,
    date_field: Annotated[str | None, typer.Option("--date-field", help=DATE_FIELD_HELP)] = None,
    verbose: VerboseOpt = 0,
) -> None:
    """Find official statements contradicted by third-party reports in articles.

    Cleans each article, splits sentences, finds official statements and
    third-party reports, pairs them (by default the pairs a ranker fitted on real
    news rates likely a denial and the report it answers; see --pairing), and scores
    each pair.
    Writes one finding per pair (article_id, statement, report with spans into the
    original text, normalised premise/hypothesis, probs, score, label), OUTPUT.errors.jsonl
    for articles that failed, and OUTPUT.manifest.json with counts and settings.
    The output format follows the suffix: .jsonl, .csv (dotted columns) or .parquet.
    An interrupted run (Ctrl-C, kill, crash) continues with --resume. With
    --report, an HTML report of the findings is written too (as `nli report`).
    --keep-fields carries article fields (a table's columns; an HTML page's date,
    site name as outlet, URL) into each finding, for `nli summarize`.

    Example:

        nli score ../shared/examples -o out/findings.jsonl --report out/report.html

        nli score news.jsonl -o out/f.csv --keep-fields outlet,url --date-field published
    """
    _setup_logging(verbose)
    from nli.config import ArticleConfig
    from nli.io import InputError
    from nli.runs import RunFiles, run_score

    if engine not in ("local", "ray"):
        raise _fail(f"--engine must be local or ray, got {engine!r}")
    if engine == "local" and (address is not None or workers is not None):
        raise _fail("--address and --workers need --engine ray")
    if engine == "ray" and resume:
        raise _fail("--resume works with --engine local only")
    if engine == "ray" and cross_article:
        raise _fail("--cross-article works with --engine local only")
    if event_field is not None and not cross_article:
        raise _fail("--event-field needs --cross-article")
    if extract_ahead not in _AHEAD:
        raise _fail(f"--extract-ahead must be auto, on or off, got {extract_ahead!r}")
    try:
        written = [*RunFiles.for_output(output).paths(), *([report] if report else [])]
    except InputError as error:  # an output name the run cannot write (.gz)
        raise _fail(str(error)) from None
    _refuse_input([input_path], written)  # never the input, even with --force
    _refuse_folder(output)
    if not resume:
        _refuse_overwrite(output, force)
    if report is not None:
        if report.resolve() == output.resolve():
            raise _fail("--report must differ from OUTPUT")
        _refuse_overwrite(report, force)
    scoring = _build_config(model, batch_size, precision, both_ways, one_way, None, verbose)
    try:
        config = ArticleConfig(
            scoring=scoring,
            text_field=text_field,
            id_field=id_field,
            min_overlap=min_overlap,
            finder=finder,
            pairing=pairing,
            top_k=top_k,
            denial_top_k=denial_top_k,
            blanket_top_k=blanket_top_k,
            min_similarity=min_similarity,
            min_score=min_score,
            threshold=threshold,
            priority_threshold=priority_threshold,
            articles_per_batch=articles_per_batch,
            max_article_chars=max_chars,
            cross_article=cross_article,
            event_field=event_field,
            keep_fields=_field_names(keep_fields),
            date_field=date_field,
            extract_ahead=_AHEAD[extract_ahead],
        )
    except ValueError as error:
        raise _fail(str(error)) from None
    try:
        if engine == "ray":
            from nli.distributed import RayOptions, run_score_ray

            options = RayOptions(address=address, workers=workers or 2)
            result = run_score_ray(
                input_path, output, config, options, show_progress_bar=verbose > 0, overwrite=force
            )
        else:
            result = run_score(
                input_path,
                output,
                config,
                show_progress_bar=verbose > 0,
                resume=resume,
                overwrite=force,
            )
    except Exception as error:
        raise _exit_for(error, verbose) from None
    except KeyboardInterrupt:
        advice = "rerun with --resume to continue" if engine == "local" else "rerun to write"
        raise _fail(f"interrupted; {advice} {output}", 130) from None
    c = result.counts
    rate = c.read / max(result.seconds, 1e-9)
    typer.echo(
        f"read {_count(c.read, 'article')}: {c.scored} scored, {c.skipped} skipped, "
        f"{c.errored} errored; "
        f"{c.claims} claims, {c.pairs} pairs, {c.findings_written} findings -> {output} "
        f"({result.seconds:.1f}s, {rate:.1f} articles/s{', resumed' if result.resumed else ''})",
        err=True,
    )
    if report is not None:
        from nli.report import report_from_files

        try:
            shown = report_from_files(
                output, report, articles_path=input_path, text_field=text_field, id_field=id_field
            )
        except Exception as error:
            before = "findings written, but the report failed: "
            raise _exit_for(error, verbose, before=before) from None
        typer.echo(f"report of {shown.findings} findings -> {report}", err=True)
    raise typer.Exit(EXIT_PARTIAL if c.errored else EXIT_OK)


@app.command("extract")
def extract_cli(
    input_path: Annotated[Path, typer.Argument(metavar="ARTICLES", help=INPUT_HELP)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Claims: .jsonl/.csv/.parquet.")],
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    finder: FinderOpt = "parse",
    max_chars: Annotated[int, typer.Option("--max-chars", min=1, help=MAX_CHARS_HELP)] = 200_000,
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
    from nli.config import ArticleConfig
    from nli.io import errors_path
    from nli.runs import run_extract

    _refuse_input([input_path], [output, errors_path(output)])  # never the input, even with --force
    _refuse_overwrite(output, force)
    try:
        config = ArticleConfig(
            text_field=text_field, id_field=id_field, finder=finder, max_article_chars=max_chars
        )
    except ValueError as error:
        raise _fail(str(error)) from None
    try:
        counts = run_extract(input_path, output, config)
    except Exception as error:
        raise _exit_for(error, verbose) from None
    typer.echo(
        f"read {_count(counts.read, 'article')}: {counts.claims} claims -> {output}"
        + (
            f" ({_count(counts.errored, 'error')} in {errors_path(output)})"
            if counts.errored
            else ""
        ),
        err=True,
    )
    raise typer.Exit(EXIT_PARTIAL if counts.errored else EXIT_OK)


REPORT_ARTICLES_HELP = "The collection that was scored, to show article texts with highlights."
REPORT_MANIFEST_HELP = "Run manifest (default: FINDINGS.manifest.json when present)."
REPORT_THRESHOLD_HELP = (
    "Contradiction threshold on the calibrated score (default: the run's labels where it "
    "labelled by priority or, without a manifest, the findings' own labels; else the run's "
    "threshold, else 0.5)."
)


@app.command("report")
def report_cli(
    findings: Annotated[
        Path, typer.Argument(metavar="FINDINGS", help="Findings written by nli score.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML report to write.")],
    articles: Annotated[
        Path | None, typer.Option("--articles", "-a", help=REPORT_ARTICLES_HELP)
    ] = None,
    manifest: Annotated[Path | None, typer.Option("--manifest", help=REPORT_MANIFEST_HELP)] = None,
    threshold: Annotated[
        float | None, typer.Option("--threshold", min=0.0, max=1.0, help=REPORT_THRESHOLD_HELP)
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Page title.")] = None,
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    force: Annotated[bool, typer.Option("--force", "-f", help=FORCE_HELP)] = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Write a self-contained HTML report of a findings file (no network needed to view).

    Summary and score histogram, a sortable and filterable table of findings, and
    each article's cleaned text with the official statement and the third-party
    report highlighted. Without --articles only the statement and report texts are
    shown. Rows that cannot be shown are counted in the page (exit code 3).

    Example:

        nli report out/findings.jsonl --articles ../shared/examples -o out/report.html
    """
    _setup_logging(verbose)
    from nli.report import report_from_files

    _refuse_input([findings, articles, manifest], [output])  # never an input
    _refuse_overwrite(output, force)
    try:
        result = report_from_files(
            findings,
            output,
            articles_path=articles,
            manifest_path=manifest,
            text_field=text_field,
            id_field=id_field,
            threshold=threshold,
            title=title,
        )
    except Exception as error:
        raise _exit_for(error, verbose) from None
    typer.echo(
        f"report of {result.findings} findings in {result.articles} articles "
        f"({result.articles_with_text} with text) -> {output}"
        + (f"; {result.rows_not_shown} rows not shown" if result.rows_not_shown else ""),
        err=True,
    )
    if articles is not None and result.articles and not result.articles_with_text:
        typer.echo(
            f"warning: none of the findings' article ids is in {articles}: is it the collection "
            "that was scored (and --id-field / --text-field as in the run)?",
            err=True,
        )
    raise typer.Exit(EXIT_PARTIAL if result.rows_not_shown else EXIT_OK)


SUMMARIZE_BY_HELP = "Groupings, comma-separated: speaker, organisation, source, outlet, month."
SUMMARIZE_THRESHOLD_HELP = "Calibrated score counted as a contradiction (default: the run's label)."


@app.command("summarize")
def summarize_cli(
    findings: Annotated[
        Path, typer.Argument(metavar="FINDINGS", help="Findings written by nli score.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for tables and plots.")],
    by: Annotated[
        str, typer.Option("--by", help=SUMMARIZE_BY_HELP)
    ] = "speaker,organisation,source,outlet,month",
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", min=0.0, max=1.0, help=SUMMARIZE_THRESHOLD_HELP),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Groups drawn per bar chart.")] = 15,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Overwrite existing tables.")
    ] = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Tables and plots of denials and contradictions by speaker, source, outlet and month.

    For each grouping, by_<grouping>.csv and .parquet: statements, denials, reports,
    scored pairs, contradictions, contradicted statements and denials, the
    contradiction rate with its Wilson 95% interval, the mean calibrated score and the
    strongest example. PNG plots: contradictions by speaker and by source (--top
    groups) and, with dated findings, a monthly timeline of denials and contradicted
    denials (timeline.csv too). outlet and month need findings scored with
    --keep-fields outlet and --date-field F.

    Example:

        nli summarize out/findings.csv -o out/summary --by speaker,source,month
    """
    _setup_logging(verbose)
    from nli.summarize import run_summarize, summary_files

    groupings = _field_names(by)
    _refuse_input([findings], [output])
    if output.exists() and not output.is_dir():
        raise _fail(f"{output} is a file; -o takes the folder to write the tables and plots to")
    if not force and output.is_dir() and summary_files(output):
        raise _fail(f"{output} holds an earlier summary; pass --force to replace it")
    try:
        result = run_summarize(findings, output, by=groupings, threshold=threshold, top=top)
    except Exception as error:
        raise _exit_for(error, verbose) from None
    for name in result.skipped:
        typer.echo(f"warning: no {name} table: the findings lack its field", err=True)
    if not result.files:
        raise _fail(
            f"nothing written to {output}: the findings lack the fields of every grouping "
            f"asked for ({', '.join(result.skipped)}); score with --keep-fields outlet (or "
            "url) and --date-field F, or ask for other groupings"
        )
    typer.echo(
        f"summarized {result.findings} findings: "
        + ", ".join(f"{len(t)} {name} groups" for name, t in result.tables.items())
        + f" -> {output} ({len(result.files)} files)"
        + (
            f"; left out {_count(result.rows_not_read, 'row')} of {findings} that could not be read"
            if result.rows_not_read
            else ""
        ),
        err=True,
    )
    raise typer.Exit(EXIT_PARTIAL if result.rows_not_read else EXIT_OK)


def main() -> None:
    """Console-script entry point; usage errors exit with code 2, Ctrl-C with 130.

    A command that is interrupted while it runs says so itself (and what to rerun); one
    interrupted before that (loading the model, reading the input) would end without a word,
    as typer turns the KeyboardInterrupt into a silent exit 130: it is said here.
    """
    try:
        app()
    except SystemExit as done:
        if done.code == 130 and _interrupted_by_typer(done):
            typer.echo("interrupted", err=True)
        raise


def _interrupted_by_typer(done: SystemExit) -> bool:
    """Whether an exit is typer's for a KeyboardInterrupt no command reported (the
    commands' own reports end in an exit raised ``from None``)."""
    return isinstance(getattr(done.__context__, "__cause__", None), KeyboardInterrupt)
