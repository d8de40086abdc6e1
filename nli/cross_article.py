"""Pairing and scoring statements with the reports of other articles about one event.

``nli score --cross-article`` runs this after the within-article pass: it re-reads the
collection, keeps each article's claims (:class:`EventArticle`), groups the articles by
event and scores each article's statements against the other articles' reports
(:func:`score_cross_article`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nli.claims import article_claims
from nli.config import ArticleConfig, RunCounts
from nli.findings import make_finding, score_claim_pairs
from nli.io import read_articles
from nli.model import ContradictionScorer
from nli.pairing import ClaimPair, ClaimTopics, claim_topics, pair_topics, strongest_pairs
from nli.types import Article, Claim, finding_order

logger = logging.getLogger(__name__)


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
            # topic pairing across articles takes the claims found, not bare sentences
            claims = article_claims(record, config, RunCounts(), with_bare=False)
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
                scores = score_claim_pairs([(s, r) for s, r, _ in triples], scorer, config)
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
            yield sorted(made, key=finding_order)
