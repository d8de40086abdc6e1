"""The HTML report of a scoring run: one self-contained file, no network requests.

The page is rendered from ``nli/templates/report.html.j2`` with autoescaping on.
Findings and article texts travel to the page as one JSON document inside a
``<script type="application/json">`` block (``<``, ``>`` and ``&`` escaped, so text
such as ``</script>`` cannot end the block), and the page's own script builds the
table and the article view from it page by page with ``textContent``. A
Content-Security-Policy allows only that one script (by hash) and no requests.

``prepare_report`` is the pure step (findings in, page content out);
``render_report`` turns it into HTML, and ``write_report``/``report_from_files``
are the file-level entry points used by ``nli report`` and ``nli score --report``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nli import __version__
from nli.clean import clean_text
from nli.io import atomic_path, finite_number, read_articles, read_findings, split_findings
from nli.types import LABELS, ErrorRecord, finding_priority

logger = logging.getLogger(__name__)

TEMPLATE_NAME = "report.html.j2"
#: Used when neither the caller nor the run manifest gives a threshold.
DEFAULT_THRESHOLD = 0.5
HISTOGRAM_BINS = 20
#: Findings listed (highest score first) for readers whose viewer blocks scripts.
NOSCRIPT_ROWS = 100


@dataclass(frozen=True)
class HistogramBin:
    """One bar of the score histogram: findings with ``start <= score < end``."""

    start: float
    end: float
    count: int
    above_threshold: bool


@dataclass(frozen=True)
class ReportSummary:
    """The numbers at the top of the report; ``None`` means the run did not record it.

    Attributes:
        articles_read (int | None): Articles read by the run (from the manifest).
        articles_with_findings (int): Articles that have at least one finding shown.
        claims_found (int | None): Statements and reports found (from the manifest).
        pairs_scored (int | None): Statement/report pairs scored (from the manifest).
        findings (int): Findings shown in the report.
        contradictions (int): Findings whose :func:`ranking_score` is >= ``threshold``,
            or with ``by_label``, findings the run labelled contradiction.
        threshold (float): The contradiction threshold on the score.
        model (str): Model name or path.
        calibration (str): How scores were calibrated, in words.
        seconds (float | None): Run time of the scoring run.
        input (str | None): The scored collection.
        rows_not_shown (int): Findings rows that were unreadable or malformed.
    """

    articles_read: int | None
    articles_with_findings: int
    claims_found: int | None
    pairs_scored: int | None
    findings: int
    contradictions: int
    threshold: float
    model: str
    calibration: str
    seconds: float | None
    input: str | None
    rows_not_shown: int = 0
    #: Contradictions are the run's labels: it labelled ranked findings by priority
    #: (``priority_threshold`` in its manifest; :mod:`nli.labels`) and no threshold was given.
    by_label: bool = False


#: Groups shown per table of the report's "Who is contradicted" section.
SUMMARY_ROWS = 10


@dataclass(frozen=True)
class GroupRow:
    """One group of a summary table (see :func:`nli.summarize.summarize`)."""

    name: str
    statements: int
    denials: int
    pairs: int
    contradictions: int
    contradicted_statements: int
    rate: float
    rate_low: float
    rate_high: float
    top_statement: str
    top_report: str
    top_calibrated: float


@dataclass(frozen=True)
class GroupTable:
    """The top groups of one grouping (speaker, source, outlet, month)."""

    by: str
    total_groups: int
    rows: list[GroupRow]


@dataclass(frozen=True)
class MonthBar:
    """Denials of one month and how many of them a report contradicts."""

    month: str
    denials: int
    contradicted: int


@dataclass(frozen=True)
class ReportContent:
    """Everything the template needs; built by :func:`prepare_report`.

    Attributes:
        title (str): Page title.
        summary (ReportSummary): Numbers for the top of the page.
        histogram (list[HistogramBin]): Score histogram bars.
        data (dict): The JSON document the page script renders (articles, findings).
        top_findings (list[dict]): The highest-scoring findings for the no-script table.
        articles_with_text (int): Articles shown with their text highlighted.
        groups (list[GroupTable]): Summary tables by speaker, source (and outlet and
            month when the findings carry them), as ``nli summarize`` computes them.
        timeline (list[MonthBar]): Denials per month, with dated findings.
    """

    title: str
    summary: ReportSummary
    histogram: list[HistogramBin]
    data: dict[str, Any]
    top_findings: list[Mapping[str, Any]] = field(default_factory=list)
    articles_with_text: int = 0
    groups: list[GroupTable] = field(default_factory=list)
    timeline: list[MonthBar] = field(default_factory=list)


@dataclass(frozen=True)
class ReportResult:
    """What :func:`report_from_files` wrote."""

    path: Path
    findings: int
    rows_not_shown: int
    articles: int
    articles_with_text: int


# --------------------------------------------------------------------------- reading


def manifest_path_for(findings_path: str | Path) -> Path:
    """Where ``nli score`` writes the manifest of a findings file."""
    findings_path = Path(findings_path)
    return findings_path.with_name(findings_path.name + ".manifest.json")


def load_manifest(path: str | Path) -> dict[str, Any] | None:
    """Read a run manifest; ``None`` when it is missing or not a JSON object."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        logger.warning("cannot read manifest %s: %s", path, error)
        return None
    return value if isinstance(value, dict) else None


