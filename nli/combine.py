"""Combining the two layers of claim finding, and pairing uncertain roles both ways.

:func:`merge_claims` keeps every claim of the rules (:mod:`nli.attribution`) and adds a claim
of the parse (:func:`nli.parsed.parse_claims`) only where the rules found none of the same kind
overlapping it, so the rules' precise readings are kept and the parse fills gaps; reports
carried inside a denial and blanket denials, which the rules do not make, are added unless a
rule claim of their kind has the same span.

:func:`both_roles` then lets the side that denies decide who is official: in an article with a
denial, statements by others than the denier (people who are not officials, officials of
another party) are also reports, and reports by a denier are also statements. A report that
sets itself against reports ("despite reports to the contrary") is a statement too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from nli.roles import OFFICIAL_HEADS, PRONOUNS
from nli.types import Claim


def merge_claims(rules: Sequence[Claim], parsed: Sequence[Claim]) -> list[Claim]:
    """The rules' claims plus each parsed claim no rule claim of its kind overlaps.

    Parsed reports carried inside a denial (``within``) and blanket denials are always
    added when the rules have no claim with the same span, since the rules do not make
    them. The result is in text order.
    """
    out = list(rules)
    for claim in parsed:
        same_kind = [c for c in rules if c.kind == claim.kind]
        if claim.within is not None or claim.blanket:
            if any(c.span == claim.span for c in same_kind):
                # the rules found the same span: keep theirs, but note a blanket denial
                if claim.blanket:
                    out = [
                        _as_blanket(c, claim)
                        if c.span == claim.span and c.kind == claim.kind
                        else c
                        for c in out
                    ]
                continue
            out.append(claim)
            continue
        if any(c.span[0] < claim.span[1] and claim.span[0] < c.span[1] for c in same_kind):
            continue
        out.append(claim)
    return sorted(out, key=lambda c: (c.span[0], c.span[1], c.kind))


def _name_words(speaker: str | None) -> frozenset[str]:
    """Capitalised words of a speaker ("Pentagon Press Secretary Alyssa Farah"), before any
    relative clause that describes it: "Belarus, a close Russian ally that has provided
    support for Moscow's war in Ukraine" is Belarus and Russian, not Ukraine; "Reports that
    Isis fighters ..." keeps its words (no auxiliary after "that").

    Example:
        >>> sorted(_name_words("Belarus, a Russian ally that has backed Moscow's war in Ukraine"))
        ['Belarus', 'Russian']
    """
    if not speaker:
        return frozenset()
    head = _RELATIVE.split(speaker, maxsplit=1)[0]
    head = _PLACE.split(head, maxsplit=1)[0]  # "U.S. forces in Afghanistan": not Afghanistan's
    # "U.S." and "U.N." are names too; "U.S.-allied" describes, like "Iran-backed"
    words = re.findall(r"[A-Z](?:\.[A-Z])+(?:\.(?!-)|(?![.\w-]))|[A-Z][\w'-]+", head)
    return frozenset(
        w.replace(".", "") if "." in w else w
        for w in words
        if w.lower() not in PRONOUNS and (len(w) > 2 or "." in w)
    )


#: Where a place after a speaker starts: "forces in Afghanistan", "officials in Uruzgan"
#: (where they are, not whose side they are on).
_PLACE = re.compile(r"\s+in\s+(?=(?:the\s+)?[A-Z])")

#: Where a relative clause describing a speaker starts: a relative pronoun and an auxiliary
#: (", who has ...", "an ally that has provided ..."; not "Reports that Isis fighters ...").
_RELATIVE = re.compile(
    r",?\s+(?:who|which|that)\s+(?:has|have|had|is|are|was|were|will|would)\b", re.IGNORECASE
)


#: Capitalised words of office titles that say nothing about whose side a speaker is on.
TITLE_WORDS = frozenset(
    ["foreign", "defence", "defense", "interior", "senior", "deputy", "press", "state",
     "national", "federal", "prime", "general", "chief", "elite", "home", "health",
     "information", "justice", "finance", "public", "affairs", "security", "the", "a", "an",
     "acting", "former", "top", "vice", "high", "supreme", "central"]
)  # fmt: skip


def _official_speaker(speaker: str | None) -> bool:
    words = {w.lower().strip(".,'’s") for w in (speaker or "").split()}
    return bool(words & OFFICIAL_HEADS)


def _affiliation(speaker: str | None) -> frozenset[str]:
    """Who a speaker belongs to: the stems of its capitalised words other than office
    words ("Belarus Defence Ministry" -> {"belar"}; "Iran's elite Revolutionary Guards"
    and "an Iranian deputy foreign minister" share "iran")."""
    return frozenset(
        w.lower()[:4]
        for w in _name_words(speaker)
        if w.lower() not in OFFICIAL_HEADS and w.lower() not in TITLE_WORDS
    )


def _other_side(claim: Claim, denier_names: set[str], denier_sides: set[str]) -> bool:
    """Whether a non-denying statement may speak for another party than the denier's.

    A person or body that is not an official may; an official does only when it names an
    affiliation the deniers do not share (a rival government, another army): an office
    with no affiliation of its own ("a senior Foreign Ministry official") is taken to be
    on the denier's side.
    """
    if not _official_speaker(claim.speaker):
        return True
    side = _affiliation(claim.speaker) - denier_names
    return bool(side) and not side & denier_sides


#: Words that set a claim against reports: "despite reports to the contrary", "dismissed the
#: rumours", "ignore the reports", "describing reports ... as rumor", "the claims are false".
_DISMISSES_REPORTS = re.compile(
    r"\b(?:despite|dismiss\w*|ignore|den(?:y|ied|ies|ying)|refut\w*|describ\w+|call\w*)\s+"
    r"(?:the\s+|these\s+|those\s+|all\s+|such\s+|media\s+|earlier\s+)*"
    r"(?:reports?|rumou?rs?|claims?|allegations?|speculation)\b"
    r"|\b(?:reports?|rumou?rs?|claims?|allegations?) to the contrary\b"
    r"|\b(?:reports?|rumou?rs?|claims?|allegations?) (?:are|were|is|was) (?:false|untrue|baseless"
    r"|wrong|fake|inaccurate)\b",
    re.IGNORECASE,
)


def both_roles(claims: Sequence[Claim]) -> list[Claim]:
    """Pair uncertain roles both ways: the side that denies decides who is official.

    In an article where someone denies or dismisses something, the official side is the
    denier's: a statement by another party (a rival government, an analyst, a relative
    the rules took for an official; see :func:`_other_side`) may be the report the
    denial answers, so it also becomes a report; a report whose source is a denier also
    becomes a statement. Articles without a denial keep their roles.
    """
    have = {(c.kind, c.span) for c in claims}
    # a report whose own words set it against reports ("No cases have been found, despite
    # reports to the contrary, the agency said") is someone answering them: a statement too
    out = list(claims)
    for claim in claims:
        if (
            claim.kind == "report"
            and claim.within is None
            and _DISMISSES_REPORTS.search(claim.text)
            and ("statement", claim.span) not in have
        ):
            have.add(("statement", claim.span))
            out.append(replace(claim, kind="statement"))
    deniers: set[str] = set()
    for claim in claims:
        if claim.kind == "statement" and (claim.polarity == "-" or claim.blanket):
            deniers |= _name_words(claim.speaker)
    if not deniers:
        return sorted(out, key=lambda c: (c.span[0], c.span[1], c.kind))
    denier_sides = {w.lower()[:4] for w in deniers}
    for claim in claims:
        denier = bool(_name_words(claim.speaker) & deniers)
        if (
            claim.kind == "statement"
            and not denier
            and claim.polarity == "+"
            and _other_side(claim, deniers, denier_sides)
        ):
            twin = replace(claim, kind="report", blanket=False, context=None)
        elif claim.kind == "report" and denier and claim.within is None:
            twin = replace(claim, kind="statement")
        else:
            continue
        if (twin.kind, twin.span) not in have:
            have.add((twin.kind, twin.span))
            out.append(twin)
    return sorted(out, key=lambda c: (c.span[0], c.span[1], c.kind))


def _as_blanket(rule: Claim, parsed: Claim) -> Claim:
    return replace(rule, blanket=True, polarity="-", context=parsed.context)
