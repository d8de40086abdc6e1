"""The role of a claim's source, read from its words and entity types.

:func:`source_role` decides whose side a source speaks for from its head word and name: media,
reports, rumours, sources and witnesses are third parties (``report``; :data:`REPORT_HEADS`,
:data:`MEDIA_NAME_WORDS`); officials, offices and named people or organisations are the
official side (``statement``; :data:`OFFICIAL_HEADS`); a pronoun (:data:`PRONOUNS`) takes the
role of the source before it; anything else is uncertain (``both``), so that pairing decides.
Entity types (:func:`nli.nlp.entity_type`) are asked for last, only when the words leave the
role open.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

from nli.nlp import entity_type

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Token

Role = Literal["statement", "report", "both"]

#: Head words of third-party sources.
REPORT_HEADS = frozenset(
    [
        "report",
        "reporting",
        "reporter",
        "rumour",
        "rumor",
        "claim",
        "allegation",
        "speculation",
        "story",
        "article",
        "media",
        "medium",
        "press",
        "newspaper",
        "paper",
        "tabloid",
        "website",
        "site",
        "outlet",
        "channel",
        "broadcaster",
        "network",
        "blog",
        "blogger",
        "post",
        "tweet",
        "footage",
        "image",
        "video",
        "photo",
        "picture",
        "source",
        "witness",
        "resident",
        "activist",
        "monitor",
        "observer",
        "journalist",
        "correspondent",
        "agency",
        "wire",
        "user",
        "account",
        "survivor",
        "relative",
        "villager",
        "eyewitness",
        "insider",
        "critic",
        "opponent",
        "rival",
        "analyst",
        "expert",
        "group",
        "organisation",
        "organization",
        "ngo",
        "watchdog",
        "campaigner",
        "lawmaker",
    ]
)
#: Words in a name that mark a news outlet ("the Wall Street Journal", "Sky News").
MEDIA_NAME_WORDS = frozenset(
    [
        "news",
        "times",
        "post",
        "journal",
        "daily",
        "herald",
        "tribune",
        "media",
        "tv",
        "television",
        "radio",
        "agency",
        "press",
        "gazette",
        "magazine",
        "telegraph",
        "guardian",
        "observer",
        "reuters",
        "bloomberg",
        "xinhua",
        "tass",
        "sputnik",
        "afp",
        "ap",
        "bbc",
        "cnn",
        "fox",
        "nbc",
        "cbs",
        "abc",
        "sky",
        "msnbc",
        "jazeera",
        "irna",
        "isna",
        "ria",
        "interfax",
        "yonhap",
        "kyodo",
        "anadolu",
        "wsj",
        "nyt",
        "politico",
        "axios",
        "mail",
        "sun",
        "mirror",
        "express",
        "independent",
        "standard",
        "chronicle",
        "insider",
        "tmz",
        "variety",
        "deadline",
        "reporter",
        "report",
        "inquirer",
        "examiner",
        "globe",
        "star",
        "dispatch",
        "bulletin",
        "courier",
        "wire",
        "broadcasting",
        "documentary",
    ]
)
#: Head words of the official side.
OFFICIAL_HEADS = frozenset(
    [
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "minister",
        "ministry",
        "government",
        "official",
        "army",
        "military",
        "police",
        "president",
        "premier",
        "secretary",
        "department",
        "office",
        "authority",
        "embassy",
        "ambassador",
        "governor",
        "mayor",
        "council",
        "commission",
        "company",
        "firm",
        "club",
        "federation",
        "union",
        "party",
        "campaign",
        "court",
        "prosecutor",
        "representative",
        "rep",
        "publicist",
        "lawyer",
        "attorney",
        "manager",
        "chief",
        "ceo",
        "executive",
        "chairman",
        "chairwoman",
        "chair",
        "director",
        "board",
        "pentagon",
        "kremlin",
        "statement",
        "spokespeople",
        "administration",
        "cabinet",
        "leader",
        "commander",
        "general",
        "force",
        "forces",
        "service",
        "bank",
        "group",
        "corporation",
        "agency",
        "regulator",
        "operator",
        "hospital",
        "university",
        "school",
        "league",
        "team",
        "coach",
        "owner",
        "founder",
        "king",
        "queen",
        "prince",
        "palace",
        "house",
        "senator",
        "guard",
        "guards",
        "corps",
        "navy",
    ]
)
PRONOUNS = frozenset(["he", "she", "it", "they", "we", "i", "his", "her", "their", "its"])


def _head_words(span: Iterable[Token]) -> list[str]:
    return [t.lemma_.lower() for t in span]


def source_role(tokens: Sequence[Token], previous: Role | None = None) -> Role:
    """The role of a source from its words and entity types.

    Media, reports, rumours, sources and witnesses are third parties (``report``);
    officials, offices and named people or organisations are the official side
    (``statement``); a pronoun takes ``previous``; anything else is ``both``.
    """
    if not tokens:
        return "report"
    head = _source_head(tokens)
    if len(tokens) <= 2 and head.lower_ in PRONOUNS:
        return previous or "both"
    if _third_party(tokens, head):
        return "report"
    head_lemma = head.lemma_.lower()
    if head_lemma in OFFICIAL_HEADS or set(_head_words(tokens)) & OFFICIAL_HEADS:
        return "statement"
    if head.pos_ == "PROPN":
        return "statement"
    if head.is_lower:  # "residents", "the airline": no name, so no need for entity types
        return "both"
    return "statement" if entity_type(head) in ("PERSON", "ORG", "GPE", "NORP", "FAC") else "both"


def _source_head(tokens: Sequence[Token]) -> Token:
    """The token of a source whose head is outside it."""
    return min(tokens, key=lambda t: (t.head in tokens, t.i))


def third_party_source(tokens: Sequence[Token]) -> bool:
    """Whether :func:`source_role` reads a source as ``report`` with no ``previous`` role
    to lend a pronoun (without asking for its head's entity type)."""
    head = _source_head(tokens)
    return not (len(tokens) <= 2 and head.lower_ in PRONOUNS) and _third_party(tokens, head)


def _third_party(tokens: Sequence[Token], head: Token) -> bool:
    """Whether a source (no pronoun) names media, reports, rumours, sources or witnesses:
    :func:`source_role` gives it ``report``. Entity types are asked for last."""
    head_lemma = head.lemma_.lower()
    if head_lemma in REPORT_HEADS or head.lower_ in REPORT_HEADS:
        return True
    if {"media", "newspaper", "tabloid", "outlet", "reporter", "journalist"} & set(
        _head_words(tokens)
    ):
        return True
    return any(
        t.lower_.strip(".") in MEDIA_NAME_WORDS for t in tokens if t.lower_[:1].isalpha()
    ) and (
        head_lemma in ("newspaper", "paper", "agency")
        or any(entity_type(t) in ("ORG", "WORK_OF_ART", "PRODUCT", "NORP") for t in tokens)
    )