def load_article_texts(
    path: str | Path,
    *,
    ids: Collection[str] | None = None,
    text_field: str = "text",
    id_field: str = "id",
) -> dict[str, str]:
    """Article texts by id, read exactly as ``nli score`` read them.

    Args:
        path (str | Path): The collection given to ``nli score``.
        ids (Collection[str], optional): Keep only these ids (the articles that have
            findings), so a large collection is not held in memory. Defaults to all.
        text_field (str): Text field in JSONL/CSV/Parquet collections.
        id_field (str): Id field in JSONL/CSV/Parquet collections.

    Returns:
        dict[str, str]: Article id to text.
    """
    wanted = None if ids is None else set(ids)
    texts: dict[str, str] = {}
    for record in read_articles(path, text_field=text_field, id_field=id_field):
        if isinstance(record, ErrorRecord):
            logger.warning("%s: %s", record.source, record.message)
        elif wanted is None or record.id in wanted:
            texts[record.id] = record.text
    return texts


# --------------------------------------------------------------------------- pure steps


def _finite_float(value: Any) -> float | None:
    """``value`` as a float when it is a finite real number (not a bool), else ``None``."""
    return float(value) if finite_number(value) else None


def ranking_score(row: Mapping[str, Any]) -> float:
    """The score a finding is ranked and thresholded by: ``calibrated``, else ``score``.

    ``nli score`` labels findings on the calibrated score (ranked findings of a model with a
    priority threshold on ``priority``: :func:`is_contradiction`), so the page does too.

    Example:
        >>> ranking_score({"score": 0.8, "calibrated": 0.6}), ranking_score({"score": 0.8})
        (0.6, 0.8)
    """
    calibrated = _finite_float(row.get("calibrated"))
    return calibrated if calibrated is not None else float(row["score"])


def score_histogram(
    scores: Iterable[float], *, threshold: float, bins: int = HISTOGRAM_BINS
) -> list[HistogramBin]:
    """Count scores in equal-width bins over ``[0, 1]`` (1.0 goes in the last bin).

    Args:
        scores (Iterable[float]): Finite scores; values outside [0, 1] are clipped.
        threshold (float): Bars starting at or above it are marked ``above_threshold``.
        bins (int): Number of bars. Defaults to 20.

    Returns:
        list[HistogramBin]: ``bins`` bars from 0 to 1.

    Example:
        >>> [b.count for b in score_histogram([0.1, 0.2, 0.9, 1.0], threshold=0.5, bins=2)]
        [2, 2]
    """
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    counts = [0] * bins
    for score in scores:
        index = min(max(int(score * bins), 0), bins - 1)
        counts[index] += 1
    return [
        HistogramBin(i / bins, (i + 1) / bins, count, i / bins >= threshold - 1e-12)
        for i, count in enumerate(counts)
    ]


