"""The claims of one article: its officials' statements and third-party reports.

:func:`extract_claims` runs clean -> segment -> attribute on one article;
:func:`article_claims` does so within a run's limits and counts what it found;
:func:`claim_to_dict` is a claim as the outputs write it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from nli.attribution import find_claims
from nli.clean import clean_text, strip_dateline
from nli.config import ArticleConfig, RunCounts
from nli.segment import split_sentences
from nli.types import Article, Claim


def extract_claims(article: Article, finder: str = "parse") -> list[Claim]:
    """Clean, segment and attribute one article: its statements and reports.

    ``finder="rules"`` uses the rules of :mod:`nli.attribution` alone; ``"parse"`` adds
    the claims spaCy's dependency parse finds (:mod:`nli.parsed`), merged with the rules'
    by :mod:`nli.combine`. Offsets in the returned claims point into ``article.text`` as
    given.
    """
    ranges = clean_text(article.text)
    sentences = split_sentences(article.text, ranges)
    rules = _undated(find_claims(sentences))
    if finder == "rules":
        return rules
    if finder != "parse":
        raise ValueError(f"finder must be 'parse' or 'rules', got {finder!r}")
    from nli.combine import both_roles, merge_claims
    from nli.parsed import parse_claims

    return both_roles(merge_claims(rules, parse_claims(sentences)))


def _undated(claims: list[Claim]) -> list[Claim]:
    """The claims with the page's date line taken off their speakers (the rules read it as
    part of the first sentence's subject: "date 2024-07-01 Ukraine's border guards")."""
    return [
        c
        if c.speaker is None or c.speaker == (name := strip_dateline(c.speaker))
        else dataclasses.replace(c, speaker=name or None)
        for c in claims
    ]


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
        "blanket": claim.blanket,
    }


def article_claims(article: Article, config: ArticleConfig, counts: RunCounts) -> list[Claim]:
    """The claims of one article, within the config's limits; counts empty articles.

    Raises:
        ValueError: When the article is longer than ``config.max_article_chars``.
    """
    if not article.text.strip():
        counts.empty += 1
        return []
    if len(article.text) > config.max_article_chars:
        raise ValueError(
            f"article has {len(article.text):,} characters, more than max_article_chars="
            f"{config.max_article_chars:,}; not processed (raise --max-chars to include it)"
        )
    claims = extract_claims(article, config.finder)
    counts.claims += len(claims)
    return claims
