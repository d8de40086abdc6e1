"""Article fields carried into findings: ``nli score --keep-fields`` and ``--date-field``.

A researcher groups findings by outlet or month, so the fields of an article that say
where and when it appeared travel with each of its findings, as the object ``article``
(``article.date``, ``article.outlet``, ... in CSV). Table inputs give the row's own
fields; a folder of ``.html`` pages gives the page's date, site name (as ``outlet``), URL
and title, which trafilatura reads from the page (:func:`nli.clean.html_page_fields`).

Dates come in every format, so ``--date-field F`` reads ``F`` with :func:`parse_date`
and writes an ISO date (``YYYY-MM-DD``) as ``article.date``. A date that cannot be read
is null and counted (``RunCounts.dates_unparsed``); it never stops a run.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from nli.config import ArticleConfig, RunCounts
from nli.types import Article, ErrorRecord

logger = logging.getLogger(__name__)

#: The key of the parsed ``--date-field`` in a finding's ``article`` object.
DATE_KEY = "date"

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:$|[T ])")
# Only absolute dates: "yesterday" or "3 days ago" would be read relative to the day of
# the run, which says nothing about the article; a date needs at least year and month.
_DATEPARSER_SETTINGS = {
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["year", "month"],
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
}


@lru_cache(maxsize=8192)
def _parse_date_text(text: str) -> str | None:
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            return None
    import dateparser  # installed with trafilatura; imported here because it loads slowly

    # English first: language detection costs seconds on its first call.
    parsed = dateparser.parse(text, languages=["en"], settings=_DATEPARSER_SETTINGS)
    if parsed is None:
        parsed = dateparser.parse(text, settings=_DATEPARSER_SETTINGS)
    return parsed.date().isoformat() if parsed is not None else None


def parse_date(value: Any) -> str | None:
    """The ISO date (``YYYY-MM-DD``) of a date in any common format.

    ISO dates and timestamps are read directly (the date as written, whatever the time
    zone); anything else goes to ``dateparser`` (English first, then any language it
    knows), with absolute dates only and at least a year and a month (a missing day is
    the 1st). Numeric dates such as ``03/04/2015`` are read month first, as in English.

    Args:
        value (Any): A string, a ``datetime.date``/``datetime`` (as Parquet gives), or
            None.

    Returns:
        str | None: The date, or None when ``value`` is empty or cannot be read.

    Example:
        >>> parse_date("2015-03-12T10:00:00Z"), parse_date("Tue, 01 Jul 2024 10:00:00 GMT")
        ('2015-03-12', '2024-07-01')
        >>> parse_date("March 3, 2015"), parse_date("Mar 2015"), parse_date("yesterday")
        ('2015-03-03', '2015-03-01', None)
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return _parse_date_text(text) if text else None


def _json_value(value: Any) -> Any:
    """A kept field as JSON can hold it: dates as ISO text, anything unknown as text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    return str(value)


def field_value(article: Article, name: str) -> Any:
    """The value of field ``name`` of an article: its row's field, or what the page said.

    Example:
        >>> field_value(Article("a", "", meta={"outlet": "AP"}), "outlet")
        'AP'
        >>> field_value(Article("a", "", url="https://x.org/1"), "url")
        'https://x.org/1'
    """
    if name in article.meta:
        return article.meta[name]
    return {"url": article.url, "date": article.date}.get(name)


def article_fields(
    article: Article, keep_fields: Sequence[str], date_field: str | None
) -> tuple[dict[str, Any], str | None]:
    """The ``article`` object of an article's findings, and what became of its date.

    Args:
        article (Article): The article.
        keep_fields (Sequence[str]): Fields copied as they are (null when absent).
        date_field (str | None): Field parsed into ``date`` (see :func:`parse_date`).

    Returns:
        tuple: The fields, and ``"missing"`` (no date), ``"unparsed"`` (a date that
        cannot be read), ``"parsed"``, or None without ``date_field``.

    Example:
        >>> article = Article("a", "", meta={"outlet": "AP", "published": "12 March 2015"})
        >>> article_fields(article, ["outlet"], "published")
        ({'outlet': 'AP', 'date': '2015-03-12'}, 'parsed')
    """
    fields = {name: _json_value(field_value(article, name)) for name in keep_fields}
    if date_field is None:
        return fields, None
    raw = field_value(article, date_field)
    parsed = parse_date(raw)
    fields[DATE_KEY] = parsed
    if parsed is not None:
        return fields, "parsed"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return fields, "missing"
    logger.debug("%s: cannot read the date %r", article.id, raw)
    return fields, "unparsed"


def with_article(finding: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The finding with ``article`` placed after its article ids (first-seen CSV order)."""
    out: dict[str, Any] = {}
    for key, value in finding.items():
        if key == "article":
            continue
        out[key] = value
        if key == "report_article_id":
            out["article"] = fields
    out.setdefault("article", fields)
    return out


def add_article_fields(
    findings: Iterable[dict[str, Any]],
    records: Iterable[Article | ErrorRecord],
    config: ArticleConfig,
    counts: RunCounts,
) -> list[dict[str, Any]]:
    """Give each finding of a batch the fields of its article; count the dates.

    Findings are matched to the batch's articles by ``article_id`` (for a cross-article
    finding: the statement's article). Without ``keep_fields`` or ``date_field`` the
    findings are returned unchanged.

    Args:
        findings (Iterable[dict]): The batch's findings.
        records (Iterable[Article | ErrorRecord]): The batch as read.
        config (ArticleConfig): ``keep_fields`` and ``date_field``.
        counts (RunCounts): ``dates_missing`` and ``dates_unparsed`` grow (per article).

    Returns:
        list[dict]: The findings, each with ``article``.
    """
    if not config.keeps_article_fields:
        return list(findings)
    by_id = fields_by_article(records, config, counts)
    return attach_fields(findings, by_id, config)


def fields_by_article(
    records: Iterable[Article | ErrorRecord],
    config: ArticleConfig,
    counts: RunCounts | None = None,
) -> dict[str, dict[str, Any]]:
    """The ``article`` object of each article, by id; ``counts`` (if given) counts dates."""
    by_id: dict[str, dict[str, Any]] = {}
    for record in records:
        if not isinstance(record, Article):
            continue
        fields, date = article_fields(record, config.keep_fields, config.date_field)
        by_id[record.id] = fields
        if counts is not None and date == "missing":
            counts.dates_missing += 1
        elif counts is not None and date == "unparsed":
            counts.dates_unparsed += 1
    return by_id


def attach_fields(
    findings: Iterable[dict[str, Any]],
    by_id: dict[str, dict[str, Any]],
    config: ArticleConfig,
) -> list[dict[str, Any]]:
    """Each finding with the fields of its ``article_id`` (all null if unknown)."""
    empty = dict.fromkeys(config.keep_fields) | (
        {DATE_KEY: None} if config.date_field is not None else {}
    )
    return [with_article(f, by_id.get(f["article_id"], empty)) for f in findings]