def _merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight_segments(
    text: str,
    spans: Sequence[tuple[int, int, int]],
    keep: Sequence[tuple[int, int]] | None = None,
) -> list[list[Any]]:
    """Cut an article into text pieces, each with the claims that cover it.

    Text outside ``keep`` (page chrome removed by cleaning) becomes a gap marker
    that says how many characters were left out, so the reader knows something is
    missing. Spans are always shown, even where cleaning dropped their text.

    Args:
        text (str): The article text the spans point into.
        spans (Sequence[tuple[int, int, int]]): ``(start, end, claim_index)``; ``[start, end)``
            in characters of ``text``.
        keep (Sequence[tuple[int, int]], optional): Ranges of ``text`` to show.
            Defaults to all of it.

    Returns:
        list[list]: ``[piece, [claim indices]]`` for text, ``[n_characters]`` for a gap.

    Example:
        >>> highlight_segments("We deny it. Reuters says so.", [(0, 11, 0), (12, 28, 1)])
        [['We deny it.', [0]], [' ', []], ['Reuters says so.', [1]]]
        >>> highlight_segments("Menu\\nBody.", [], keep=[(5, 10)])
        [[5], ['Body.', []]]
    """
    base = list(keep) if keep is not None else [(0, len(text))]
    shown = _merge_ranges([*base, *((start, end) for start, end, _ in spans)])
    segments: list[list[Any]] = []
    position = 0
    for range_start, range_end in shown:
        if range_start > position and text[position:range_start].strip():
            segments.append([range_start - position])
        elif range_start > position:
            segments.append([text[position:range_start], []])
        cuts = sorted(
            {range_start, range_end}
            | {
                edge
                for start, end, _ in spans
                for edge in (start, end)
                if range_start < edge < range_end
            }
        )
        for piece_start, piece_end in zip(cuts, cuts[1:], strict=False):
            covering = [index for start, end, index in spans if start <= piece_start < end]
            piece = text[piece_start:piece_end]
            if segments and len(segments[-1]) == 2 and segments[-1][1] == covering:
                segments[-1][0] += piece  # same claims as the piece before: one element
            else:
                segments.append([piece, covering])
        position = range_end
    if text[position:].strip():
        segments.append([len(text) - position])
    return segments


def _same_text(left: str, right: str) -> bool:
    return left.split() == right.split()


def _claim_of(row: Mapping[str, Any], kind: str) -> dict[str, Any]:
    claim = row[kind]
    who = claim.get("speaker" if kind == "statement" else "source")
    span = claim.get("span")
    # A cross-article report's span points into another article: not this one's text.
    other = row.get("report_article_id") if kind == "report" else None
    elsewhere = str(other) if other not in (None, row["article_id"]) else None
    valid_span = (
        elsewhere is None
        and isinstance(span, Sequence)
        and len(span) == 2
        and all(isinstance(edge, int) and not isinstance(edge, bool) for edge in span)
        and 0 <= span[0] < span[1]
    )
    return {
        "kind": kind,
        "text": claim["text"],
        "who": who if isinstance(who, str) else None,
        "cue": claim.get("cue") if isinstance(claim.get("cue"), str) else None,
        "content": claim.get("content") if isinstance(claim.get("content"), str) else None,
        "polarity": claim.get("polarity") if claim.get("polarity") in ("+", "-") else None,
        "span": [span[0], span[1]] if valid_span else None,
        "elsewhere": elsewhere,
    }


def _round(value: Any) -> float | None:
    return round(float(value), 4) if finite_number(value) else None


def _probs_of(row: Mapping[str, Any]) -> list[float | None] | None:
    probs = row.get("probs")
    if not isinstance(probs, Mapping):
        return None
    return [_round(probs.get(label)) for label in LABELS]


