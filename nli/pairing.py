"""Candidate statement/report pairs within an article, pruned by topical overlap.

Scoring every statement against every report of an article is cheap, but pairs about
different things are where an NLI model's false contradictions come from. Pairing keeps
a (statement, report) pair when the two are about the same topic, measured on **topic
words**:

- :func:`content_words` of the claim's sentence: lower-cased words without stop words,
  reporting-frame words ("said", "statement", "newspaper") and generic time words, each
  reduced by a light suffix stemmer ("detained" -> "detain", "troops" -> "troop");
- plus one tag per :data:`CONCEPTS` class a word belongs to, so that near-synonyms
  common in denial stories meet ("troops" and "soldiers" both give ``#military``).

A denial and its elaboration ("The office denied that Brandt met Amsel", "A spokesman
described the allegation as a fabrication") form one position, and several reports often
describe one event. So the claims of each kind are first grouped into **topics**: claims
of one kind whose contents share ``min_overlap`` topic words, directly or through other
claims of that kind, form one topic (its words: the union of their contents' words). A
pair is kept when the words of the statement's sentence meet the report's topic, or the
statement's topic meets the words of the report's sentence, in at least ``min_overlap``
topic words.

On ``fixtures/articles.jsonl`` (``scripts/eval_extraction.py``) this keeps about 5 in 6
gold contradiction pairs and half of the neutral ones at ``min_overlap=1``; pairs needing
world knowledge ("denies doping" vs "a urine sample tested positive") are lost, and
``min_overlap=0`` keeps every pair.

:func:`article_pairs` pairs the claims of one article within a run's limits: an article
with more than ``max_pairs_per_article`` pairs keeps the pairs the ranker rates highest with
ranked pairing (the default), else the :func:`strongest_pairs`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nli.claims import article_claims
from nli.config import ArticleConfig, RunCounts
from nli.types import Article, Claim

logger = logging.getLogger(__name__)

#: Function words that say nothing about a claim's topic.
STOP_WORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for",
    "with", "from", "as", "into", "over", "about", "than", "then", "that", "this", "these",
    "those", "there", "here", "it", "its", "they", "them", "their", "we", "our", "us", "you",
    "your", "he", "him", "his", "she", "her", "i", "me", "my", "is", "are", "was", "were", "be",
    "been", "being", "has", "have", "had", "do", "does", "did", "done", "not", "no", "nor",
    "never", "none", "any", "all", "some", "would", "could", "should", "will", "shall", "may",
    "might", "can", "must", "also", "just", "only", "very", "more", "most", "such", "who",
    "whom", "which", "what", "when", "where", "why", "how", "while", "after", "before",
    "during", "since", "until",
))  # fmt: skip

#: Attribution-frame words: they say who spoke and where, not what about.
FRAME_WORDS = frozenset((
    "said", "says", "say", "told", "tell", "tells", "added", "adds", "denied", "deny", "denies",
    "rejected", "rejects", "dismissed", "dismisses", "insisted", "insists", "claimed", "claims",
    "confirmed", "confirms", "according", "report", "reports", "reported", "source", "sources",
    "official", "officials", "statement", "interview", "conference", "newspaper", "spokesman",
    "spokeswoman", "spokesperson", "seen", "published", "posted", "quoted", "asked", "comment",
    "comments", "reporters", "journalists", "described", "called",
))  # fmt: skip

#: Generic time, quantity and filler words, shared by unrelated claims.
GENERIC_WORDS = frozenset((
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "week",
    "weeks", "month", "months", "year", "years", "day", "days", "today", "yesterday", "morning",
    "afternoon", "evening", "night", "weekend", "last", "next", "ago", "early", "late",
    "earlier", "later", "percent", "cent", "people", "one", "two", "three", "four", "five",
    "six", "seven", "eight", "nine", "ten", "first", "second", "third", "new", "other", "own",
    "well", "still", "around", "near", "per",
))  # fmt: skip

#: Near-synonym classes common in denial stories. A lower-case word whose stem is the stem
#: of a member adds the class tag ("soldiers" and "troops" both give ``#military``);
#: members with a space are matched as phrases. Capitalised words carry no tag
#: ("United Nations" is no military unit).
CONCEPTS: dict[str, tuple[str, ...]] = {
    "military": ("troops", "soldiers", "army", "military", "armoured", "armored", "tanks",
                 "artillery", "battalion", "units", "warships", "navy", "naval"),
    "detention": ("detained", "detention", "arrested", "custody", "jail", "prison", "held"),
    "casualty": ("killed", "dead", "death", "died", "casualties", "wounded", "injured",
                 "fatal"),
    "contamination": ("contaminated", "salmonella", "bacteria", "poisoning", "toxic",
                      "polluted", "pollution", "leak", "spill", "discharged", "dumping"),
    "job_cuts": ("layoffs", "redundancies", "jobs", "let go", "sacked"),
    "attack": ("attack", "strike", "shelled", "shelling", "shells", "bombed", "missile",
               "fired", "shot"),
    "shortage": ("shortage", "run out", "ran out", "empty", "ration", "scarce"),
    "meeting": ("met", "meeting", "dinner", "lunch", "talks"),
}  # fmt: skip

_SUFFIXES = ("ations", "ation", "ions", "ion", "ments", "ment", "ings", "ing", "ies", "ied",
             "es", "ed", "s", "ly")  # fmt: skip
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+|\d[\d,.]*\d|\d")


def stem(word: str) -> str:
    """Reduce a lower-cased word by one common suffix (a light, explainable stemmer).

    Example:
        >>> [stem(w) for w in ("troops", "detained", "contamination", "shelling")]
        ['troop', 'detain', 'contamin', 'shell']
    """
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "sl":
        word = word[:-1]  # "stopp" -> "stop"
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def content_words(text: str) -> frozenset[str]:
    """The stemmed topic words of ``text``.

    Example:
        >>> sorted(content_words("We have no fighting troops in Syria."))
        ['fight', 'syria', 'troop']
    """
    words = set()
    for match in _WORD.finditer(text):
        word = match.group(0).lower().replace("’", "'").strip("'-.,")
        word = word.removesuffix("'s")
        if word in STOP_WORDS or word in FRAME_WORDS or word in GENERIC_WORDS:
            continue
        if len(word) < 3 and not word[:1].isdigit():
            continue
        words.add(word if word[:1].isdigit() else stem(word))
    return frozenset(words)


def _concept_stems() -> dict[str, frozenset[str]]:
    """The stems of each :data:`CONCEPTS` class's single-word members."""
    return {
        name: frozenset(stem(m) for m in members if " " not in m)
        for name, members in CONCEPTS.items()
    }


