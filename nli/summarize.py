"""Researcher tables: denials and contradictions by speaker, organisation, source, outlet, month.

Pure functions over a :class:`pandas.DataFrame` of findings with dotted columns (as
:func:`load_findings` reads any findings file: ``statement.speaker``, ``report.source``,
``calibrated``, ``label``, ``article.outlet``, ...). One row per group:

- ``statements``: distinct official statements (``article_id`` and statement span)
  among the group's findings, that is statements paired with at least one report;
- ``denials``: of those, statements that deny (polarity ``-``: "X denied that P", "X
  dismissed reports that P"; or a blanket denial, "the report is false");
- ``reports``: distinct third-party reports; ``pairs``: findings (statement/report
  pairs scored);
- ``contradictions``: findings whose verdict is contradiction (calibrated score at least
  the threshold; without one, the ``label`` the run wrote);
- ``contradicted_statements`` and ``contradicted_denials``: statements (denials) with
  at least one contradiction;
- ``contradiction_rate``: ``contradicted_statements / statements`` with its Wilson 95%
  interval ``rate_low``, ``rate_high`` (:func:`wilson_interval`);
- ``mean_calibrated``: mean calibrated score of the pairs;
- the strongest example: ``top_article_id``, ``top_report_article_id``,
  ``top_statement``, ``top_report``, ``top_calibrated`` (the pair the run ranks first:
  the highest ``priority``, the calibrated score weighted by the pair ranker's
  probability, as ``nli score`` orders an article's findings; the calibrated score where
  a run wrote no priority).

Rows are sorted by contradictions, then contradicted statements, then pairs, most first.

``nli.summarize`` is the function :func:`summarize` (the package binds the name to it,
as the notebook API promises); import this module's other names with
``from nli.summarize import wilson_interval``, not ``import nli.summarize as m``.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from nli.speakers import canonical_outlet

if TYPE_CHECKING:  # pandas is imported where used: `import nli` must stay fast
    import pandas as pd

logger = logging.getLogger(__name__)

#: Groupings :func:`summarize` knows, and what each groups by.
GROUPINGS: dict[str, str] = {
    "speaker": "who made the statement (statement.speaker_entity, else statement.speaker)",
    "organisation": "the body the speaker speaks for (see organisation_of)",
    "source": "who made the report (report.source_entity, else report.source)",
    "outlet": "the publishing outlet (article.outlet, else the site of article.url)",
    "month": "the month the article appeared (article.date, YYYY-MM)",
}
DEFAULT_GROUPINGS: tuple[str, ...] = ("speaker", "organisation", "source", "outlet", "month")
#: The group of findings without a value (no speaker named, no date).
UNKNOWN = "(unknown)"

SUMMARY_COLUMNS: tuple[str, ...] = (
    "statements",
    "denials",
    "reports",
    "pairs",
    "contradictions",
    "contradicted_statements",
    "contradicted_denials",
    "contradiction_rate",
    "rate_low",
    "rate_high",
    "mean_calibrated",
    "top_article_id",
    "top_report_article_id",
    "top_statement",
    "top_report",
    "top_calibrated",
)


def wilson_interval(successes: int, trials: int, *, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (95% by default).

    Unlike the normal approximation it stays within [0, 1] and is sensible for small
    counts and for rates of 0 or 1, which small groups of findings often have.

    Args:
        successes (int): Events (say, contradicted statements).
        trials (int): Trials (statements); 0 gives ``(nan, nan)``.
        z (float): Normal quantile of the confidence level. Defaults to 1.96 (95%).

    Returns:
        tuple[float, float]: Lower and upper bound, in [0, 1].

    Example:
        >>> [round(x, 3) for x in wilson_interval(3, 10)]
        [0.108, 0.603]
        >>> [round(x, 3) for x in wilson_interval(0, 4)]
        [0.0, 0.49]
    """
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes} of {trials}")
    if trials == 0:
        return (math.nan, math.nan)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def _column(findings: pd.DataFrame, name: str) -> pd.Series:
    import pandas as pd

    if name in findings.columns:
        return findings[name]
    return pd.Series([None] * len(findings), index=findings.index, dtype=object)