@dataclass
class _ArticleBuild:
    """An article's claims while the report data is assembled."""

    id: str
    claims: list[dict[str, Any]] = field(default_factory=list)
    claim_index: dict[tuple[Any, ...], int] = field(default_factory=dict)
    best_score: float = -math.inf

    def add(self, claim: dict[str, Any]) -> int:
        # Two claims can share a sentence (a direct assertion and a reported denial
        # in one quote), so everything that differs between them is in the key.
        key = tuple(json.dumps(claim[name]) for name in sorted(claim))
        if key not in self.claim_index:
            self.claim_index[key] = len(self.claims)
            self.claims.append(claim)
        return self.claim_index[key]


def _article_view(build: _ArticleBuild, text: str | None, *, have_texts: bool) -> dict[str, Any]:
    """The JSON of one article: its claims and its highlighted text (or claims only)."""
    note = None
    if text is not None:
        bad = [
            claim
            for claim in build.claims
            if claim["elsewhere"] is None  # another article's span is not checked here
            and (
                claim["span"] is None
                or claim["span"][1] > len(text)
                or not _same_text(text[claim["span"][0] : claim["span"][1]], claim["text"])
            )
        ]
        if bad:
            note = (
                f"The article text given does not match {len(bad)} of the findings' spans "
                "(was the same collection scored?); showing the statements and reports only."
            )
            text = None
    elif have_texts:
        note = "This article was not found in the collection given; showing the claims only."
    else:
        note = (
            "Article text not included (pass --articles to nli report); "
            "showing the statements and reports only."
        )
    if text is not None:
        spans = [
            (claim["span"][0], claim["span"][1], i)
            for i, claim in enumerate(build.claims)
            if claim["span"] is not None  # not one from another article
        ]
        segments = highlight_segments(text, spans, clean_text(text))
    else:
        # One paragraph per distinct sentence; claims read from the same one share it.
        by_text: dict[str, list[int]] = {}
        for i, claim in enumerate(build.claims):
            by_text.setdefault(claim["text"], []).append(i)
        segments = []
        for text_piece, indices in by_text.items():
            if segments:
                segments.append(["\n\n", []])
            segments.append([text_piece, indices])
    return {
        "id": build.id,
        "has_text": text is not None,
        "note": note,
        "claims": build.claims,
        "segments": segments,
    }


NO_CALIBRATION = "none (scores are raw model probabilities)"


def _describe_temperature(recorded: Mapping[str, Any]) -> str:
    """One line on a temperature-scaling fit as ``nli calibrate`` records it."""
    parts = [f"temperature scaling, T = {float(recorded['temperature']):.3g}"]
    fitted_on = recorded.get("fitted_on")
    if isinstance(fitted_on, Mapping) and fitted_on.get("file"):
        pairs = recorded.get("n")
        parts.append(
            f"fitted on {fitted_on['file']}"
            + (f" ({pairs} pairs)" if isinstance(pairs, int) else "")
        )
    before, after = (
        _finite_float(recorded.get("ece_before")),
        _finite_float(recorded.get("ece_after")),
    )
    if before is not None and after is not None:
        parts.append(f"ECE {before:.3f} \u2192 {after:.3f}")
    return "; ".join(parts)


def describe_calibration(
    manifest: Mapping[str, Any] | None, findings: Sequence[Mapping[str, Any]]
) -> str:
    """Say in words how the scores were calibrated.

    The manifest's ``calibration`` entry decides (``null`` there means none); without
    one, calibrated scores that differ from the raw ones show that some was applied.

    Example:
        >>> describe_calibration(None, [{"score": 0.4, "calibrated": 0.4}])
        'none (scores are raw model probabilities)'
        >>> describe_calibration({"calibration": {"temperature": 1.5, "n": 60,
        ...     "fitted_on": {"file": "dev.jsonl"}, "ece_before": 0.1, "ece_after": 0.03}}, [])
        'temperature scaling, T = 1.5; fitted on dev.jsonl (60 pairs); ECE 0.100 → 0.030'
    """
    run = manifest or {}
    recorded = run.get("calibration")
    if isinstance(recorded, str) and recorded:
        return recorded
    if isinstance(recorded, Mapping) and finite_number(recorded.get("temperature")):
        return _describe_temperature(recorded)
    if isinstance(recorded, Mapping) and recorded:
        parts = [
            f"{key}={round(value, 4) if isinstance(value, float) else value}"
            for key, value in recorded.items()
            if isinstance(value, str | int | float | bool)
        ]
        return ", ".join(parts) or "recorded (see the run manifest)"
    if "calibration" in run:
        return NO_CALIBRATION
    if any(
        finite_number(row.get("calibrated")) and row.get("calibrated") != row.get("score")
        for row in findings
    ):
        return "calibrated scores present (method not recorded)"
    return NO_CALIBRATION


