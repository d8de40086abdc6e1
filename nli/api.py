"""The notebook API: ``nli.score_articles``, next to ``nli.load_findings`` and ``nli.summarize``.

:func:`score_articles` runs exactly the job ``nli score`` runs (:func:`nli.runs.run_score`)
on a path, a :class:`pandas.DataFrame` or a :class:`datasets.Dataset`, in a temporary
folder, and returns the findings as a DataFrame with the dotted columns of
:func:`nli.summarize.load_findings`. So the findings are those the CLI writes for the
same input and options, row for row.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nli.config import (
    DEFAULT_BLANKET_TOP_K,
    DEFAULT_DENIAL_TOP_K,
    DEFAULT_MIN_SIMILARITY,
    DEFAULT_TOP_K,
    ArticleConfig,
    ScoringConfig,
    field_names,
)

if TYPE_CHECKING:
    import datasets
    import pandas as pd

    from nli.model import ContradictionScorer

#: What a table source is called in error records, instead of its temporary file.
TABLE_SOURCE = "<table>"


@dataclass(frozen=True)
class ScoreRun:
    """What :func:`score_articles` leaves in ``DataFrame.attrs`` besides the findings.

    Attributes:
        counts (dict[str, int]): The run's counts (as in the manifest).
        errors (list[dict]): Records that could not be scored (``source``, ``line``,
            ``id``, ``message``), as ``OUTPUT.errors.jsonl`` would hold them.
        manifest (dict): The run manifest.
    """

    counts: dict[str, int]
    errors: list[dict[str, Any]]
    manifest: dict[str, Any]


def _write_table(source: Any, folder: Path) -> Path:
    """A DataFrame or a ``datasets.Dataset`` as a Parquet file ``nli score`` can read."""
    path = folder / "articles.parquet"
    if hasattr(source, "to_parquet") and hasattr(source, "features"):  # datasets.Dataset
        source.to_parquet(str(path))
    elif hasattr(source, "to_parquet"):  # pandas.DataFrame
        source.to_parquet(path, index=False, engine="pyarrow")
    else:
        raise TypeError(
            "source must be a path, a pandas.DataFrame or a datasets.Dataset, "
            f"got {type(source).__name__}"
        )
    return path


def score_articles(
    source: str | Path | pd.DataFrame | datasets.Dataset,
    *,
    model: str = "default",
    scorer: ContradictionScorer | None = None,
    text_field: str = "text",
    id_field: str = "id",
    keep_fields: str | Sequence[str] = (),
    date_field: str | None = None,
    finder: str = "parse",
    pairing: str = "ranked",
    top_k: int = DEFAULT_TOP_K,
    denial_top_k: int = DEFAULT_DENIAL_TOP_K,
    blanket_top_k: int = DEFAULT_BLANKET_TOP_K,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
    min_overlap: int = 1,
    min_score: float | None = None,
    threshold: float | None = None,
    priority_threshold: float | None = None,
    batch_size: int = 64,
    precision: str = "auto",
    both_ways: bool = False,
    one_way: bool = False,
    articles_per_batch: int = 32,
    max_chars: int = 200_000,
    extract_ahead: bool | None = None,
    cross_article: bool = False,
    event_field: str | None = None,
    show_progress_bar: bool = False,
) -> pd.DataFrame:
    """Score a collection of articles, as ``nli score`` does, and return the findings.

    The options are those of ``nli score`` (same names, with ``_`` for ``-``).

    Args:
        source (str | Path | pd.DataFrame | datasets.Dataset): A folder of .txt/.html
            files, a JSONL/CSV/Parquet file, or a table in memory with ``text_field``,
            ``id_field`` and any other columns (for ``keep_fields``).
        model (str): ``"default"``, a local model directory or a hub id. Defaults to
            the shipped model.
        scorer (ContradictionScorer, optional): A model already loaded (say, for several
            calls in one notebook); ``model`` must then name the same model.
        text_field (str): Text column. Defaults to ``"text"``.
        id_field (str): Id column. Defaults to ``"id"``.
        keep_fields (str | Sequence[str]): Columns copied into each finding as
            ``article.<field>`` (for ``.html`` pages: ``date``, ``outlet``, ``url``,
            ``title``): ``"outlet,url"`` as ``--keep-fields`` takes them, or
            ``["outlet", "url"]``. Defaults to none.
        date_field (str, optional): Column read as a date into ``article.date`` (ISO).
        finder (str): ``"parse"`` or ``"rules"``. Defaults to ``"parse"``.
        pairing (str): ``"ranked"``, ``"retrieval"`` or ``"topics"``. Defaults to
            ``"ranked"``.
        top_k (int): Reports kept per statement (retrieval). Defaults to 3.
        denial_top_k (int): Reports kept per reported denial. Defaults to 8.
        blanket_top_k (int): Reports kept per blanket denial. Defaults to 3.
        min_similarity (float): Lowest cosine of a retrieved pair. Defaults to 0.2.
        min_overlap (int): Shared topic words needed (topics). Defaults to 1.
        min_score (float, optional): Keep only findings with ``score`` at least this.
        threshold (float, optional): Calibrated score labelled contradiction (default:
            the model's fitted threshold, else 0.5); without ``priority_threshold`` it
            labels ranked findings too.
        priority_threshold (float, optional): With ranked pairing, the ``priority`` labelled
            contradiction (default: the model's ``finding_threshold.json``, unless
            ``threshold`` is given; README, "Labels by priority").
        batch_size (int): Pairs per forward pass. Defaults to 64.
        precision (str): ``"auto"``, ``"int8"``, ``"bf16"`` or ``"fp32"``. Defaults to ``"auto"``.
        both_ways (bool): Also score statement -> report and keep the higher (default:
            report -> statement only, as the shipped models were calibrated).
        one_way (bool): Accepted for code written when both ways was the default; one way
            is the default now, so it changes nothing.
        articles_per_batch (int): Articles scored together. Defaults to 32.
        max_chars (int): Longer articles are errors. Defaults to 200,000.
        extract_ahead (bool, optional): Find the claims of the next batch of articles in
            a second process while this one is scored (same findings, less wall time).
            Defaults to None: where two or more CPUs are available, unless
            ``$NLI_EXTRACT_AHEAD`` is 0 or 1 (``--extract-ahead auto``).
        cross_article (bool): Also pair across articles of one event. Defaults to False.
        event_field (str, optional): With ``cross_article``: the event column.
        show_progress_bar (bool): Articles/s on stderr. Defaults to False.

    Returns:
        pd.DataFrame: One row per finding with dotted columns (``article_id``,
        ``statement.text``, ``statement.speaker``, ``report.source``, ``calibrated``,
        ``label``, ``article.outlet``, ...). ``attrs["nli"]`` is a :class:`ScoreRun`
        with the counts, the records that failed and the manifest.

    Raises:
        nli.io.InputError: When the input is missing, empty or unreadable as a whole.
        ValueError: For an option out of range, an empty name in ``keep_fields``, or
            ``both_ways`` with ``one_way``.
        TypeError: For a source of another type.

    Example:
        >>> import tempfile, pandas as pd, nli
        >>> from nli.tiny import build_tiny_model
        >>> model = str(build_tiny_model(tempfile.mkdtemp()))  # random weights: a demo
        >>> articles = pd.DataFrame({
        ...     "id": ["a1"], "outlet": ["Daily Planet"],
        ...     "text": ['"We have no troops in Karsk," the minister said. '
        ...              "Reuters reported that troops arrived in Karsk."]})
        >>> findings = nli.score_articles(articles, model=model, keep_fields=["outlet"],
        ...                               finder="rules", pairing="topics", precision="fp32")
        >>> columns = ["article_id", "statement.speaker", "report.source", "article.outlet"]
        >>> findings[columns].values.tolist()
        [['a1', 'the minister', 'Reuters', 'Daily Planet']]
        >>> findings.attrs["nli"].counts["read"]
        1
    """
    from nli.io import errors_path, iter_jsonl_objects
    from nli.runs import run_score
    from nli.summarize import load_findings

    if both_ways and one_way:
        raise ValueError("both_ways and one_way contradict each other: give one")
    config = ArticleConfig(
        scoring=ScoringConfig(
            model=model,
            batch_size=batch_size,
            precision=precision,
            both_directions=both_ways,
            show_progress_bar=False,
        ),
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
        keep_fields=field_names(keep_fields),
        date_field=date_field,
        extract_ahead=extract_ahead,
    )
    with tempfile.TemporaryDirectory(prefix="nli-score-") as tmp:
        folder = Path(tmp)
        table = not isinstance(source, (str, Path))
        input_path = _write_table(source, folder) if table else Path(source)
        output = folder / "findings.jsonl"
        result = run_score(
            input_path, output, config, scorer=scorer, show_progress_bar=show_progress_bar
        )
        findings = load_findings(output)
        errors = list(iter_jsonl_objects(errors_path(output))) if result.errors else []
        manifest = _read_json(result.manifest_path)
    manifest["output"] = None  # the temporary file is gone; the findings are the DataFrame
    manifest["errors_file"] = None
    if table:
        for error in errors:
            error["source"] = TABLE_SOURCE
        manifest["input"] = TABLE_SOURCE
    findings.attrs["nli"] = ScoreRun(vars(result.counts), errors, manifest)
    return findings


def _read_json(path: Path) -> dict[str, Any]:
    import json

    return dict(json.loads(path.read_text(encoding="utf-8")))