def _text(values: pd.Series) -> pd.Series:
    """Values as stripped text, empty and missing ones as :data:`UNKNOWN`."""
    out = values.astype(object).where(values.notna(), None)
    return out.map(lambda v: str(v).strip() if v is not None and str(v).strip() else UNKNOWN)


_ORG_WORDS = (
    "ministry",
    "department",
    "office",
    "army",
    "military",
    "government",
    "police",
    "council",
    "agency",
    "embassy",
    "commission",
    "company",
    "party",
    "kremlin",
    "pentagon",
    "white house",
)


def organisation_of(speaker: str | None) -> str:
    """The body a speaker speaks for, as written in the speaker text (a heuristic).

    "A spokesman for the Defence Ministry" -> "Defence Ministry"; "Hossein
    Amir-Abdollahian, an Iranian deputy foreign minister" -> "Iranian deputy foreign
    minister" (the role after the comma); a bare name or body is its own organisation.

    Example:
        >>> organisation_of("a spokesman for the Defence Ministry")
        'Defence Ministry'
        >>> organisation_of("Hossein Amir-Abdollahian, an Iranian deputy foreign minister")
        'Iranian deputy foreign minister'
        >>> organisation_of("The Pentagon"), organisation_of(None)
        ('Pentagon', '(unknown)')
    """
    if speaker is None or not str(speaker).strip():
        return UNKNOWN
    text = " ".join(str(speaker).split())
    lowered = text.lower()
    for marker in (" for the ", " of the ", " for ", " of ", " at the ", " at "):
        at = lowered.find(marker)
        if at >= 0 and any(word in lowered[at:] for word in _ORG_WORDS):
            text = text[at + len(marker) :]
            break
    else:
        if ", " in text:
            text = text.split(", ", 1)[1]
    return _without_article(text) or UNKNOWN


def _without_article(text: str) -> str:
    for article in ("the ", "a ", "an "):
        if text.lower().startswith(article):
            text = text[len(article) :]
            break
    return text.strip(" .,;:")


def _organisations(findings: pd.DataFrame) -> pd.Series:
    """Each finding's organisation (:func:`organisation_of`): read from the speaker text
    where it names a body ("a spokesman for the Defence Ministry") or a role after a comma;
    otherwise the speaker is its own organisation, named by its canonical entity (so "the
    league", "League" and "the national basketball league" of one article are one group);
    names that differ only in case are one group, named as first written."""
    import pandas as pd

    written = _column(findings, "statement.speaker")
    named = _named(findings, "statement.speaker")

    def one(text: Any, entity: Any) -> str:
        if not isinstance(text, str) or not text.strip():
            return organisation_of(entity if isinstance(entity, str) else None)
        found = organisation_of(text)
        if found == _without_article(" ".join(text.split())) and isinstance(entity, str):
            return organisation_of(entity)  # no body read from the text: the speaker's own
        return found

    keys = [one(text, entity) for text, entity in zip(written, named, strict=True)]
    first: dict[str, str] = {}
    merged = [first.setdefault(key.lower(), key) for key in keys]
    return pd.Series(merged, index=findings.index, dtype=object)


def _named(findings: pd.DataFrame, column: str) -> pd.Series:
    """The canonical entity of each speaker (``<column>_entity``), else the text as written.

    Findings of ``nli score`` carry the entity (:mod:`nli.speakers`); others fall back.
    """
    written = _column(findings, column)
    entity = _column(findings, f"{column}_entity")
    return entity.where(entity.notna(), written)


def _site_of(url: Any) -> str | None:
    if not isinstance(url, str) or "://" not in url:
        return None
    host = urlparse(url).netloc.lower().split(":")[0]
    return host.removeprefix("www.") or None