_CONCEPT_STEMS = _concept_stems()


def topic_words(text: str) -> frozenset[str]:
    """:func:`content_words` plus the ``#concept`` tags of :data:`CONCEPTS` they belong to.

    Example:
        >>> sorted(topic_words("Soldiers crossed the border."))
        ['#military', 'border', 'cross', 'soldier']
    """
    words = content_words(text)
    lower_stems = {
        stem(m.group(0).lower())
        for m in _WORD.finditer(text)
        if m.group(0)[:1].islower() or m.start() == 0
    }
    low = text.lower()
    tags = {
        "#" + name
        for name, stems in _CONCEPT_STEMS.items()
        if lower_stems & stems or any(m in low for m in CONCEPTS[name] if " " in m)
    }
    return words | tags


def _topics(words: Sequence[frozenset[str]], min_overlap: int) -> list[frozenset[str]]:
    """For each claim, the union of the words of all claims linked to it.

    Claims are linked when they share ``min_overlap`` words; links are followed
    transitively (connected components).
    """
    parent = list(range(len(words)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(words)):
        for j in range(i + 1, len(words)):
            if len(words[i] & words[j]) >= max(min_overlap, 1):
                parent[root(i)] = root(j)
    union: dict[int, set[str]] = {}
    for i, w in enumerate(words):
        union.setdefault(root(i), set()).update(w)
    return [frozenset(union[root(i)]) for i in range(len(words))]


@dataclass(frozen=True)
class ClaimTopics:
    """Claims of one kind with the topic words pairing compares (see :func:`claim_topics`).

    Attributes:
        claims (tuple[Claim, ...]): The claims, all statements or all reports.
        words (tuple[frozenset[str], ...]): :func:`topic_words` of each claim's sentence.
        topics (tuple[frozenset[str], ...]): Each claim's topic: the words of the
            contents of all claims linked to it.
    """

    claims: tuple[Claim, ...]
    words: tuple[frozenset[str], ...]
    topics: tuple[frozenset[str], ...]


def claim_topics(claims: Sequence[Claim], *, min_overlap: int = 1) -> ClaimTopics:
    """Compute once what :func:`pair_topics` compares, for claims of one kind."""
    return ClaimTopics(
        tuple(claims),
        tuple(topic_words(c.text) for c in claims),
        tuple(_topics([topic_words(c.content) for c in claims], min_overlap)),
    )


def pair_topics(
    statements: ClaimTopics, reports: ClaimTopics, *, min_overlap: int = 1
) -> list[tuple[Claim, Claim]]:
    """The (statement, report) pairs about one topic (rule in the module docstring).

    Statements and reports may come from one article (:func:`pair_claims`) or from two
    articles about one event (``nli score --cross-article``).

    Returns:
        list[tuple[Claim, Claim]]: Pairs in (statement, report) order.
    """
    return [
        (statement, report)
        for i, statement in enumerate(statements.claims)
        for j, report in enumerate(reports.claims)
        if min_overlap == 0
        or len(statements.words[i] & reports.topics[j]) >= min_overlap
        or len(statements.topics[i] & reports.words[j]) >= min_overlap
    ]


def pair_claims(claims: Sequence[Claim], *, min_overlap: int = 1) -> list[tuple[Claim, Claim]]:
    """The (statement, report) pairs of one article that are about the same topic.

    Args:
        claims (Sequence[Claim]): The article's claims, in text order.
        min_overlap (int): Topic words a pair must share (see the module docstring);
            0 keeps every statement x report pair. Defaults to 1.

    Returns:
        list[tuple[Claim, Claim]]: Pairs in (statement, report) text order.

    Example:
        >>> from nli.types import Claim
        >>> s = Claim("statement", "We have no troops in Syria.", "We have no troops in Syria",
        ...           "Iran", "said", "+", (0, 27))
        >>> r = Claim("report", "Soldiers arrived in Aleppo.", "Soldiers arrived in Aleppo",
        ...           "sources", "said", "+", (28, 55))
        >>> len(pair_claims([s, r]))
        1
    """
    if min_overlap < 0:
        raise ValueError(f"min_overlap must be >= 0, got {min_overlap}")
    statements = [c for c in claims if c.kind == "statement"]
    reports = [c for c in claims if c.kind == "report"]
    if min_overlap == 0:
        return [(s, r) for s in statements for r in reports]
    return pair_topics(
        claim_topics(statements, min_overlap=min_overlap),
        claim_topics(reports, min_overlap=min_overlap),
        min_overlap=min_overlap,
    )


ClaimPair = tuple[Claim, Claim]


def strongest_pairs(pairs: Sequence[ClaimPair], limit: int) -> list[ClaimPair]:
    """The ``limit`` pairs sharing the most topic words, in their original order.

    Example:
        >>> s = Claim("statement", "s", "troops in Syria", "X", "said", "+", (0, 1))
        >>> r1 = Claim("report", "r", "troops arrived", "Y", "said", "+", (2, 3))
        >>> r2 = Claim("report", "r", "troops arrived in Syria", "Y", "said", "+", (4, 5))
        >>> [r.span for _, r in strongest_pairs([(s, r1), (s, r2)], 1)]
        [(4, 5)]
    """
    if len(pairs) <= limit:
        return list(pairs)

    def overlap(pair: ClaimPair) -> int:
        return len(content_words(pair[0].content) & content_words(pair[1].content))

    ranked = sorted(range(len(pairs)), key=lambda i: -overlap(pairs[i]))  # stable: ties in order
    return [pairs[i] for i in sorted(ranked[:limit])]


def paired_claims(
    article: Article, config: ArticleConfig, counts: RunCounts
) -> list[tuple[Claim, Claim, float | None]]:
    """Clean, segment, attribute and pair one article, applying the config's limits.

    Counts claims, empty articles and dropped pairs in ``counts``.

    Returns:
        list: The article's ``(statement, report, pair probability)`` triples, the
        probability being the pair ranker's (:mod:`nli.ranking`) with
        ``pairing="ranked"`` and None otherwise; empty when the article has no pairs.

    Raises:
        ValueError: When the article is longer than ``config.max_article_chars``.
    """
    return pair_article_claims(article, article_claims(article, config, counts), config, counts)


def pair_article_claims(
    article: Article,
    claims: Sequence[Claim],
    config: ArticleConfig,
    counts: RunCounts,
    *,
    embeddings: np.ndarray | None = None,
) -> list[tuple[Claim, Claim, float | None]]:
    """The pairs of :func:`paired_claims` from an article's claims already found.

    Args:
        embeddings (np.ndarray | None): The claims' pairing embeddings
            (:func:`nli.ranking.claim_embeddings`), when computed for a whole batch of
            articles at once; None: encoded here (ranked pairing only uses them).
    """
    triples: list[tuple[Claim, Claim, float | None]]
    if config.pairing == "ranked":
        from nli.ranking import rank_pairs

        triples = list(rank_pairs(claims, text_length=len(article.text), embeddings=embeddings))
    elif config.pairing == "retrieval":
        from nli.retrieval import retrieve_pairs

        found = retrieve_pairs(
            claims,
            k=config.top_k,
            denial_k=config.denial_top_k,
            blanket_k=config.blanket_top_k,
            min_similarity=config.min_similarity,
        )
        triples = [(statement, report, None) for statement, report, _ in found]
    else:
        triples = [(s, r, None) for s, r in pair_claims(claims, min_overlap=config.min_overlap)]
    limit = config.max_pairs_per_article
    if len(triples) > limit:
        logger.warning(
            "article %s: %d pairs, kept the %d %s (max_pairs_per_article)",
            article.id,
            len(triples),
            limit,
            "the ranker rates highest"
            if config.pairing == "ranked"
            else "sharing most topic words",
        )
        counts.pairs_dropped += len(triples) - limit
        if config.pairing == "ranked":
            best = sorted(range(len(triples)), key=lambda i: -(triples[i][2] or 0.0))[:limit]
            triples = [triples[i] for i in sorted(best)]
        else:
            plain = [(s, r) for s, r, _ in triples]
            kept = {id(pair) for pair in strongest_pairs(plain, limit)}
            triples = [t for t, pair in zip(triples, plain, strict=True) if id(pair) in kept]
    return triples


def article_pairs(article: Article, config: ArticleConfig, counts: RunCounts) -> list[ClaimPair]:
    """The (statement, report) pairs of :func:`paired_claims`, without probabilities."""
    return [(statement, report) for statement, report, _ in paired_claims(article, config, counts)]
