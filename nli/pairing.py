"""Candidate statement/report pairs within an article, pruned by topical overlap.

Scoring every statement against every report wastes model time on pairs about
different things, and such pairs are where an NLI model's false contradictions come
from. A pair is kept when the statement's and the report's contents share at least
``min_overlap`` content words (lower-cased, stop words and short words removed, a
crude plural "s" stripped).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nli.types import Claim

#: Function words that say nothing about a claim's topic.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "into",
        "over",
        "about",
        "than",
        "then",
        "that",
        "this",
        "these",
        "those",
        "there",
        "here",
        "it",
        "its",
        "they",
        "them",
        "their",
        "we",
        "our",
        "us",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "i",
        "me",
        "my",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "done",
        "not",
        "no",
        "nor",
        "never",
        "none",
        "any",
        "all",
        "some",
        "said",
        "says",
        "say",
        "told",
        "tell",
        "denied",
        "deny",
        "denies",
        "rejected",
        "dismissed",
        "insisted",
        "would",
        "could",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "can",
        "must",
        "also",
        "just",
        "only",
        "very",
        "more",
        "most",
        "such",
        "who",
        "whom",
        "which",
        "what",
        "when",
        "where",
        "why",
        "how",
        "while",
        "after",
        "before",
        "during",
        "since",
        "until",
        "report",
        "reports",
        "reported",
        "according",
        "sources",
        "source",
        "official",
        "officials",
    ]
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+|\d[\d,.]*")


def content_words(text: str) -> frozenset[str]:
    """The topical words of ``text``.

    Example:
        >>> sorted(content_words("We have no fighting troops in Syria."))
        ['fighting', 'syria', 'troop']
    """
    words = set()
    for match in _WORD.finditer(text):
        word = match.group(0).lower().strip("'-.,")
        if word in STOP_WORDS or (len(word) < 3 and not word[:1].isdigit()):
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return frozenset(words)


def pair_claims(claims: Sequence[Claim], *, min_overlap: int = 1) -> list[tuple[Claim, Claim]]:
    """All (statement, report) pairs of one article that share enough topic words.

    Args:
        claims (Sequence[Claim]): The article's claims, in text order.
        min_overlap (int): Shared content words needed; 0 keeps every pair.
            Defaults to 1.

    Returns:
        list[tuple[Claim, Claim]]: Pairs in (statement, report) text order.
    """
    if min_overlap < 0:
        raise ValueError(f"min_overlap must be >= 0, got {min_overlap}")
    statements = [c for c in claims if c.kind == "statement"]
    reports = [c for c in claims if c.kind == "report"]
    words = {id(c): content_words(c.content) for c in claims}
    return [
        (statement, report)
        for statement in statements
        for report in reports
        if len(words[id(statement)] & words[id(report)]) >= min_overlap
    ]