def group_keys(findings: pd.DataFrame, by: str) -> pd.Series:
    """The group of each finding under grouping ``by`` (see :data:`GROUPINGS`).

    Raises:
        ValueError: For an unknown grouping, or ``outlet``/``month`` when the findings
            carry no article fields (``nli score --keep-fields outlet --date-field F``);
            without findings, every grouping gives an empty table.

    Example:
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"statement.speaker": ["Iran", None],
        ...                       "article.date": ["2015-10-02", None]})
        >>> group_keys(frame, "speaker").tolist(), group_keys(frame, "month").tolist()
        (['Iran', '(unknown)'], ['2015-10', '(unknown)'])
    """
    import pandas as pd

    if by == "speaker":
        return _text(_named(findings, "statement.speaker"))
    if by == "source":
        return _text(_named(findings, "report.source"))
    if by == "organisation":
        return _organisations(findings)
    # no findings (a run that found none) make an empty table, whatever the columns
    if by == "outlet":
        if not findings.empty and not {"article.outlet", "article.url"} & set(findings.columns):
            raise ValueError(
                "grouping by outlet needs article.outlet or article.url in the findings: "
                "run nli score with --keep-fields outlet (or url)"
            )
        outlet = _column(findings, "article.outlet").map(
            lambda v: canonical_outlet(v) if isinstance(v, str) and v.strip() else None
        )
        sites = _column(findings, "article.url").map(_site_of)
        return _text(outlet.where(outlet.notna(), sites))
    if by == "month":
        if not findings.empty and "article.date" not in findings.columns:
            raise ValueError(
                "grouping by month needs article.date in the findings: run nli score with "
                "--date-field F (or --keep-fields date for ISO dates)"
            )
        dates = pd.to_datetime(_column(findings, "article.date"), errors="coerce", format="mixed")
        return _text(dates.dt.strftime("%Y-%m").where(dates.notna(), None))
    raise ValueError(f"unknown grouping {by!r}; choose from {', '.join(GROUPINGS)}")


def contradiction_flags(findings: pd.DataFrame, threshold: float | None = None) -> pd.Series:
    """Whether each finding is a contradiction: ``calibrated >= threshold``, else its label.

    Example:
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"calibrated": [0.9, 0.3], "label": ["neutral", "contradiction"]})
        >>> contradiction_flags(frame).tolist(), contradiction_flags(frame, 0.5).tolist()
        ([False, True], [True, False])
    """
    import pandas as pd

    if threshold is not None:
        return (
            pd.to_numeric(_column(findings, "calibrated"), errors="coerce").fillna(0) >= threshold
        )
    return _column(findings, "label").astype(object).eq("contradiction")


def _span_key(values: pd.Series) -> pd.Series:
    """Spans as hashable text: lists (JSONL, Parquet) and JSON text (CSV) alike."""

    def key(value: Any) -> str:
        if isinstance(value, str):
            return value.replace(" ", "")
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        return json.dumps([int(v) for v in value], separators=(",", ":"))

    return values.map(key)


def _prepared(findings: pd.DataFrame, threshold: float | None) -> pd.DataFrame:
    """The columns the counts need, under fixed names."""
    import pandas as pd

    blanket = _column(findings, "statement.blanket")
    polarity = _column(findings, "statement.polarity").astype(object)
    article = _column(findings, "article_id").astype(str)
    report_article = _column(findings, "report_article_id")
    report_article = report_article.where(report_article.notna(), article).astype(str)
    calibrated = pd.to_numeric(_column(findings, "calibrated"), errors="coerce")
    priority = pd.to_numeric(_column(findings, "priority"), errors="coerce")
    return pd.DataFrame(
        {
            "statement_key": article + "#" + _span_key(_column(findings, "statement.span")),
            "report_key": report_article + "#" + _span_key(_column(findings, "report.span")),
            "denial": polarity.eq("-") | blanket.map(lambda v: str(v).lower() == "true"),
            "contradiction": contradiction_flags(findings, threshold),
            "calibrated": calibrated,
            "priority": priority.where(priority.notna(), calibrated),
            "article_id": article,
            "report_article_id": report_article,
            "statement_text": _column(findings, "statement.text"),
            "report_text": _column(findings, "report.text"),
        },
        index=findings.index,
    )


def _summarize_group(rows: pd.DataFrame) -> dict[str, Any]:
    statements = rows.drop_duplicates("statement_key")
    contradicted = set(rows.loc[rows["contradiction"], "statement_key"])
    n_statements = len(statements)
    n_contradicted = int(statements["statement_key"].isin(contradicted).sum())
    denials = statements[statements["denial"]]
    low, high = wilson_interval(n_contradicted, n_statements)
    top = rows.loc[rows["priority"].fillna(-math.inf).idxmax()]
    return {
        "statements": n_statements,
        "denials": len(denials),
        "reports": rows["report_key"].nunique(),
        "pairs": len(rows),
        "contradictions": int(rows["contradiction"].sum()),
        "contradicted_statements": n_contradicted,
        "contradicted_denials": int(denials["statement_key"].isin(contradicted).sum()),
        "contradiction_rate": n_contradicted / n_statements if n_statements else math.nan,
        "rate_low": low,
        "rate_high": high,
        "mean_calibrated": float(rows["calibrated"].mean()),
        "top_article_id": top["article_id"],
        "top_report_article_id": top["report_article_id"],
        "top_statement": top["statement_text"],
        "top_report": top["report_text"],
        "top_calibrated": float(top["calibrated"]),
    }