def _count(manifest: Mapping[str, Any] | None, name: str) -> int | None:
    counts = (manifest or {}).get("counts")
    value = counts.get(name) if isinstance(counts, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _run_threshold(manifest: Mapping[str, Any] | None, key: str = "threshold") -> float | None:
    config = (manifest or {}).get("config")
    value = config.get(key) if isinstance(config, Mapping) else None
    return _finite_float(value)


def is_contradiction(row: Mapping[str, Any], threshold: float, *, by_label: bool) -> bool:
    """Whether the report counts a finding as a contradiction: its ``label`` when
    ``by_label``, else :func:`ranking_score` >= ``threshold``.

    Example:
        >>> row = {"score": 0.2, "calibrated": 0.15, "label": "contradiction"}
        >>> is_contradiction(row, 0.25, by_label=True), is_contradiction(row, 0.25, by_label=False)
        (True, False)
    """
    if by_label:  # as nli summarize counts: a row without a label is no contradiction
        return row.get("label") == "contradiction"
    return ranking_score(row) >= threshold


def _model_name(manifest: Mapping[str, Any] | None, findings: Sequence[Mapping[str, Any]]) -> str:
    recorded = (manifest or {}).get("model")
    if isinstance(recorded, str) and recorded:
        return recorded
    names = sorted({str(row["model"]) for row in findings if row.get("model")})
    return ", ".join(names) if names else "unknown"


def _split_valid(findings: Sequence[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], int]:
    """The rows that can be shown, and how many cannot (each one logged)."""
    good, bad = split_findings(findings)
    for number, problem in bad:
        logger.warning("finding %d not shown: %s", number, problem)
    return good, len(bad)


def _index_findings(
    rows: Sequence[Mapping[str, Any]],
) -> tuple[list[_ArticleBuild], list[dict[str, Any]]]:
    """Group valid rows by article, dedupe their claims, and point each finding at them.

    Returns:
        tuple: The articles in order of their strongest finding (so "next article"
        goes down the list), and one JSON entry per row with article and claim indices.
    """
    builds: dict[str, _ArticleBuild] = {}
    entries: list[dict[str, Any]] = []
    for row in rows:
        build = builds.setdefault(str(row["article_id"]), _ArticleBuild(str(row["article_id"])))
        build.best_score = max(build.best_score, ranking_score(row))
        label, direction = row.get("label"), row.get("direction")
        entries.append(
            {
                "article": build.id,  # replaced by the article's index below
                "statement": build.add(_claim_of(row, "statement")),
                "report": build.add(_claim_of(row, "report")),
                "score": _round(ranking_score(row)),
                # the order of an article's findings: its pair's priority, as nli score
                "priority": _round(finding_priority({**row, "calibrated": ranking_score(row)})),
                "raw": _round(row["score"]),
                "label": label if isinstance(label, str) else None,
                "probs": _probs_of(row),
                "direction": direction if isinstance(direction, str) else None,
            }
        )
    ordered = sorted(builds.values(), key=lambda build: -build.best_score)
    position = {build.id: i for i, build in enumerate(ordered)}
    for entry in entries:
        entry["article"] = position[entry["article"]]
    return ordered, entries


def summarise_run(
    rows: Sequence[Mapping[str, Any]],
    manifest: Mapping[str, Any] | None,
    *,
    threshold: float,
    rows_not_shown: int = 0,
    by_label: bool = False,
) -> ReportSummary:
    """The numbers at the top of the report: counts and timing from the manifest, the rest
    from the (valid) findings rows.

    Example:
        >>> rows = [{"article_id": "a", "score": 0.9}, {"article_id": "a", "score": 0.2}]
        >>> s = summarise_run(rows, {"counts": {"read": 3}}, threshold=0.5)
        >>> s.articles_read, s.articles_with_findings, s.contradictions, s.seconds
        (3, 1, 1, None)
    """
    run = manifest or {}
    return ReportSummary(
        articles_read=_count(manifest, "read"),
        articles_with_findings=len({str(row["article_id"]) for row in rows}),
        claims_found=_count(manifest, "claims"),
        pairs_scored=_count(manifest, "pairs"),
        findings=len(rows),
        contradictions=sum(is_contradiction(row, threshold, by_label=by_label) for row in rows),
        threshold=threshold,
        model=_model_name(manifest, rows),
        calibration=describe_calibration(manifest, rows),
        seconds=_finite_float(run.get("seconds")),
        input=str(run["input"]) if run.get("input") else None,
        rows_not_shown=rows_not_shown,
        by_label=by_label,
    )


def prepare_report(
    findings: Sequence[Mapping[str, Any]],
    articles: Mapping[str, str] | None = None,
    manifest: Mapping[str, Any] | None = None,
    *,
    threshold: float | None = None,
    title: str | None = None,
    rows_not_read: int = 0,
) -> ReportContent:
    """Turn findings (and optionally article texts and the run manifest) into page content.

    Args:
        findings (Sequence[Mapping]): Rows in the ``nli score`` output schema. Rows
            that lack an article id, statement/report text or a finite score are
            left out and counted.
        articles (Mapping[str, str], optional): Article id to text as read by
            ``nli score``; without it the page shows statement and report texts only.
        manifest (Mapping, optional): The run manifest (counts, timing, model, threshold).
        threshold (float, optional): Contradiction threshold on the score. Defaults to the
            manifest's, else 0.5; without it, when the manifest says the run labelled
            ranked findings by priority, or when there is no manifest and every finding
            has its ``label``, contradictions are the findings the run labelled so.
        title (str, optional): Page title. Defaults to one naming the input.
        rows_not_read (int): Rows of the findings file that could not be parsed.

    Returns:
        ReportContent: What :func:`render_report_content` renders.

    Raises:
        ValueError: When ``threshold`` is outside [0, 1].
    """
    # the run's own labels: where it labelled by priority, or, without its manifest, where
    # every finding carries one (as nli summarize counts them)
    by_label = threshold is None and (
        _run_threshold(manifest, "priority_threshold") is not None
        or (manifest is None and bool(findings) and all("label" in row for row in findings))
    )
    if threshold is None:
        threshold = _run_threshold(manifest)
    if threshold is None:
        threshold = DEFAULT_THRESHOLD
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    good, malformed = _split_valid(findings)
    ordered, entries = _index_findings(good)
    article_data = [
        _article_view(build, (articles or {}).get(build.id), have_texts=articles is not None)
        for build in ordered
    ]
    summary = summarise_run(
        good,
        manifest,
        threshold=threshold,
        rows_not_shown=malformed + rows_not_read,
        by_label=by_label,
    )
    scores = [ranking_score(row) for row in good]
    top = sorted(range(len(good)), key=lambda i: -scores[i])[:NOSCRIPT_ROWS]
    groups, timeline = summary_tables(good, threshold=None if by_label else threshold)
    default_title = f"denial-nli report: {Path(summary.input).name}" if summary.input else None
    return ReportContent(
        title=title or default_title or "denial-nli report",
        summary=summary,
        histogram=score_histogram(scores, threshold=threshold),
        data={
            "version": __version__,
            "threshold": threshold,
            "by_label": by_label,
            "labels": list(LABELS),
            "articles": article_data,
            "findings": entries,
        },
        top_findings=[good[i] for i in top],
        articles_with_text=sum(article["has_text"] for article in article_data),
        groups=groups,
        timeline=timeline,
    )


def summary_tables(
    findings: Sequence[Mapping[str, Any]], *, threshold: float | None, top: int = SUMMARY_ROWS
) -> tuple[list[GroupTable], list[MonthBar]]:
    """The report's summary: :func:`nli.summarize.summarize` per grouping, and the timeline.

    A finding is a contradiction when its :func:`ranking_score` is at least
    ``threshold``, as everywhere in the report; with ``threshold`` None, when the run
    labelled it so. Outlet and month tables appear only
    when the findings carry ``article.outlet`` / ``article.url`` and ``article.date``.

    Returns:
        tuple: The top ``top`` groups per grouping, and the denials of every month.
    """
    if not findings:
        return [], []
    import pandas as pd

    from nli.summarize import monthly_timeline, summarize

    frame = pd.json_normalize([dict(row) for row in findings])
    frame["calibrated"] = [ranking_score(row) for row in findings]
    groupings = ["speaker", "source"]
    if "article.outlet" in frame.columns or "article.url" in frame.columns:
        groupings.append("outlet")
    if "article.date" in frame.columns:
        groupings.append("month")
    tables = []
    for by in groupings:
        table = summarize(frame, by, threshold=threshold)
        rows = [
            GroupRow(
                name=str(row[by]),
                statements=int(row["statements"]),
                denials=int(row["denials"]),
                pairs=int(row["pairs"]),
                contradictions=int(row["contradictions"]),
                contradicted_statements=int(row["contradicted_statements"]),
                rate=float(row["contradiction_rate"]),
                rate_low=float(row["rate_low"]),
                rate_high=float(row["rate_high"]),
                top_statement=str(row["top_statement"]),
                top_report=str(row["top_report"]),
                top_calibrated=float(row["top_calibrated"]),
            )
            for _, row in table.head(top).iterrows()
        ]
        tables.append(GroupTable(by, len(table), rows))
    timeline = []
    if "article.date" in frame.columns:
        months = monthly_timeline(frame, threshold=threshold)
        timeline = [
            MonthBar(str(m), int(d), int(c))
            for m, d, c in zip(
                months["month"], months["denials"], months["contradicted_denials"], strict=True
            )
        ]
    return tables, timeline


def json_for_script(value: Any) -> str:
    """JSON text that is safe inside an HTML ``<script type="application/json">`` block.

    ``<``, ``>`` and ``&`` are written as JSON ``\\u`` escapes, so no ``</script>``,
    ``<!--`` or character reference can appear; ``JSON.parse`` restores them.

    Example:
        >>> json_for_script({"text": "</script><b>&"})
        '{"text":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for character in "<>&\u2028\u2029":
        text = text.replace(character, f"\\u{ord(character):04x}")
    return text


def format_seconds(seconds: float | None) -> str:
    """A run time for people.

    Example:
        >>> format_seconds(3.318), format_seconds(125), format_seconds(None)
        ('3.3 s', '2 min 5 s', 'not recorded')
    """
    if seconds is None:
        return "not recorded"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def format_count(value: int | None) -> str:
    """A count with thousands separators, or "not recorded" for ``None``.

    Example:
        >>> format_count(10000), format_count(None)
        ('10,000', 'not recorded')
    """
    return "not recorded" if value is None else f"{value:,}"


def _csp_hash(script: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _environment() -> Any:
    import jinja2

    # autoescape=True rather than select_autoescape: the template ends in .j2.
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("nli", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["csp_hash"] = lambda script: _csp_hash(str(script))
    environment.filters["seconds"] = format_seconds
    environment.filters["count"] = format_count
    return environment


def render_report_content(content: ReportContent) -> str:
    """Render prepared content to the HTML page."""
    from markupsafe import Markup

    template = _environment().get_template(TEMPLATE_NAME)
    return template.render(
        content=content,
        summary=content.summary,
        # Safe to mark: json_for_script leaves no '<', '>' or '&' in the text.
        data_json=Markup(json_for_script(content.data)),
        version=__version__,
    )


def render_report(
    findings: Sequence[Mapping[str, Any]],
    articles: Mapping[str, str] | None = None,
    manifest: Mapping[str, Any] | None = None,
    *,
    threshold: float | None = None,
    title: str | None = None,
) -> str:
    """Render the HTML report of a run (a pure function; see :func:`prepare_report`).

    Args:
        findings (Sequence[Mapping]): Rows in the ``nli score`` output schema.
        articles (Mapping[str, str], optional): Article id to text, to highlight spans.
        manifest (Mapping, optional): The run manifest, for counts, timing and model.
        threshold (float, optional): Contradiction threshold (default: the run's, else 0.5).
        title (str, optional): Page title.

    Returns:
        str: One self-contained HTML document.
    """
    content = prepare_report(findings, articles, manifest, threshold=threshold, title=title)
    return render_report_content(content)


def _write_html(path: Path, html: str) -> None:
    """Write the page atomically (UTF-8)."""
    with atomic_path(path) as tmp:
        Path(tmp).write_text(html, encoding="utf-8")


def write_report(
    path: str | Path,
    findings: Sequence[Mapping[str, Any]],
    articles: Mapping[str, str] | None = None,
    manifest: Mapping[str, Any] | None = None,
    *,
    threshold: float | None = None,
    title: str | None = None,
) -> Path:
    """Render the report and write it to ``path`` atomically (UTF-8)."""
    path = Path(path)
    _write_html(path, render_report(findings, articles, manifest, threshold=threshold, title=title))
    return path


def report_from_files(
    findings_path: str | Path,
    output_path: str | Path,
    *,
    articles_path: str | Path | None = None,
    manifest_path: str | Path | None = None,
    text_field: str = "text",
    id_field: str = "id",
    threshold: float | None = None,
    title: str | None = None,
) -> ReportResult:
    """Write the report of a findings file (``nli report`` and ``nli score --report``).

    Args:
        findings_path (str | Path): Findings written by ``nli score``.
        output_path (str | Path): The HTML file to write.
        articles_path (str | Path, optional): The collection that was scored, to show
            article texts with the spans highlighted.
        manifest_path (str | Path, optional): The run manifest. Defaults to
            ``FINDINGS.manifest.json`` when it exists.
        text_field (str): Text field of a JSONL/CSV/Parquet collection.
        id_field (str): Id field of a JSONL/CSV/Parquet collection.
        threshold (float, optional): Contradiction threshold (default: the run's, else 0.5).
        title (str, optional): Page title.

    Returns:
        ReportResult: The path written and what the report holds.

    Raises:
        FileNotFoundError: When the findings file or the article collection is missing.
    """
    rows, errors = read_findings(findings_path)
    for error in errors:
        logger.warning("%s:%s: %s", error.source, error.line, error.message)
    if manifest_path is not None and not Path(manifest_path).is_file():
        raise FileNotFoundError(f"{manifest_path}: manifest not found")
    manifest = load_manifest(manifest_path or manifest_path_for(findings_path))
    articles = None
    if articles_path is not None:
        if not Path(articles_path).exists():
            raise FileNotFoundError(f"{articles_path}: article collection not found")
        ids = {str(row.get("article_id")) for row in rows}
        articles = load_article_texts(
            articles_path, ids=ids, text_field=text_field, id_field=id_field
        )
    content = prepare_report(
        rows, articles, manifest, threshold=threshold, title=title, rows_not_read=len(errors)
    )
    output_path = Path(output_path)
    _write_html(output_path, render_report_content(content))
    return ReportResult(
        path=output_path,
        findings=content.summary.findings,
        rows_not_shown=content.summary.rows_not_shown,
        articles=content.summary.articles_with_findings,
        articles_with_text=content.articles_with_text,
    )
