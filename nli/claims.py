"""The claims of one article: its officials' statements and third-party reports.

:func:`extract_claims` runs clean -> segment -> attribute on one article;
:func:`article_claims` does so within a run's limits and counts what it found;
:func:`claim_to_dict` is a claim as the outputs write it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from nli.attribution import find_claims
from nli.clean import clean_text, strip_dateline
from nli.config import ArticleConfig, RunCounts
from nli.segment import split_sentences
from nli.types import Article, Claim, Sentence

#: Shortest sentence (characters) kept as a bare candidate: shorter ones are bylines,
#: captions and fragments ("Photo: Reuters").
MIN_BARE_CHARS = 25


def extract_claims(article: Article, finder: str = "parse", *, bare: bool = False) -> list[Claim]:
    """Clean, segment and attribute one article: its statements and reports.

    ``finder="rules"`` uses the rules of :mod:`nli.attribution` alone; ``"parse"`` adds
    the claims spaCy's dependency parse finds (:mod:`nli.parsed`), merged with the rules'
    by :mod:`nli.combine`. Offsets in the returned claims point into ``article.text`` as
    given. With ``bare=True`` the :func:`bare_sentences` follow the claims (what ranked
    pairing takes as candidates).
    """
    ranges = clean_text(article.text)
    sentences = split_sentences(article.text, ranges)
    claims = _undated(find_claims(sentences))
    if finder == "parse":
        from nli.combine import both_roles, merge_claims
        from nli.parsed import parse_claims

        claims = both_roles(merge_claims(claims, parse_claims(sentences)))
    elif finder != "rules":
        raise ValueError(f"finder must be 'parse' or 'rules', got {finder!r}")
    return claims + bare_sentences(sentences, claims) if bare else claims


def bare_sentences(sentences: Sequence[Sentence], claims: Sequence[Claim]) -> list[Claim]:
    """The sentences in which no claim was found, as weak candidates for ranked pairing.

    On unseen news the finder misses one side of many contradictions: an unattributed
    denial in a headline ("Pakistan disputes rise in quake death toll"), a quote whose
    speaker is in the next sentence, a report with no reporting verb. Each sentence of at
    least :data:`MIN_BARE_CHARS` characters that overlaps no claim becomes a ``report``
    claim with ``bare=True`` (no speaker, no cue, polarity ``+``, its text as content);
    ranked pairing may put it in either slot, and the pair ranker, fitted with them, rates
    such pairs lower than found ones. On the real-news dev half they raise the share of
    gold contradictions with a candidate pair from 0.877 to 0.934 and leave the
    cross-validated pairing recall as it was (0.696 against 0.697 at 19.4 pairs per article).

    Example:
        >>> s = [Sentence("Pakistan disputes rise in quake death toll", 0, 43),
        ...      Sentence("Photo: AP", 44, 53)]
        >>> [(c.kind, c.bare, c.content) for c in bare_sentences(s, [])]
        [('report', True, 'Pakistan disputes rise in quake death toll')]
    """
    spans = [c.span for c in claims]
    return [
        Claim("report", s.text, s.text, None, None, "+", (s.start, s.end), bare=True)
        for s in sentences
        if len(s.text) >= MIN_BARE_CHARS
        and not any(start < s.end and s.start < end for start, end in spans)
    ]


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
        "bare": claim.bare,
    }


def article_claims(
    article: Article, config: ArticleConfig, counts: RunCounts, *, with_bare: bool = True
) -> list[Claim]:
    """The claims of one article, within the config's limits; counts empty articles.

    With ranked pairing (``config.pairing``) and ``with_bare`` the article's
    :func:`bare_sentences` follow its claims (pairing reads them; ``nli extract`` and
    cross-article pairing take ``with_bare=False``); ``counts.claims`` counts only the
    claims found.

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
    claims = extract_claims(article, config.finder, bare=with_bare and config.pairing == "ranked")
    counts.claims += sum(not c.bare for c in claims)
    return claims