def summarize(
    findings: pd.DataFrame, by: str = "speaker", *, threshold: float | None = None
) -> pd.DataFrame:
    """Statements, denials, pairs and contradictions per group of findings.

    Args:
        findings (pd.DataFrame): Findings with dotted columns (:func:`load_findings`).
        by (str): One of :data:`GROUPINGS`. Defaults to ``"speaker"``.
        threshold (float, optional): A finding is a contradiction when its calibrated
            score is at least this. Defaults to None: the ``label`` the run wrote.

    Returns:
        pd.DataFrame: One row per group (the column named ``by`` first, then
        :data:`SUMMARY_COLUMNS`), most contradictions first; no rows without findings.

    Example:
        >>> import pandas as pd
        >>> findings = pd.DataFrame({
        ...     "article_id": ["a", "a", "b"],
        ...     "statement.speaker": ["Iran", "Iran", "Iran"],
        ...     "statement.polarity": ["-", "-", "+"],
        ...     "statement.span": [[0, 9], [0, 9], [4, 20]],
        ...     "report.span": [[30, 50], [60, 80], [40, 70]],
        ...     "calibrated": [0.9, 0.2, 0.4],
        ...     "label": ["contradiction", "neutral", "neutral"],
        ... })
        >>> table = summarize(findings, "speaker")
        >>> table[["speaker", "statements", "denials", "pairs", "contradictions"]].values.tolist()
        [['Iran', 2, 1, 3, 1]]
        >>> table[["contradiction_rate", "rate_low", "rate_high"]].round(3).values.tolist()
        [[0.5, 0.095, 0.905]]
    """
    import pandas as pd

    keys = group_keys(findings, by)
    prepared = _prepared(findings, threshold)
    rows = [
        {by: key, **_summarize_group(group)}
        for key, group in prepared.groupby(keys, sort=True, dropna=False)
    ]
    table = pd.DataFrame(rows, columns=[by, *SUMMARY_COLUMNS])
    if table.empty:
        return table
    return table.sort_values(
        ["contradictions", "contradicted_statements", "pairs", by],
        ascending=[False, False, False, True],
        kind="stable",
    ).reset_index(drop=True)


def monthly_timeline(findings: pd.DataFrame, *, threshold: float | None = None) -> pd.DataFrame:
    """Denials and contradicted denials per month, with every month in between.

    Findings without a readable ``article.date`` are left out (their count is logged).

    Returns:
        pd.DataFrame: ``month`` (YYYY-MM), ``statements``, ``denials``,
        ``contradicted_denials``, ``contradictions``; months without findings have 0.

    Example:
        >>> import pandas as pd
        >>> findings = pd.DataFrame({
        ...     "article_id": ["a", "b"], "article.date": ["2015-01-05", "2015-03-01"],
        ...     "statement.polarity": ["-", "-"], "statement.span": [[0, 5], [0, 5]],
        ...     "report.span": [[9, 20], [9, 20]], "calibrated": [0.8, 0.1],
        ...     "label": ["contradiction", "neutral"]})
        >>> monthly_timeline(findings)[["month", "denials", "contradicted_denials"]].values.tolist()
        [['2015-01', 1, 1], ['2015-02', 0, 0], ['2015-03', 1, 0]]
    """
    import pandas as pd

    months = group_keys(findings, "month")
    known = months != UNKNOWN
    if (~known).any():
        logger.info("timeline: %d findings without a date left out", int((~known).sum()))
    columns = ["month", "statements", "denials", "contradicted_denials", "contradictions"]
    if not known.any():
        return pd.DataFrame(columns=columns)
    table = summarize(findings[known], "month", threshold=threshold).set_index("month")
    first, last = pd.Period(min(table.index), "M"), pd.Period(max(table.index), "M")
    every = [str(p) for p in pd.period_range(first, last, freq="M")]
    table = table.reindex(every).fillna(
        {"statements": 0, "denials": 0, "contradicted_denials": 0, "contradictions": 0}
    )
    out = table.reset_index(names="month")[columns]
    return out.astype({name: int for name in columns[1:]})


def summarize_all(
    findings: pd.DataFrame,
    by: Sequence[str] = DEFAULT_GROUPINGS,
    *,
    threshold: float | None = None,
) -> dict[str, pd.DataFrame]:
    """:func:`summarize` for each grouping in ``by`` that the findings can support.

    ``outlet`` and ``month`` need article fields; a grouping the findings lack is
    left out with a warning instead of failing the others.

    Returns:
        dict[str, pd.DataFrame]: One table per grouping, in the order of ``by``.
    """
    tables: dict[str, pd.DataFrame] = {}
    for name in by:
        if name not in GROUPINGS:
            raise ValueError(f"unknown grouping {name!r}; choose from {', '.join(GROUPINGS)}")
        try:
            tables[name] = summarize(findings, name, threshold=threshold)
        except ValueError as error:
            if name in ("outlet", "month"):
                logger.debug("%s", error)  # the caller reports what was skipped, once
                continue
            raise
    return tables


def load_findings(path: str | Path) -> pd.DataFrame:
    """Read a findings file written by ``nli score`` (.jsonl, .csv or .parquet).

    Nested objects become dotted columns, whatever the format: ``statement.speaker``,
    ``report.source``, ``probs.contradiction``, ``article.outlet``; spans are lists.
    The file is read by :func:`nli.io.read_findings`, as ``nli report`` reads it: the
    CSV of a run with no findings gives an empty DataFrame (no rows, no columns, as
    the JSONL and Parquet ones do), and rows that cannot be read or are no finding (no
    ``article_id``, statement or report text, or score: :func:`nli.io.split_findings`) are
    left out with a warning.

    Args:
        path (str | Path): The findings file.

    Returns:
        pd.DataFrame: One row per finding, in file order.

    Raises:
        FileNotFoundError: When ``path`` does not exist.
        nli.io.InputError: When the file cannot be read as a whole (say, not Parquet), or
            has rows and none of them is a finding.
    """
    return _findings_frame(path)[0]


def _findings_frame(path: str | Path) -> tuple[pd.DataFrame, int]:
    """:func:`load_findings` and the number of rows it left out: rows that cannot be read,
    and rows that are no finding (no ``article_id``, statement or report text, or score:
    :func:`nli.io.split_findings`, as ``nli report`` leaves them out).

    Raises:
        nli.io.InputError: When the file has rows and none of them is a finding (say, the
            articles that were scored, given for their findings).
    """
    import pandas as pd

    from nli.io import InputError, read_findings, split_findings

    rows, errors = read_findings(path)
    for error in errors:
        logger.warning("%s:%s: %s (row left out)", error.source, error.line, error.message)
    findings, bad = split_findings(rows)
    for number, problem in bad:
        logger.warning("%s: finding %d left out: %s", path, number, problem)
    if rows and not findings:
        raise InputError(
            f"{path}: none of its {len(rows):,} rows is a finding of nli score (article_id, "
            "statement, report and score); give the findings file, not the articles"
        )
    left_out = len(errors) + len(bad)
    return (pd.json_normalize(findings) if findings else pd.DataFrame()), left_out


#: Groupings drawn as bar charts by :func:`run_summarize`.
PLOTTED_GROUPINGS: tuple[str, ...] = ("speaker", "source")


@dataclass
class SummaryResult:
    """What ``nli summarize`` wrote.

    Attributes:
        findings (int): Findings read.
        tables (dict[str, pd.DataFrame]): The summary per grouping (plus ``timeline``).
        files (list[Path]): Every file written (CSV, Parquet, PNG).
        skipped (list[str]): Groupings asked for that the findings cannot support.
        rows_not_read (int): Rows of the findings file that could not be read (left out,
            each with a warning).
    """

    findings: int
    tables: dict[str, pd.DataFrame]
    files: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    rows_not_read: int = 0


def _write_table(table: pd.DataFrame, directory: Path, name: str) -> list[Path]:
    from nli.io import atomic_path

    csv_path, parquet_path = directory / f"{name}.csv", directory / f"{name}.parquet"
    with atomic_path(csv_path) as tmp:
        table.to_csv(tmp, index=False)
    with atomic_path(parquet_path) as tmp:
        table.to_parquet(tmp, index=False, engine="pyarrow")
    return [csv_path, parquet_path]


def summary_files(directory: str | Path) -> list[Path]:
    """The files of a summary (:func:`run_summarize`'s) in a folder: the tables, the
    timeline and the plots, not anything else there.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     for name in ("by_speaker.csv", "timeline.png", "notes.txt"):
        ...         _ = (Path(tmp) / name).write_text("x")
        ...     sorted(p.name for p in summary_files(tmp))
        ['by_speaker.csv', 'timeline.png']
    """
    folder = Path(directory)
    names = [f"by_{name}.{ext}" for name in GROUPINGS for ext in ("csv", "parquet")]
    names += [f"timeline.{ext}" for ext in ("csv", "parquet", "png")]
    names += [f"contradictions_by_{name}.png" for name in GROUPINGS]
    return [folder / name for name in names if (folder / name).is_file()]


def run_summarize(
    findings_path: str | Path,
    directory: str | Path,
    *,
    by: Sequence[str] = DEFAULT_GROUPINGS,
    threshold: float | None = None,
    top: int = 15,
) -> SummaryResult:
    """Write the summary tables and plots of a findings file (``nli summarize``).

    Writes into ``directory`` (created; an earlier summary's files there are removed first,
    :func:`summary_files`): ``by_<grouping>.csv`` and ``.parquet`` for each
    grouping in ``by`` (see :func:`summarize`); with dated findings ``timeline.csv`` and
    ``.parquet`` (:func:`monthly_timeline`) and ``timeline.png``; and
    ``contradictions_by_speaker.png`` / ``contradictions_by_source.png`` (the ``top``
    groups) for those groupings in ``by``.

    Args:
        findings_path (str | Path): Findings written by ``nli score``.
        directory (str | Path): Output folder.
        by (Sequence[str]): Groupings (:data:`GROUPINGS`). Defaults to all five.
        threshold (float, optional): Calibrated score counted as a contradiction
            (default: the label the run wrote).
        top (int): Groups drawn per bar chart. Defaults to 15.

    Returns:
        SummaryResult: Counts, tables and the files written.

    Raises:
        ValueError: For an unknown grouping or a ``top`` below 1.
        FileNotFoundError: When the findings file does not exist.
        nli.io.InputError: When the file has rows and none is a finding.
    """
    from nli.plots import group_bars_figure, save_png, timeline_figure

    unknown = [name for name in by if name not in GROUPINGS]
    if unknown:
        raise ValueError(f"unknown grouping {unknown[0]!r}; choose from {', '.join(GROUPINGS)}")
    if top < 1:
        raise ValueError(f"top must be >= 1, got {top}")
    findings, rows_not_read = _findings_frame(findings_path)
    if findings.empty:
        logger.warning("%s: no findings; the tables are empty", findings_path)
    directory = Path(directory)
    tables = summarize_all(findings, by, threshold=threshold)
    result = SummaryResult(len(findings), dict(tables), rows_not_read=rows_not_read)
    result.skipped = [name for name in by if name not in tables]
    if not tables and "article.date" not in findings.columns:
        return result  # nothing to write: the folder is not created, nor an earlier one touched
    directory.mkdir(parents=True, exist_ok=True)
    for stale in summary_files(directory):  # an earlier summary's: not these findings'
        stale.unlink()
    for name, table in tables.items():
        result.files += _write_table(table, directory, f"by_{name}")
        if name in PLOTTED_GROUPINGS:
            figure = group_bars_figure(table, name, top=top)
            result.files.append(save_png(figure, directory / f"contradictions_by_{name}.png"))
    if "article.date" in findings.columns:
        timeline = monthly_timeline(findings, threshold=threshold)
        result.tables["timeline"] = timeline
        result.files += _write_table(timeline, directory, "timeline")
        result.files.append(save_png(timeline_figure(timeline), directory / "timeline.png"))
    return result
